"""Reusable reads for notifications and Teams channels."""

from django.db import models
from django.db.models import Q


class NotificationQuerySet(models.QuerySet):
    def for_person(self, user) -> "NotificationQuerySet":
        """A person's own notifications (what the bell and their list show); none for anonymous."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)

    def deliverable(self, now) -> "NotificationQuerySet":
        """Rows waiting to be sent whose time has come (after quiet hours or a retry delay)."""
        return self.filter(status="pending", deliver_after__lte=now)

    def failed(self) -> "NotificationQuerySet":
        return self.filter(status="failed")


class TeamsChannelQuerySet(models.QuerySet):
    def active(self) -> "TeamsChannelQuerySet":
        return self.filter(is_active=True)

    def with_route(self, kind: str) -> "TeamsChannelQuerySet":
        """Active channels with a route for `kind`, whatever their scope."""
        return self.active().filter(routes__kind=kind).distinct()

    def routed(self, kind: str, unit_id: int | None) -> "TeamsChannelQuerySet":
        """Active channels with a route for `kind` that cover `unit_id`: the programme-wide
        channels, and the unit's own channel when a unit is given."""
        scope = Q(business_unit__isnull=True)
        if unit_id is not None:
            scope |= Q(business_unit_id=unit_id)
        return self.active().filter(scope, routes__kind=kind).distinct()
