"""The adoption maturity model as data: levels 100-500, capability areas, what each area looks
like at each level, and the opportunities that move an organisation to the next level.

The structure follows the Power Platform adoption maturity model (five CMM-style levels, nine
capability areas in its 2025 edition); the texts are loaded from maturity/content/ by
`manage.py load_maturity_model` and can be edited in the admin."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ModelVersion(models.Model):
    """One edition of the built-in model content; assessments record the edition they used."""

    key = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    is_current = models.BooleanField(default=False)
    content_hash = models.CharField(
        max_length=64, blank=True, help_text=_("SHA-256 of the content file last loaded.")
    )
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-loaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="maturity_one_current_version",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Level(models.Model):
    """A maturity level: 100 Initial, 200 Repeatable, 300 Defined, 400 Capable, 500 Efficient."""

    number = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=40)
    summary = models.CharField(max_length=255, help_text=_("One line: what the level means."))
    description = models.TextField(
        max_length=4000, help_text=_("What a typical organisation at this level looks like.")
    )
    characteristics = models.TextField(
        max_length=4000, blank=True, help_text=_("One characteristic per line.")
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__in=[100, 200, 300, 400, 500]),
                name="maturity_level_number_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("maturity:level_detail", kwargs={"number": self.number})

    @property
    def characteristic_list(self) -> list[str]:
        return [line for line in self.characteristics.splitlines() if line.strip()]


class Area(models.Model):
    """A capability area of the model, e.g. "Business value" or "Responsible AI"."""

    class Section(models.TextChoices):
        STRATEGY = "strategy", _("Strategy, vision and business value")
        ADMINISTRATION = "administration", _("Administration, governance and support")
        NURTURE = "nurture", _("Nurture and adoption")

    key = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    section = models.CharField(max_length=20, choices=Section.choices)
    description = models.TextField(max_length=4000, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("maturity:area_detail", kwargs={"key": self.key})


class AreaLevel(models.Model):
    """What one capability area looks like at one level (a cell of the model's matrix)."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="area_levels")
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="area_levels")
    characteristics = models.TextField(max_length=4000, help_text=_("One characteristic per line."))

    class Meta:
        ordering = ["area__order", "level__number"]
        constraints = [
            models.UniqueConstraint(fields=["area", "level"], name="maturity_area_level_unique")
        ]

    def __str__(self) -> str:
        return f"{self.area} at {self.level}"

    @property
    def characteristic_list(self) -> list[str]:
        return [line for line in self.characteristics.splitlines() if line.strip()]


class Opportunity(models.Model):
    """Something to do at a level to move towards the next one; may advance a specific area."""

    key = models.SlugField(max_length=60, unique=True)
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="opportunities")
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="opportunities"
    )
    text = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["level__number", "order"]
        verbose_name_plural = "opportunities"

    def __str__(self) -> str:
        return self.text
