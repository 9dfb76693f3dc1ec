"""The organisation, its business units and its people."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .querysets import BusinessUnitQuerySet, UserManager


class Organisation(models.Model):
    """The one organisation this installation serves (a single row)."""

    name = models.CharField(_("name"), max_length=200)
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="EUR",
        help_text=_("ISO 4217 code used for money figures."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # One organisation per installation: only the row with pk 1 may exist.
            models.CheckConstraint(condition=models.Q(pk=1), name="organisation_single_row"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        from config.numbers import forget_default_currency

        forget_default_currency()  # money figures follow a changed currency at once

    @classmethod
    def current(cls) -> "Organisation":
        """The installation's organisation, created with a neutral name on first use."""
        organisation, _ = cls.objects.get_or_create(pk=1, defaults={"name": "Our organisation"})
        return organisation


class BusinessUnit(models.Model):
    """A department, division or team; units form a tree under the organisation."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_units",
    )

    objects = BusinessUnitQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="business_unit_unique_name"),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")), name="business_unit_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("accounts:business_unit_detail", kwargs={"slug": self.slug})


class User(AbstractUser):
    """A person who signs in; roles are Django groups (see accounts.policy)."""

    email = models.EmailField(_("email address"), blank=True)
    business_unit = models.ForeignKey(
        BusinessUnit,
        verbose_name=_("business unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    department = models.CharField(_("department"), max_length=150, blank=True)
    # Microsoft Entra ID identity: (tenant id, object id) is the stable key of a person, shared by
    # Entra sign-in and the Power Platform inventory's owner ids; e-mail and names may change.
    entra_tenant_id = models.CharField(max_length=36, blank=True)
    entra_object_id = models.CharField(max_length=36, blank=True)
    # Each person's own time zone (IANA name; empty: the installation's) and language (empty: the
    # browser's), for reminders' quiet hours and the interface.
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("Empty: the language your browser asks for."),
    )

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["first_name", "last_name", "username"]
        constraints = [
            models.UniqueConstraint(
                fields=["entra_tenant_id", "entra_object_id"],
                condition=~models.Q(entra_object_id=""),
                name="user_unique_entra_identity",
            ),
        ]
        indexes = [models.Index(fields=["entra_object_id"], name="user_entra_object_id")]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class AuditEvent(models.Model):
    """One recorded decision or change: who did what to which object, and when."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=80)
    target_type = models.CharField(max_length=100)
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(max_length=255)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.actor} {self.verb} {self.target_repr}"
