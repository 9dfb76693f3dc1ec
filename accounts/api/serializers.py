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


class UserSerializer(serializers.ModelSerializer):
    """Minimal public fields: enough to name people, nothing private."""

    name = serializers.CharField(source="get_full_name", read_only=True)
    business_unit = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = User
        fields = ["username", "name", "job_title", "business_unit"]
