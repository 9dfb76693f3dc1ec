"""Newsletters: compose an issue, send it to subscribers in batches, and subscriptions."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.policy import require
from accounts.services import audit_record
from config.errors import StateConflict
from config.jobs import enqueue_on_commit

from ..models import (
    Newsletter,
    NewsletterDelivery,
    NewsletterItem,
    NewsletterSubscription,
    Story,
)

BATCH_SIZE = 50


class NewsletterStateError(Exception):
    """The newsletter is not in a state that allows this action."""


class NewsletterStatusError(NewsletterStateError, StateConflict):
    """The issue's status (sent, or no stories yet) does not allow the step; the API answers
    409."""


@transaction.atomic
def newsletter_save(
    *, actor, subject: str, intro: str, stories: list[Story], newsletter: Newsletter | None = None
) -> Newsletter:
    """Create or change a draft issue; `stories` (published only) appear in the given order.
    Raises PermissionDenied, or NewsletterStateError when the issue was already sent."""
    require(actor, "stories.manage_newsletters")
    if newsletter is None:
        newsletter = Newsletter(created_by=actor)
    else:
        newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
        if not newsletter.is_draft:
            raise NewsletterStatusError(gettext("An issue that has been sent cannot be changed."))
    if any(not story.is_published for story in stories):
        raise NewsletterStateError(gettext("Only published stories can go into a newsletter."))
    newsletter.subject, newsletter.intro = subject, intro
    newsletter.save()
    newsletter.items.all().delete()
    NewsletterItem.objects.bulk_create(
        NewsletterItem(newsletter=newsletter, story=story, position=i)
        for i, story in enumerate(stories)
    )
    return newsletter


def newsletter_context(*, newsletter: Newsletter, base_url: str, unsubscribe_url: str) -> dict:
    """What the newsletter e-mail (and its preview) shows: the intro and each story with its
    highlights and metrics, with absolute links."""
    items = list(
        newsletter.items.select_related("story__business_unit", "story__author").prefetch_related(
            "story__metrics"
        )
    )
    base = base_url.rstrip("/")
    return {
        "newsletter": newsletter,
        "items": items,
        "base_url": base,
        "story_links": {item.pk: f"{base}{item.story.get_absolute_url()}" for item in items},
        "unsubscribe_url": unsubscribe_url,
    }


@transaction.atomic
def newsletter_send(*, newsletter: Newsletter, actor, base_url: str) -> Newsletter:
    """Start sending a draft issue: one delivery row per active subscriber with an address,
    then the sending task after commit. Raises PermissionDenied or NewsletterStateError."""
    require(actor, "stories.manage_newsletters")
    if not newsletter.items.exists():
        raise NewsletterStatusError(gettext("Add at least one story before sending."))
    started = Newsletter.objects.filter(pk=newsletter.pk, status=Newsletter.Status.DRAFT).update(
        status=Newsletter.Status.SENDING, send_started_at=timezone.now(), base_url=base_url
    )
    if started != 1:
        raise NewsletterStatusError(gettext("This issue is already being sent or was sent."))
    subscriptions = NewsletterSubscription.objects.filter(
        is_active=True, user__is_active=True
    ).exclude(user__email="")
    NewsletterDelivery.objects.bulk_create(
        [
            NewsletterDelivery(newsletter=newsletter, recipient_id=s.user_id, email=s.user.email)
            for s in subscriptions.select_related("user")
        ],
        ignore_conflicts=True,
    )
    newsletter.refresh_from_db()
    audit_record(
        actor=actor,
        verb="newsletter_sent",
        target=newsletter,
        recipients=newsletter.deliveries.count(),
    )
    from ..tasks import newsletter_send_task

    enqueue_on_commit(newsletter_send_task, newsletter.pk)
    return newsletter


def _deliver(newsletter: Newsletter, delivery: NewsletterDelivery) -> None:
    subscription = NewsletterSubscription.objects.filter(user_id=delivery.recipient_id).first()
    base = newsletter.base_url.rstrip("/")
    unsubscribe_url = (
        f"{base}{reverse('stories:newsletter_unsubscribe', kwargs={'token': subscription.token})}"
        if subscription
        else ""
    )
    context = newsletter_context(
        newsletter=newsletter, base_url=base, unsubscribe_url=unsubscribe_url
    )
    html = render_to_string("stories/email/newsletter.html", context)
    text = render_to_string("stories/email/newsletter.txt", context)
    message = EmailMultiAlternatives(
        newsletter.subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [delivery.email],
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>"} if unsubscribe_url else None,
    )
    message.attach_alternative(html, "text/html")
    message.send()


def newsletter_deliver_batch(*, newsletter_id: int, batch_size: int | None = None) -> int:
    """Send the next `batch_size` pending deliveries of an issue; returns how many are still
    pending afterwards (0 means the issue is finished and has been stamped as sent).

    Each delivery is claimed (pending → sending, a conditional update) before its mail goes
    out and marked sent right after, so a retry or a second worker never mails anyone twice.
    When a send fails, that delivery goes back to pending and the error is re-raised for the
    task to retry; deliveries sent before the failure stay sent."""
    newsletter = Newsletter.objects.get(pk=newsletter_id)
    if newsletter.status != Newsletter.Status.SENDING:
        return 0
    batch_size = batch_size or BATCH_SIZE
    pending = list(
        newsletter.deliveries.filter(status=NewsletterDelivery.Status.PENDING).order_by("pk")[
            :batch_size
        ]
    )
    for delivery in pending:
        claimed = NewsletterDelivery.objects.filter(
            pk=delivery.pk, status=NewsletterDelivery.Status.PENDING
        ).update(
            status=NewsletterDelivery.Status.SENDING,
            claimed_at=timezone.now(),
            attempts=delivery.attempts + 1,
        )
        if claimed != 1:
            continue  # another worker has it
        try:
            _deliver(newsletter, delivery)
        except Exception as error:
            NewsletterDelivery.objects.filter(pk=delivery.pk).update(
                status=NewsletterDelivery.Status.PENDING, error=str(error)[:255]
            )
            raise
        NewsletterDelivery.objects.filter(pk=delivery.pk).update(
            status=NewsletterDelivery.Status.SENT, sent_at=timezone.now(), error=""
        )
    remaining = newsletter.deliveries.filter(status=NewsletterDelivery.Status.PENDING).count()
    if remaining == 0:
        newsletter_finish(newsletter_id=newsletter_id)
    return remaining


def newsletter_finish(*, newsletter_id: int) -> None:
    """Stamp an issue as sent, with the number of deliveries that went out (idempotent)."""
    sent = NewsletterDelivery.objects.filter(
        newsletter_id=newsletter_id, status=NewsletterDelivery.Status.SENT
    ).count()
    Newsletter.objects.filter(pk=newsletter_id, status=Newsletter.Status.SENDING).update(
        status=Newsletter.Status.SENT, sent_at=timezone.now(), sent_count=sent
    )


@transaction.atomic
def newsletter_subscribe(*, user) -> NewsletterSubscription:
    """Opt `user` in to the newsletter (again)."""
    subscription, _ = NewsletterSubscription.objects.get_or_create(user=user)
    if not subscription.is_active:
        subscription.is_active, subscription.unsubscribed_at = True, None
        subscription.save(update_fields=["is_active", "unsubscribed_at"])
    return subscription


@transaction.atomic
def newsletter_unsubscribe(*, subscription: NewsletterSubscription) -> NewsletterSubscription:
    """Opt out; issues already being sent still skip nobody, later issues skip this user."""
    if subscription.is_active:
        subscription.is_active, subscription.unsubscribed_at = False, timezone.now()
        subscription.save(update_fields=["is_active", "unsubscribed_at"])
    return subscription
