"""The notifications API: a person's own notifications and settings, and the CoE's Teams
channels. The same policy and services as the pages."""

from django.db import transaction
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from config.api import (
    CONFLICT,
    Conflict,
    OneObjectListSchema,
    PolicyReadOnlyViewSet,
    PolicyViewSetMixin,
)

from .. import services, teams
from ..models import Notification, NotificationPreference, TeamsChannel
from .serializers import (
    NotificationSerializer,
    PreferencePageSerializer,
    PreferenceSerializer,
    TeamsChannelSerializer,
    TimeZoneSerializer,
)


class NotificationViewSet(PolicyReadOnlyViewSet):
    """The signed-in person's notifications, newest first; reading one marks it read."""

    serializer_class = NotificationSerializer
    policy_actions = {"read": "notifications.view_own", "write": "notifications.manage_own"}
    ordering_fields = ["created_at"]
    filterset_fields = ["kind"]

    def get_queryset(self):
        return Notification.objects.for_person(self.request.user)

    def retrieve(self, request, *args, **kwargs):
        notification = services.notification_open(notification=self.get_object())
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses={200: {"type": "object"}})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        count = services.notifications_mark_all_read(user=request.user)
        return Response({"marked_read": count})


class NotificationPreferenceViewSet(PolicyViewSetMixin, viewsets.GenericViewSet):
    """Per kind: e-mail on/off and digest (off/daily/weekly) of the signed-in person. PUT/PATCH
    /notification-preferences/<kind>/; the time zone at /notification-preferences/time-zone/."""

    serializer_class = PreferenceSerializer
    policy_actions = {"read": "notifications.view_own", "write": "notifications.manage_own"}
    lookup_field = "kind"
    lookup_value_regex = "[a-z_]+"
    pagination_class = None
    filter_backends: list = []
    schema = OneObjectListSchema()  # the list is one page object built by hand

    def get_queryset(self):
        # The rows are built per kind (`_rows`); DRF's generic parts (ordering, CSV errors) still
        # ask for a queryset: the person's stored choices.
        return NotificationPreference.objects.filter(user=self.request.user)

    def get_object(self):
        # OPTIONS (DRF's metadata) asks for the object behind the URL; the time zone has none.
        rows = self._rows()
        if self.kwargs.get("kind") not in rows:
            raise NotFound()
        return rows[self.kwargs["kind"]]

    def _rows(self):
        return {
            p.kind.key: {
                "kind": p.kind.key,
                "label": str(p.kind.label),
                "digestible": p.kind.digestible,
                "email": p.email,
                "digest": p.digest,
            }
            for p in services.preferences_of(self.request.user)
        }

    @extend_schema(
        operation_id="v1_notification_preferences_list", responses=PreferencePageSerializer
    )
    def list(self, request):
        # Every kind on one page, in the shape of the API's other lists.
        rows = PreferenceSerializer(list(self._rows().values()), many=True).data
        return Response({"count": len(rows), "next": None, "previous": None, "results": rows})

    def retrieve(self, request, kind=None):
        rows = self._rows()
        if kind not in rows:
            raise NotFound()
        return Response(PreferenceSerializer(rows[kind]).data)

    def update(self, request, kind=None, partial=False):
        rows = self._rows()
        if kind not in rows:
            raise NotFound()
        serializer = PreferenceSerializer(rows[kind], data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        values = {**rows[kind], **serializer.validated_data}
        try:
            services.preference_set(
                user=request.user, kind=kind, email=values["email"], digest=values["digest"]
            )
        except ValueError as error:
            raise ValidationError({"digest": str(error)}) from error
        return Response(PreferenceSerializer(self._rows()[kind]).data)

    def partial_update(self, request, kind=None):
        return self.update(request, kind=kind, partial=True)

    @extend_schema(request=TimeZoneSerializer, responses=TimeZoneSerializer)
    @action(detail=False, methods=["get", "put"], url_path="time-zone")
    def time_zone(self, request):
        if request.method == "PUT":
            serializer = TimeZoneSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            try:
                services.time_zone_set(
                    user=request.user, time_zone=serializer.validated_data["time_zone"]
                )
            except ValueError as error:
                raise ValidationError({"time_zone": str(error)}) from error
        return Response({"time_zone": request.user.time_zone})


class TeamsChannelViewSet(
    PolicyViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The CoE's Teams channels: the webhook URL is write-only (stored encrypted); `test` posts
    a test card."""

    serializer_class = TeamsChannelSerializer
    policy_actions = {
        "read": "notifications.manage_channels",
        "write": "notifications.manage_channels",
    }
    lookup_field = "uuid"
    ordering_fields = ["name", "created_at"]

    def get_queryset(self):
        return TeamsChannel.objects.select_related("business_unit").prefetch_related("routes")

    def _save(self, serializer, channel=None):
        data = serializer.validated_data
        if channel is None or "route_kinds" in self.request.data:
            routes = data.get("route_kinds", [])
        else:
            routes = [r.kind for r in channel.routes.all()]
        try:
            with transaction.atomic():
                return services.channel_save(
                    actor=self.request.user,
                    channel=channel,
                    name=data.get("name", channel.name if channel else ""),
                    business_unit=data.get(
                        "business_unit", channel.business_unit if channel else None
                    ),
                    webhook_url=data.get("webhook_url", ""),
                    route_kinds=routes,
                )
        except teams.WebhookURLError as error:
            raise ValidationError({"webhook_url": str(error)}) from error

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        channel = self._save(serializer)
        channel = self.get_queryset().get(pk=channel.pk)
        return Response(self.get_serializer(channel).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        channel = self.get_object()
        serializer = self.get_serializer(
            channel, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        self._save(serializer, channel)
        return Response(self.get_serializer(self.get_queryset().get(pk=channel.pk)).data)

    @extend_schema(request=None, responses={202: {"type": "object"}, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def test(self, request, uuid=None):
        """Post a test card; a disabled channel is a 409 until it has a new webhook URL."""
        channel = self.get_object()
        if not channel.is_active:
            raise Conflict(gettext("The channel is disabled: enter a new webhook URL."))
        notification = services.channel_test(channel=channel, actor=request.user)
        return Response(
            {"notification": str(notification.uuid), "status": notification.status},
            status=status.HTTP_202_ACCEPTED,
        )
