from django.utils.translation import gettext as _
from rest_framework import serializers

from accounts.models import BusinessUnit, User


class BusinessUnitSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="slug", queryset=BusinessUnit.objects.all(), allow_null=True, required=False
    )
    leader = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        allow_null=True,
        required=False,
    )

    class Meta:
        model = BusinessUnit
        fields = ["slug", "name", "parent", "leader"]
        # DRF's check of unique (parent, name) would make "parent" required; a unit without one
        # is a top-level unit, so validate() checks the pair itself.
        validators: list = []

    def validate(self, attrs):
        current = self.instance
        parent = attrs.get("parent", current.parent if current else None)
        name = attrs.get("name", current.name if current else "")
        clash = BusinessUnit.objects.filter(parent=parent, name__iexact=name)
        if current is not None:
            clash = clash.exclude(pk=current.pk)
        if clash.exists():
            raise serializers.ValidationError(
                {"name": _("There is a unit with this name at this place in the organisation.")}
            )
        return attrs


class UserSerializer(serializers.ModelSerializer):
    """Minimal public fields: enough to name people, nothing private."""

    name = serializers.CharField(source="get_full_name", read_only=True)
    business_unit = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = ["username", "name", "job_title", "business_unit"]
