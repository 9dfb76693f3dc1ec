"""Solutions built on the platform, their costs, and the business value they deliver."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse


class Solution(models.Model):
    """An app, flow, agent, report or site in the solution inventory."""

    class Kind(models.TextChoices):
        CANVAS_APP = "canvas_app", "Canvas app"
        MODEL_DRIVEN_APP = "model_driven_app", "Model-driven app"
        CLOUD_FLOW = "cloud_flow", "Cloud flow"
        DESKTOP_FLOW = "desktop_flow", "Desktop flow"
        POWER_BI_REPORT = "power_bi_report", "Power BI report"
        COPILOT_AGENT = "copilot_agent", "Copilot agent"
        POWER_PAGES_SITE = "power_pages_site", "Power Pages site"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        IDEA = "idea", "Idea"
        IN_DEVELOPMENT = "in_development", "In development"
        LIVE = "live", "Live"
        RETIRED = "retired", "Retired"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField(blank=True)
    business_unit = models.ForeignKey(
        "accounts.BusinessUnit", on_delete=models.PROTECT, related_name="solutions"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_solutions",
    )
    environment = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.LIVE)
    go_live_on = models.DateField(null=True, blank=True)
    monthly_users = models.PositiveIntegerField(default=0)
    monthly_runs = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["business_unit", "status"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("value:solution_detail", kwargs={"uuid": self.uuid})
