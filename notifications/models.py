"""Notifications: the outbox of e-mails, Teams posts and in-app messages, people's choices, and the
Teams channels the CoE configured.

One Notification row per (person or channel, kind, subject, due date), enforced by unique
constraints, is both the in-app message and the delivery job: tasks claim it with a conditional
update, so a retried task or a second beat process never sends it twice."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import kinds
from .querysets import NotificationQuerySet, TeamsChannelQuerySet


class TeamsChannel(models.Model):
    """A Microsoft Teams channel reached through a Workflows webhook, for one business unit or
    (no unit) the whole programme. The webhook URL is a secret: stored encrypted."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=120)
    business_unit = models.ForeignKey(
        "accounts.BusinessUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="teams_channels",
        verbose_name=_("business unit"),
        help_text=_("Leave empty for the programme-wide channel."),
    )
    webhook_url_encrypted = models.TextField(editable=False)
    # Only the host is kept in clear, to show which service the URL points at.
    webhook_host = models.CharField(max_length=255, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_posted_at = models.DateTimeField(null=True, blank=True)

    objects = TeamsChannelQuerySet.as_manager()

    class Meta:
        ordering = ["business_unit__name", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_label(self) -> str:
        return str(self.business_unit) if self.business_unit_id else str(_("Whole programme"))

    @property
    def webhook_url(self) -> str:
        from .crypto import decrypt

        return decrypt(self.webhook_url_encrypted)


class ChannelRoute(models.Model):
    """A routing rule: notifications of `kind` go to `channel` (for its unit, or all units)."""

    channel = models.ForeignKey(TeamsChannel, on_delete=models.CASCADE, related_name="routes")
    kind = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "kind"], name="notification_route_once")
        ]

    def __str__(self) -> str:
        return f"{kinds.label(self.kind)} → {self.channel}"


class NotificationPreference(models.Model):
    """One person's choice for one kind; without a row the kind's defaults apply."""

    class Digest(models.TextChoices):
        OFF = "off", _("Off")
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=40)
    email = models.BooleanField(default=True)
    digest = models.CharField(max_length=10, choices=Digest.choices, default=Digest.OFF)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind}"


class Notification(models.Model):
    """One message for one person (in the app, and by e-mail per their choice) or one post to a
    Teams channel, about one subject and due date; its delivery state lives on the row."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        HELD = "held", _("Held for the digest")
        DIGESTED = "digested", _("Sent in a digest")
        SKIPPED = "skipped", _("In the app only")
        FAILED = "failed", _("Failed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    channel = models.ForeignKey(
        TeamsChannel, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40, db_index=True)
    # What it is about, as "<type>:<stable id>" (e.g. "key_result:<uuid>"): with the due date, the
    # identity that makes a reminder unique.
    subject_key = models.CharField(max_length=120)
    due_on = models.DateField()
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    # A path inside the product; made absolute with SITE_URL for e-mails and Teams.
    link = models.CharField(max_length=500, blank=True)
    # Figures shown in the e-mail and the Teams card: {"facts": [[label, value], ...], ...}.
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    deliver_after = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    digest = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "subject_key", "due_on"],
                condition=models.Q(recipient__isnull=False),
                name="notification_once_per_person",
            ),
            models.UniqueConstraint(
                fields=["channel", "kind", "subject_key", "due_on"],
                condition=models.Q(channel__isnull=False),
                name="notification_once_per_channel",
            ),
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False, channel__isnull=True)
                | models.Q(recipient__isnull=True, channel__isnull=False),
                name="notification_person_or_channel",
            ),
        ]
        indexes = [
            # The bell: a person's unread count, on every page.
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(fields=["status", "deliver_after"], name="notification_outbox"),
            # The failures page, newest first: a broken mail server can fail thousands.
            models.Index(
                fields=["-created_at", "-id"],
                condition=models.Q(status="failed"),
                name="notification_failed",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("notifications:notification_open", kwargs={"uuid": self.uuid})

    @property
    def kind_label(self) -> str:
        return kinds.label(self.kind)

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
