"""Show-and-tell sessions and their agendas."""

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from accounts.policy import require

from ..models import SessionSlot, ShowAndTellSession, Story

SESSION_FIELDS = ["title", "starts_at", "location", "meeting_url", "host", "description",
                  "recording_url"]  # fmt: skip


@transaction.atomic
def session_save(
    *, actor, data: dict[str, Any], session: ShowAndTellSession | None = None
) -> ShowAndTellSession:
    """Create or change a session (title, time, place or link, host, recording). CoE only."""
    require(actor, "stories.manage_sessions")
    session = session or ShowAndTellSession()
    for field in SESSION_FIELDS:
        if field in data:
            setattr(session, field, data[field])
    session.save()
    return session


@transaction.atomic
def session_add_slot(
    *,
    actor,
    session: ShowAndTellSession,
    story: Story,
    starts_at: datetime.time,
    minutes: int,
    presenter=None,
) -> SessionSlot:
    """Put a story on the agenda (or move its slot when it is already there). CoE only.
    Raises ValueError for a story that is not published."""
    require(actor, "stories.manage_sessions")
    if not story.is_published:
        raise ValueError(gettext("Only published stories can be presented."))
    slot, _ = SessionSlot.objects.update_or_create(
        session=session,
        story=story,
        defaults={"starts_at": starts_at, "minutes": minutes, "presenter": presenter},
    )
    return slot


@transaction.atomic
def session_remove_slot(*, actor, slot: SessionSlot) -> None:
    """Take a story off a session's agenda. CoE only."""
    require(actor, "stories.manage_sessions")
    slot.delete()
