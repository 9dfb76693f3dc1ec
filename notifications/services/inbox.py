"""The in-app side: opening a notification marks it read."""

from django.utils import timezone

from ..models import Notification


def notification_open(*, notification: Notification) -> Notification:
    """Mark a notification read (the first time it is opened); returns it."""
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


def notifications_mark_all_read(*, user) -> int:
    """Mark every unread notification of `user` read; returns how many."""
    return Notification.objects.for_person(user).unread().update(read_at=timezone.now())
