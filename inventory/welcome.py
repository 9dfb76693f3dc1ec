"""Welcome e-mails to new makers: once per person, ever.

`welcome_queue()` records a MakerWelcome row for each person an import saw for the first time
(a unique user: a second import, a retry or a re-run adds nothing) and publishes the sending
after commit. `welcome_send()` is the one function that sends: route it through a notification
service by changing only it."""

from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

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
    """Send one welcome unless it was sent already; claims the row first so two workers never
    both send it. Returns whether this call sent it. SMTP errors put it back to waiting and are
    raised for the task to retry."""
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
    body = message.body.replace("{name}", user.get_full_name() or user.email).replace(
        "{stories_url}", getattr(settings, "SITE_URL", "") + "/stories/"
    )
    try:
        send_mail(message.subject, body, None, [user.email])
    except (SMTPException, OSError):
        MakerWelcome.objects.filter(pk=welcome_id).update(status=MakerWelcome.Status.PENDING)
        raise
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
