from rest_framework import serializers

from maturity.models import Area, AreaLevel, Level, Opportunity


class OpportunitySerializer(serializers.ModelSerializer):
    level = serializers.IntegerField(source="level.number", read_only=True)
    area = serializers.SlugRelatedField(slug_field="key", read_only=True, allow_null=True)

    class Meta:
        model = Opportunity
        fields = ["key", "level", "area", "text"]


class LevelSerializer(serializers.ModelSerializer):
    characteristics = serializers.ListField(
        source="characteristic_list", child=serializers.CharField(), read_only=True
    )
    opportunities = OpportunitySerializer(many=True, read_only=True)

    class Meta:
        model = Level
        fields = ["number", "name", "summary", "description", "characteristics", "opportunities"]


class AreaLevelSerializer(serializers.ModelSerializer):
    level = serializers.IntegerField(source="level.number", read_only=True)
    characteristics = serializers.ListField(
        source="characteristic_list", child=serializers.CharField(), read_only=True
    )

    class Meta:
        model = AreaLevel
        fields = ["level", "characteristics"]


class AreaSerializer(serializers.ModelSerializer):
    levels = AreaLevelSerializer(source="area_levels", many=True, read_only=True)

    class Meta:
        model = Area
        fields = ["key", "name", "section", "description", "levels"]
