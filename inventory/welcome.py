"""Welcome e-mails to new makers: once per person, ever.

`welcome_queue()` records a MakerWelcome row for each person an import saw for the first time
(a unique user: a second import, a retry or a re-run adds nothing) and publishes the sending
after commit. `welcome_send()` hands it to the notifications outbox, which sends it as every other
message is sent (HTML and text, unsubscribe link, retries, failures listed for the CoE)."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.languages import in_language_of
from config.jobs import enqueue_on_commit

from .models import MakerWelcome, WelcomeMessage


def welcome_queue(*, user_ids, run=None) -> int:
    """Record a welcome for each of these people who never had one; returns how many are new."""
    user_ids = set(user_ids)
    if not user_ids or not WelcomeMessage.current().is_enabled:
        return 0
    already = set(
        MakerWelcome.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True)
    )
    MakerWelcome.objects.bulk_create(
        [MakerWelcome(user_id=pk, run=run) for pk in sorted(user_ids - already)],
        ignore_conflicts=True,  # a concurrent import queued the same person: still one row
        batch_size=1000,
    )
    if user_ids - already:
        from .tasks import welcome_send_task

        enqueue_on_commit(welcome_send_task)
    return len(user_ids - already)


def welcome_send(*, welcome_id: int) -> bool:
    """Hand one welcome to the notifications outbox unless that was done already; claims the row
    first so two workers never both hand it over, and the outbox itself keeps one welcome per
    person. Returns whether this call handed it over."""
    from notifications.services import notify

    claimed = MakerWelcome.objects.filter(pk=welcome_id, status=MakerWelcome.Status.PENDING).update(
        status=MakerWelcome.Status.SENDING
    )
    if claimed != 1:
        return False
    welcome = MakerWelcome.objects.select_related("user").get(pk=welcome_id)
    user = welcome.user
    if not user.email:
        MakerWelcome.objects.filter(pk=welcome_id).update(status=MakerWelcome.Status.NO_ADDRESS)
        return False
    message = WelcomeMessage.current()
    stories = reverse("stories:story_create")
    # The welcome text in the new maker's language (English where no translation is stored).
    with in_language_of(user):
        body = message.body.replace("{name}", user.get_full_name() or user.email).replace(
            "{stories_url}", getattr(settings, "SITE_URL", "") + stories
        )
        notify(
            recipient=user,
            kind="welcome",
            subject_key=f"user:{user.pk}",
            title=message.subject,
            body=body,
            link=stories,
        )
    MakerWelcome.objects.filter(pk=welcome_id).update(
        status=MakerWelcome.Status.SENT, sent_at=timezone.now()
    )
    return True


def welcome_send_pending() -> int:
    """Send every waiting welcome; returns how many were sent."""
    sent = 0
    for welcome_id in MakerWelcome.objects.filter(status=MakerWelcome.Status.PENDING).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            sent += welcome_send(welcome_id=welcome_id)
    return sent
