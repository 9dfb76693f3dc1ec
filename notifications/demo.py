"""Demo notifications: a few unread ones for each demo user, and one Teams channel that posts to
a local receiver (`manage.py teams_receiver`). Idempotent: fixed subjects and dates."""

from datetime import date

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.languages import in_language_of

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
        ["admin", "coe", "exec", "maker", "maker2", "maker-de"], field_name="username"
    )
    # Each person's messages in their own language, as the real ones are written.
    for username, user in users.items():
        with in_language_of(user):
            _add(
                user,
                kinds.WELCOME,
                f"welcome:{username}",
                _("Welcome to CoE Hub"),
                _(
                    "Your notifications show here; choose what reaches you by e-mail in the "
                    "settings."
                ),
                reverse("notifications:settings"),
                [[_("Your role"), username]],
            )
    for username in ("maker", "maker2", "maker-de"):
        if username in users:
            with in_language_of(users[username]):
                _add(
                    users[username],
                    kinds.CHECKIN_DUE,
                    f"checkin:{username}",
                    _("Check-in due: %s") % _("your key result"),
                    _("Record the latest value and your confidence: it takes a minute."),
                    reverse("strategy:check_in_due"),
                    [[_("Check-in due on"), date_format(DEMO_DAY, "DATE_FORMAT")]],
                )
    for username in ("coe", "admin"):
        if username in users:
            with in_language_of(users[username]):
                _add(
                    users[username],
                    kinds.COE_DIGEST,
                    f"digest:{username}",
                    _("CoE digest for the week of %s")
                    % date_format(date(2026, 1, 5), "DATE_FORMAT"),
                    _("What is waiting for the CoE this week."),
                    reverse("stories:story_review_queue"),
                    [[_("Stories waiting for review"), "2"], [_("Assessments due"), "1"]],
                )
                _add(
                    users[username],
                    kinds.ASSESSMENT_DUE,
                    f"assessment:{username}",
                    _("Re-assessment due: %s") % _("Whole organisation"),
                    _("Every %(days)s days the unit's maturity is assessed again.") % {"days": 90},
                    reverse("adoption:assessment_list"),
                    [[_("Due on"), date_format(DEMO_DAY, "DATE_FORMAT")]],
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
