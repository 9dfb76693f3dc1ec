"""The CoE's Teams channels: save one (URL validated, stored encrypted, routes set) and send it a
test message."""

import uuid as uuidlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import audit_record
from config.jobs import enqueue_on_commit

from .. import kinds, teams
from ..crypto import encrypt
from ..models import ChannelRoute, Notification, TeamsChannel


@transaction.atomic
def channel_save(
    *,
    actor,
    name: str,
    business_unit=None,
    webhook_url: str = "",
    route_kinds: list[str],
    channel: TeamsChannel | None = None,
) -> TeamsChannel:
    """Create or change a channel. A new channel needs a webhook URL; on a change an empty URL
    keeps the stored one, and a new URL switches a disabled channel on again. Raises
    teams.WebhookURLError for a URL we do not post to, KeyError for an unknown kind."""
    unknown = [k for k in route_kinds if kinds.CHANNEL not in kinds.get(k).audiences]
    if unknown:
        raise KeyError(unknown[0])
    creating = channel is None
    channel = channel or TeamsChannel(created_by=actor)
    if creating or webhook_url:
        url = teams.webhook_url_validate(webhook_url)
        from urllib.parse import urlsplit

        channel.webhook_url_encrypted = encrypt(url)
        channel.webhook_host = urlsplit(url).hostname or ""
        channel.is_active, channel.disabled_reason = True, ""
    channel.name = name
    channel.business_unit = business_unit
    channel.save()
    ChannelRoute.objects.filter(channel=channel).exclude(kind__in=route_kinds).delete()
    ChannelRoute.objects.bulk_create(
        [ChannelRoute(channel=channel, kind=k) for k in route_kinds], ignore_conflicts=True
    )
    audit_record(
        actor=actor,
        verb="teams_channel_created" if creating else "teams_channel_changed",
        target=channel,
        routes=sorted(route_kinds),
        url_changed=bool(creating or webhook_url),
    )
    return channel


@transaction.atomic
def channel_test(*, channel: TeamsChannel, actor) -> Notification:
    """Queue a test card for the channel (each click is a new message) and publish its delivery
    after commit; the result shows on the channel page."""
    from ..tasks import notification_deliver_task

    notification = Notification.objects.create(
        channel=channel,
        kind=kinds.CHANNEL_TEST,
        subject_key=f"test:{uuidlib.uuid4()}",
        due_on=timezone.localdate(),
        title=_("Test message from CoE Hub"),
        body=_("%(who)s checked that CoE Hub can post to “%(name)s”.")
        % {"who": actor, "name": channel.name},
        link="/",
        data={"facts": [[_("Channel"), channel.name], [_("Scope"), channel.scope_label]]},
    )
    enqueue_on_commit(notification_deliver_task, notification.pk)
    return notification
