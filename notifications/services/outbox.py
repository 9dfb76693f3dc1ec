"""Putting notifications in the outbox: the public `notify()` other apps call, channel posts, and
the bulk path the scheduler uses. Every path inserts rows that a unique constraint keeps to one
per (person or channel, kind, subject, due date), and publishes delivery only after commit."""

from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.jobs import enqueue_on_commit

from .. import kinds, rules
from ..models import Notification, NotificationPreference, TeamsChannel

S = Notification.Status


def preferences_for(user_ids, kind_keys) -> dict[tuple[int, str], NotificationPreference]:
    """The stored choices of these people for these kinds, in one query."""
    rows = NotificationPreference.objects.filter(user_id__in=list(user_ids), kind__in=kind_keys)
    return {(row.user_id, row.kind): row for row in rows}


def initial_state(user, kind_key: str, preference, now: datetime) -> dict:
    """Status, delivery time and reason for a new person's notification: e-mail off or no address
    keep it in the app only; a digest choice holds it for the digest; reminder kinds wait for the
    end of quiet hours in the person's time zone."""
    kind = kinds.get(kind_key)
    email_on = preference.email if preference else kind.email_default
    digest = preference.digest if (preference and kind.digestible) else "off"
    if not email_on:
        return {"status": S.SKIPPED, "deliver_after": now, "error": "E-mail is off for this kind."}
    if not user.email:
        return {"status": S.SKIPPED, "deliver_after": now, "error": "No e-mail address."}
    if digest != "off":
        return {"status": S.HELD, "deliver_after": now, "error": ""}
    after = rules.deliver_after(now, user.time_zone) if kind.quiet_hours else now
    return {"status": S.PENDING, "deliver_after": after, "error": ""}


def _enqueue_delivery(notification: Notification) -> None:
    if notification.status == S.PENDING:
        from ..tasks import notification_deliver_task

        enqueue_on_commit(notification_deliver_task, notification.pk)


@transaction.atomic
def notify(
    *,
    recipient,
    kind: str,
    subject_key: str,
    title: str,
    body: str = "",
    link: str = "",
    facts: list[tuple[str, str]] | None = None,
    due_on: date | None = None,
    data: dict | None = None,
) -> Notification | None:
    """Notify one person: an in-app message, and an e-mail by their choices (now, after their
    quiet hours, or in their digest). Idempotent: the same (recipient, kind, subject_key, due_on)
    a second time does nothing and returns None. `link` is a path in the product (or an absolute
    URL); `facts` are (label, value) pairs shown in the e-mail. Publishes delivery after commit.
    Raises KeyError for an unknown kind."""
    kinds.get(kind)
    now = timezone.now()
    preference = NotificationPreference.objects.filter(user=recipient, kind=kind).first()
    payload = dict(data or {})
    if facts:
        payload["facts"] = [[str(k), str(v)] for k, v in facts]
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                kind=kind,
                subject_key=subject_key[:120],
                due_on=due_on or timezone.localdate(now),
                title=title[:300],
                body=body,
                link=link[:500],
                data=payload,
                created_at=now,
                **initial_state(recipient, kind, preference, now),
            )
    except IntegrityError:
        return None  # already notified about this subject and date
    _enqueue_delivery(notification)
    return notification


@transaction.atomic
def notify_channels(
    *,
    kind: str,
    unit_id: int | None,
    subject_key: str,
    title: str,
    body: str = "",
    link: str = "",
    facts: list[tuple[str, str]] | None = None,
    due_on: date | None = None,
    data: dict | None = None,
) -> list[Notification]:
    """Post to every active Teams channel routed for `kind` that covers `unit_id` (the unit's own
    channel and the programme-wide ones). Idempotent per channel like notify()."""
    now = timezone.now()
    payload = dict(data or {})
    if facts:
        payload["facts"] = [[str(k), str(v)] for k, v in facts]
    created = []
    for channel in TeamsChannel.objects.routed(kind, unit_id):
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    channel=channel,
                    kind=kind,
                    subject_key=subject_key[:120],
                    due_on=due_on or timezone.localdate(now),
                    title=title[:300],
                    body=body,
                    link=link[:500],
                    data=payload,
                    created_at=now,
                )
        except IntegrityError:
            continue
        _enqueue_delivery(notification)
        created.append(notification)
    return created


def bulk_insert(rows: list[Notification]) -> None:
    """Insert many notifications in one INSERT, skipping those that exist: the unique constraints
    decide, so two scheduler runs at once (two beat processes, a retried task) insert each once."""
    if rows:
        Notification.objects.bulk_create(rows, ignore_conflicts=True)


def coe_leads():
    """The people who run the programme: CoE leads and admins who can sign in."""
    from accounts.policy import ROLE_GROUPS, Role

    groups = [ROLE_GROUPS[Role.COE_LEAD], ROLE_GROUPS[Role.ADMIN]]
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(groups__name__in=groups)
        .distinct()
        .order_by("pk")
    )
