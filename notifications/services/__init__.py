"""Writes of the notifications app. `notify()` is the public service other apps call."""

from .channels import channel_save, channel_test
from .delivery import (
    channel_disable,
    deliver_one,
    deliver_pending,
    email_message,
    notification_retry,
    stuck_fail,
)
from .inbox import notification_open, notifications_mark_all_read
from .outbox import notify, notify_channels
from .preferences import (
    UnsubscribeLinkError,
    preference_set,
    preferences_of,
    time_zone_set,
    unsubscribe,
    unsubscribe_token,
)
from .schedule import reminders_run

__all__ = [
    "UnsubscribeLinkError",
    "channel_disable",
    "channel_save",
    "channel_test",
    "deliver_one",
    "deliver_pending",
    "email_message",
    "notification_open",
    "notification_retry",
    "notifications_mark_all_read",
    "notify",
    "notify_channels",
    "preference_set",
    "preferences_of",
    "reminders_run",
    "stuck_fail",
    "time_zone_set",
    "unsubscribe",
    "unsubscribe_token",
]
