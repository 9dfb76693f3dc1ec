"""Reusable reads of the inventory app."""

from django.db import models

from accounts.policy import is_coe


class ImportRunQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ImportRunQuerySet":
        """Import runs are the CoE's work: CoE leads and admins see them, nobody else."""
        return self if is_coe(user) else self.none()

    def for_list(self) -> "ImportRunQuerySet":
        return self.select_related("created_by", "confirmed_by")
