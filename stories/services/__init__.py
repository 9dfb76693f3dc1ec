"""Writes of the stories app, one module per area; import them from here."""

from .mail import story_notification_send, unsent_notification_ids
from .newsletter import (
    NewsletterStateError,
    newsletter_context,
    newsletter_deliver_batch,
    newsletter_finish,
    newsletter_save,
    newsletter_send,
    newsletter_subscribe,
    newsletter_unsubscribe,
)
from .review import (
    StoryStateError,
    story_approve,
    story_publish,
    story_reject,
    story_request_changes,
    story_review,
    story_score,
    story_start_review,
    story_submit,
)
from .sessions import session_add_slot, session_remove_slot, session_save
from .story import (
    story_content_rows,
    story_create,
    story_refresh_search,
    story_toggle_like,
    story_update,
)

__all__ = [
    "NewsletterStateError",
    "StoryStateError",
    "newsletter_context",
    "newsletter_deliver_batch",
    "newsletter_finish",
    "newsletter_save",
    "newsletter_send",
    "newsletter_subscribe",
    "newsletter_unsubscribe",
    "session_add_slot",
    "session_remove_slot",
    "session_save",
    "story_approve",
    "story_content_rows",
    "story_create",
    "story_notification_send",
    "story_publish",
    "story_refresh_search",
    "story_reject",
    "story_request_changes",
    "story_review",
    "story_score",
    "story_start_review",
    "story_submit",
    "story_toggle_like",
    "story_update",
    "unsent_notification_ids",
]
