"""Reads for the Entra mapping rules."""

from django.db import models
from django.db.models import Count, OuterRef
from django.db.models.functions import Lower


class DepartmentRuleQuerySet(models.QuerySet):
    def for_department(self, department: str):
        """The rule for `department` (case-insensitive), or None."""
        department = department.strip()
        if not department:
            return None
        return self.select_related("business_unit").filter(department__iexact=department).first()

    def unmapped_departments(self, limit: int = 100) -> list[dict]:
        """Departments that people have (from Entra) but that no rule maps yet, most people
        first: [{"department", "people"}]. One grouped query."""
        from accounts.models import User

        ruled = self.filter(department__iexact=OuterRef("department"))
        return list(
            User.objects.exclude(department="")
            .annotate(has_rule=models.Exists(ruled))
            .filter(has_rule=False)
            .values("department")
            .annotate(people=Count("id"))
            .order_by("-people", Lower("department"))[:limit]
        )
