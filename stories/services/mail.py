"""E-mail to authors about review decisions, sent at most once per decision."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from accounts.languages import in_language_of

from ..models import StoryNotification


def story_notification_send(*, notification_id: int) -> bool:
    """Send the e-mail of one review decision to the story's author; returns whether it sent.

    The row is claimed (claimed_at set where sent_at and claimed_at are empty) before the mail
    goes out, so a duplicate task finds nothing to do; a failed send releases the claim and
    re-raises, so that the task's retry tries again. Authors without an address are skipped."""
    claimed = StoryNotification.objects.filter(
        pk=notification_id, sent_at__isnull=True, claimed_at__isnull=True
    ).update(claimed_at=timezone.now())
    if claimed != 1:
        return False
    notification = StoryNotification.objects.select_related(
        "event__story", "event__actor", "recipient"
    ).get(pk=notification_id)
    event, recipient = notification.event, notification.recipient
    if not recipient.email:
        StoryNotification.objects.filter(pk=notification_id).update(
            sent_at=timezone.now(), error=gettext("The author has no e-mail address.")
        )
        return False
    context = {
        "event": event,
        "story": event.story,
        "recipient": recipient,
        "link": notification.link,
    }
    with in_language_of(recipient):  # the author reads the decision in their language
        subject = gettext("Your story “%(title)s”: %(decision)s") % {
            "title": event.story.title,
            "decision": event.get_kind_display(),
        }
        body = render_to_string("stories/email/decision.txt", context)
    try:
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email]).send()
    except Exception as error:
        StoryNotification.objects.filter(pk=notification_id).update(
            claimed_at=None, error=str(error)[:255]
        )
        raise
    StoryNotification.objects.filter(pk=notification_id).update(sent_at=timezone.now(), error="")
    return True


def unsent_notification_ids(*, older_than) -> list[int]:
    """Notifications never claimed and created before `older_than` (their publish failed) for
    the periodic sweep to publish again. A claimed row whose worker died stays unsent: the mail
    may have gone out, and at most once matters more here than at least once."""
    return list(
        StoryNotification.objects.filter(
            sent_at__isnull=True, claimed_at__isnull=True, created_at__lt=older_than
        ).values_list("pk", flat=True)[:500]
    )
