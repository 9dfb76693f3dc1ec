"""The tenant inventory: environments as the tenant reports them, how they map to business units,
and the import runs that fill value.Solution from Power Platform data."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from .querysets import ImportRunQuerySet


class Environment(models.Model):
    """A Power Platform environment seen in an import, and the business unit its solutions go to."""

    environment_id = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=200, blank=True)
    environment_type = models.CharField(max_length=40, blank=True)
    group_name = models.CharField(max_length=200, blank=True)
    group_id = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name or self.environment_id


class MappingRule(models.Model):
    """Sends the solutions of matching environments to a business unit; the first matching rule
    by position wins (see inventory.mapping)."""

    class MatchOn(models.TextChoices):
        ENVIRONMENT_ID = "environment_id", "Environment id"
        ENVIRONMENT_GROUP = "environment_group", "Environment group"
        NAME_PATTERN = "name_pattern", "Environment name pattern"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    position = models.PositiveIntegerField(default=100)
    match_on = models.CharField(max_length=20, choices=MatchOn.choices)
    value = models.CharField(
        max_length=200,
        help_text="An environment id, a group name, or a name pattern with * wildcards.",
    )
    business_unit = models.ForeignKey(
        "accounts.BusinessUnit", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.get_match_on_display()} {self.value} → {self.business_unit}"


class ImportRun(models.Model):
    """One import of tenant data (a file or a sync): first a preview with its diff, then, once a
    CoE lead confirms it, the commit. Only one run works at a time (the `lock` constraint)."""

    class Source(models.TextChoices):
        UPLOAD = "upload", "File upload"
        COMMAND = "command", "Command line"
        API = "api", "API upload"
        SYNC = "sync", "Inventory API sync"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be previewed"
        PREVIEWING = "previewing", "Previewing"
        PREVIEWED = "previewed", "Preview ready"
        COMMITTING = "committing", "Importing"
        DONE = "done", "Imported"
        REJECTED = "rejected", "Rejected"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    WORKING = (Status.PREVIEWING, Status.COMMITTING)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.CharField(max_length=10, choices=Source.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    # "busy" while previewing or committing; the unique constraint lets one run hold it.
    lock = models.CharField(max_length=4, blank=True, default="")
    file_name = models.CharField(max_length=255, blank=True)
    file_path = models.CharField(max_length=500, blank=True)
    file_format = models.CharField(max_length=40, blank=True)
    is_full = models.BooleanField(
        default=True,
        help_text="The file holds every resource of the tenant: what it leaves out is retired.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    previewed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    new_count = models.PositiveIntegerField(default=0)
    changed_count = models.PositiveIntegerField(default=0)
    retired_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    usage_count = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["lock"], condition=~models.Q(lock=""), name="import_run_one_at_a_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("inventory:run_detail", kwargs={"uuid": self.uuid})

    @property
    def is_working(self) -> bool:
        return self.status in (self.Status.PENDING, *self.WORKING)

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class ImportChange(models.Model):
    """One line of a run's diff: a resource that is new, changed or retired, or a rejected row
    with its line number and reason. After the commit, the record of what the run changed."""

    class Action(models.TextChoices):
        NEW = "new", "New"
        CHANGED = "changed", "Changed"
        RETIRED = "retired", "Retired"
        REJECTED = "rejected", "Rejected"

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(max_length=10, choices=Action.choices)
    line = models.PositiveIntegerField(null=True, blank=True)
    resource_id = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    # For a change: {"field": [before, after]} as text.
    fields = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["run", "action"])]

    def __str__(self) -> str:
        return f"{self.action} {self.resource_id or self.line}"


class ApiConnection(models.Model):
    """The one connection to the inventory API: the refresh token an admin's sign-in gave,
    encrypted at rest (inventory.tokens), until it is revoked or expires."""

    refresh_token_encrypted = models.TextField(blank=True)
    account = models.CharField(max_length=254, blank=True)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    connected_at = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="When the refresh token lapses if it is not used."
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="api_connection_single_row"),
        ]

    def __str__(self) -> str:
        return f"Inventory API connection ({self.account or 'not connected'})"

    @property
    def is_connected(self) -> bool:
        return bool(self.refresh_token_encrypted) and self.revoked_at is None


# The built-in welcome e-mail, in English here and in every language through the catalogue
# (WelcomeMessage.current() stores each language's text).
WELCOME_SUBJECT = gettext_noop("Welcome to the Power Platform community")
WELCOME_BODY = gettext_noop(
    "Hello {name},\n\nWe noticed your first app, flow or agent on the Power Platform: "
    "welcome! The Centre of Excellence offers training, explains the policies that keep "
    "your work safe, and would love to hear your success story: {stories_url}\n\n"
    "The CoE team"
)


class WelcomeMessage(models.Model):
    """The e-mail new makers get the first time an import sees them; the CoE edits it."""

    subject = models.CharField(max_length=200, default=WELCOME_SUBJECT)
    body = models.TextField(
        default=WELCOME_BODY,
        help_text="Plain text. {name} and {stories_url} are filled in.",
    )
    is_enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="welcome_message_single_row"),
        ]

    def __str__(self) -> str:
        return self.subject

    @classmethod
    def current(cls) -> "WelcomeMessage":
        """The one welcome message, created with the built-in text in every language."""
        from modeltranslation.utils import build_localized_fieldname

        defaults = {}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                defaults[build_localized_fieldname("subject", code)] = gettext(WELCOME_SUBJECT)
                defaults[build_localized_fieldname("body", code)] = gettext(WELCOME_BODY)
        message, _created = cls.objects.get_or_create(pk=1, defaults=defaults)
        return message


class MakerWelcome(models.Model):
    """One maker's welcome e-mail: at most one row per person, ever (the unique user)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        NO_ADDRESS = "no_address", "No e-mail address"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inventory_welcome"
    )
    run = models.ForeignKey(ImportRun, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.status}"
