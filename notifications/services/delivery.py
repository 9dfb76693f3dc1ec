"""Sending what the outbox holds: e-mail (HTML and text, with one-click unsubscribe) to people, and
Adaptive Cards to Teams channels.

Each row is claimed with a conditional update (pending and due -> sending) before anything goes
out, so two workers, a retried task or two beat processes send it once. A transient failure (SMTP
error, connection refused, webhook 429/5xx or timeout) puts the row back to pending after a delay
(the webhook's Retry-After when it gave one, else exponential backoff) until MAX_ATTEMPTS; then,
and for permanent failures (address refused, 4xx), it ends as failed with its reason, listed on
the failures page. A webhook that answers 404/410 is gone: its channel is disabled and the CoE
told."""

import logging
import smtplib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import select_template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.languages import in_language_of
from config.jobs import enqueue_on_commit

from .. import kinds, teams
from ..crypto import WebhookKeyError
from ..models import Notification, TeamsChannel
from .outbox import coe_leads, notify
from .preferences import unsubscribe_token

logger = logging.getLogger(__name__)
S = Notification.Status

MAX_ATTEMPTS = 6
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600
STUCK_AFTER = timedelta(minutes=30)


def absolute(link: str) -> str:
    """A link in the product as a full URL (SITE_URL + path); absolute links are kept."""
    if not link or link.startswith(("http://", "https://")):
        return link
    return settings.SITE_URL.rstrip("/") + "/" + link.lstrip("/")


def backoff_seconds(attempts: int) -> float:
    """30 s, 60 s, 2 min, ... capped at an hour, after the `attempts`-th failure."""
    return float(min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS))


# E-mail --------------------------------------------------------------------------------------


def email_message(notification: Notification, connection=None) -> EmailMultiAlternatives:
    """The e-mail of one person's notification: our text and HTML templates (a kind may have its
    own, notifications/email/<kind>.txt/.html), a signed one-click unsubscribe link for its kind
    and the List-Unsubscribe / List-Unsubscribe-Post headers (RFC 2369, RFC 8058)."""
    recipient = notification.recipient
    token = unsubscribe_token(user_id=recipient.pk, kind=notification.kind)
    unsubscribe_url = absolute(reverse("notifications:unsubscribe", kwargs={"token": token}))
    context = {
        "notification": notification,
        "recipient": recipient,
        "link": absolute(notification.link),
        "facts": notification.data.get("facts", []),
        "sections": notification.data.get("sections", []),
        "items": notification.data.get("items", []),
        "kind_label": kinds.label(notification.kind),
        "unsubscribe_url": unsubscribe_url,
        "settings_url": absolute(reverse("notifications:settings")),
        "site_url": settings.SITE_URL,
    }
    names = [f"notifications/email/{notification.kind}", "notifications/email/notification"]
    # In the recipient's language (their title and facts were written in it when queued).
    with in_language_of(recipient):
        context["kind_label"] = str(context["kind_label"])
        text = select_template([f"{n}.txt" for n in names]).render(context)
        html = select_template([f"{n}.html" for n in names]).render(context)
    message = EmailMultiAlternatives(
        subject=notification.title,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    return message


def _send_email(notification: Notification, connection) -> teams.PostResult:
    if not notification.recipient.email:
        return teams.PostResult("failed", _("The person has no e-mail address."))
    try:
        email_message(notification, connection).send()
    except smtplib.SMTPRecipientsRefused as error:
        refused = "; ".join(
            f"{address}: {code} {message!r}"
            for address, (code, message) in error.recipients.items()
        )
        return teams.PostResult("failed", _("The mail server refused the address (%s).") % refused)
    except (smtplib.SMTPException, OSError) as error:
        return teams.PostResult("retry", f"{type(error).__name__}: {error}"[:500])
    return teams.PostResult("sent")


# Teams ---------------------------------------------------------------------------------------


def card_for(notification: Notification) -> dict:
    """The Adaptive Card of a channel notification: its title, text, figures and a button to the
    page (the CoE digest shows each section's count as a fact)."""
    facts = list(notification.data.get("facts", []))
    for section in notification.data.get("sections", []):
        facts.append([section["title"], str(section.get("count", len(section.get("rows", []))))])
    return teams.card_payload(
        title=notification.title,
        text=notification.body,
        facts=facts,
        link=absolute(notification.link),
        link_title=_("Open in CoE Hub"),
    )


def _post_teams(notification: Notification) -> teams.PostResult:
    channel = notification.channel
    if not channel.is_active:
        return teams.PostResult("failed", _("The channel is disabled."))
    try:
        url = channel.webhook_url
    except WebhookKeyError as error:
        return teams.PostResult("failed", str(error))
    return teams.post(url, card_for(notification))


@transaction.atomic
def channel_disable(*, channel: TeamsChannel, reason: str) -> bool:
    """Switch a channel off (its webhook is gone) and tell the CoE leads, once; returns whether
    this call disabled it."""
    changed = TeamsChannel.objects.filter(pk=channel.pk, is_active=True).update(
        is_active=False, disabled_reason=reason[:255]
    )
    if changed != 1:
        return False
    link = reverse("notifications:channel_list")
    for lead in coe_leads():
        with in_language_of(lead):
            notify(
                recipient=lead,
                kind=kinds.CHANNEL_DISABLED,
                subject_key=f"channel:{channel.uuid}",
                title=_("Teams channel “%s” was disabled") % channel.name,
                body=_("%s Enter a new webhook URL to switch it on again.") % reason,
                link=link,
                facts=[(_("Channel"), channel.name), (_("Scope"), str(channel.scope_label))],
            )
    return True


# Claim, send, record -------------------------------------------------------------------------


def deliver_one(*, notification_id: int, now: datetime | None = None, connection=None) -> str:
    """Deliver one outbox row if it is pending and due; returns the outcome ("sent", "retry",
    "failed", "gone" or "not_claimed" when another worker has it or it is not due). Never
    raises for a delivery failure: the row records it."""
    now = now or timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id, status=S.PENDING, deliver_after__lte=now
    ).update(status=S.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if claimed != 1:
        return "not_claimed"
    notification = Notification.objects.select_related("recipient", "channel").get(
        pk=notification_id
    )
    if notification.channel_id:
        result = _post_teams(notification)
    else:
        result = _send_email(notification, connection)
    _record(notification, result, now)
    return result.outcome


def _record(notification: Notification, result: teams.PostResult, now: datetime) -> None:
    rows = Notification.objects.filter(pk=notification.pk, status=S.SENDING)
    if result.outcome == "sent":
        rows.update(status=S.SENT, sent_at=timezone.now(), error="")
        if notification.channel_id:
            TeamsChannel.objects.filter(pk=notification.channel_id).update(
                last_posted_at=timezone.now()
            )
        return
    if result.outcome == "retry" and notification.attempts < MAX_ATTEMPTS:
        delay = result.retry_after
        delay = backoff_seconds(notification.attempts) if delay is None else delay
        delay = min(max(delay, 1.0), BACKOFF_MAX_SECONDS)
        rows.update(
            status=S.PENDING,
            claimed_at=None,
            deliver_after=now + timedelta(seconds=delay),
            error=result.detail,
        )
        from ..tasks import notification_deliver_later

        notification_deliver_later(notification.pk, delay)
        return
    detail = result.detail
    if result.outcome == "retry":
        detail = _("Gave up after %(n)s attempts: %(detail)s") % {
            "n": notification.attempts,
            "detail": detail,
        }
    rows.update(status=S.FAILED, error=detail)
    if result.outcome == "gone":
        channel_disable(channel=notification.channel, reason=detail)


def deliver_pending(*, now: datetime | None = None, limit: int = 200) -> int:
    """Deliver up to `limit` due rows (oldest first) over one SMTP connection; returns how many
    were claimed by this call. Safe to run in several workers at once."""
    now = now or timezone.now()
    ids = list(
        Notification.objects.deliverable(now)
        .order_by("deliver_after", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    if not ids:
        return 0
    done = 0
    connection = get_connection()
    try:
        for notification_id in ids:
            if deliver_one(notification_id=notification_id, now=now, connection=connection) != (
                "not_claimed"
            ):
                done += 1
    finally:
        try:
            connection.close()
        except (smtplib.SMTPException, OSError):
            logger.warning("Closing the SMTP connection failed", exc_info=True)
    return done


def stuck_fail(*, now: datetime | None = None) -> int:
    """Rows left "sending" for longer than STUCK_AFTER (their worker died mid-send) end as failed
    with that reason: the message may have gone out, and sending nothing twice matters more."""
    now = now or timezone.now()
    return Notification.objects.filter(status=S.SENDING, claimed_at__lt=now - STUCK_AFTER).update(
        status=S.FAILED,
        error=_("The worker stopped while sending; it may or may not have arrived."),
    )


@transaction.atomic
def notification_retry(*, notification: Notification, actor) -> bool:
    """Put a failed row back in the outbox (from the failures page); returns whether it was."""
    from accounts.services import audit_record

    changed = Notification.objects.filter(pk=notification.pk, status=S.FAILED).update(
        status=S.PENDING, attempts=0, deliver_after=timezone.now(), claimed_at=None
    )
    if changed:
        audit_record(actor=actor, verb="notification_retried", target=notification)
        from ..tasks import notification_deliver_task

        enqueue_on_commit(notification_deliver_task, notification.pk)
    return bool(changed)
