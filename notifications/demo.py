"""Demo notifications: a few unread ones for each demo user, and one Teams channel that posts to
a local receiver (`manage.py teams_receiver`). Idempotent: fixed subjects and dates."""

from datetime import date

from django.contrib.auth import get_user_model
from django.urls import reverse

from . import kinds
from .crypto import encrypt
from .models import ChannelRoute, Notification, TeamsChannel

DEMO_DAY = date(2026, 1, 5)
DEMO_CHANNEL_URL = "http://127.0.0.1:8199/workflows/demo-programme?sig=local-demo"


def _add(user, kind, key, title, body, link, facts):
    # Rows written directly (not notify()): the demo must not e-mail anyone when it is seeded.
    Notification.objects.get_or_create(
        recipient=user,
        kind=kind,
        subject_key=f"demo:{key}",
        due_on=DEMO_DAY,
        defaults={
            "title": title,
            "body": body,
            "link": link,
            "data": {"facts": facts},
            "status": Notification.Status.SKIPPED,
            "error": "Demo data: not e-mailed.",
        },
    )


def seed() -> str:
    users = get_user_model().objects.in_bulk(
        ["admin", "coe", "exec", "maker", "maker2"], field_name="username"
    )
    for username, user in users.items():
        _add(
            user,
            kinds.WELCOME,
            f"welcome:{username}",
            "Welcome to CoE Hub",
            "Your notifications show here; choose what reaches you by e-mail in the settings.",
            reverse("notifications:settings"),
            [["Your role", username]],
        )
    for username in ("maker", "maker2"):
        if username in users:
            _add(
                users[username],
                kinds.CHECKIN_DUE,
                f"checkin:{username}",
                "Check-in due: your key result",
                "Record the latest value and your confidence: it takes a minute.",
                reverse("strategy:check_in_due"),
                [["Check-in due on", DEMO_DAY.isoformat()]],
            )
    for username in ("coe", "admin"):
        if username in users:
            _add(
                users[username],
                kinds.COE_DIGEST,
                f"digest:{username}",
                "CoE digest for the week of 05 Jan 2026",
                "What is waiting for the CoE this week.",
                reverse("stories:story_review_queue"),
                [["Stories waiting for review", "2"], ["Assessments due", "1"]],
            )
            _add(
                users[username],
                kinds.ASSESSMENT_DUE,
                f"assessment:{username}",
                "Re-assessment due: Whole organisation",
                "Every 90 days the unit's maturity is assessed again.",
                reverse("adoption:assessment_list"),
                [["Due on", DEMO_DAY.isoformat()]],
            )
    channel = TeamsChannel.objects.filter(name="Programme channel (local demo)").first()
    if channel is None:
        channel = TeamsChannel.objects.create(
            name="Programme channel (local demo)",
            webhook_url_encrypted=encrypt(DEMO_CHANNEL_URL),
            webhook_host="127.0.0.1",
            created_by=users.get("coe"),
        )
    for kind in (kinds.STORY_PUBLISHED, kinds.KR_OFF_TRACK, kinds.COE_DIGEST):
        ChannelRoute.objects.get_or_create(channel=channel, kind=kind)
    unread = Notification.objects.filter(
        recipient__username__in=list(users), read_at__isnull=True
    ).count()
    return f"{unread} unread notifications, Teams channel “{channel}”"
