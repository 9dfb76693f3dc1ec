"""Rules that turn what Entra ID says about a person into their role and business unit here."""

import uuid

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from accounts.policy import Role

from .querysets import DepartmentRuleQuerySet


class RoleMapping(models.Model):
    """One rule: a person whose token carries this app role (or group id) gets this role here."""

    class Kind(models.TextChoices):
        APP_ROLE = "app_role", _("App role (the token's roles claim)")
        GROUP = "group", _("Security group object id (the token's groups claim)")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    value = models.CharField(
        _("value"),
        max_length=200,
        help_text=_("The app role's value (e.g. CoE.Maker) or the group's object id."),
    )
    role = models.CharField(_("role in CoE Hub"), max_length=20, choices=Role.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["role", "kind", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "value", "role"], name="entra_role_mapping_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value} → {self.get_role_display()}"


class DepartmentRule(models.Model):
    """One rule: people whose Entra department is this value belong to this business unit."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    department = models.CharField(
        _("department"), max_length=150, help_text=_("Compared without regard to case.")
    )
    business_unit = models.ForeignKey(
        "accounts.BusinessUnit",
        on_delete=models.CASCADE,
        related_name="entra_department_rules",
        verbose_name=_("business unit"),
    )

    objects = DepartmentRuleQuerySet.as_manager()

    class Meta:
        ordering = ["department"]
        constraints = [
            models.UniqueConstraint(Lower("department"), name="entra_department_rule_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.department} → {self.business_unit}"
