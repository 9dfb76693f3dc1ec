from rest_framework import serializers

from accounts.models import BusinessUnit

from .. import kinds
from ..models import Notification, NotificationPreference, TeamsChannel


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(read_only=True)
    is_unread = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = [
            "uuid", "kind", "kind_label", "title", "body", "link", "data", "due_on",
            "created_at", "read_at", "is_unread", "status",
        ]  # fmt: skip
        read_only_fields = fields


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    digestible = serializers.BooleanField(read_only=True)
    email = serializers.BooleanField()
    digest = serializers.ChoiceField(choices=NotificationPreference.Digest.choices)


class PreferencePageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = PreferenceSerializer(many=True)


class TimeZoneSerializer(serializers.Serializer):
    time_zone = serializers.CharField(allow_blank=True, max_length=64)


class TeamsChannelSerializer(serializers.ModelSerializer):
    business_unit = serializers.SlugRelatedField(
        slug_field="slug", queryset=BusinessUnit.objects.all(), allow_null=True, required=False
    )
    webhook_url = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=2000
    )
    route_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=[]), required=False, default=list
    )

    class Meta:
        model = TeamsChannel
        fields = [
            "uuid", "name", "business_unit", "webhook_url", "webhook_host", "route_kinds",
            "is_active", "disabled_reason", "last_posted_at", "created_at",
        ]  # fmt: skip
        read_only_fields = [
            "uuid", "webhook_host", "is_active", "disabled_reason", "last_posted_at", "created_at",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["route_kinds"].child.choices = [k.key for k in kinds.channel_kinds()]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["route_kinds"] = sorted(r.kind for r in instance.routes.all())
        return data
