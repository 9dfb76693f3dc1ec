"""API representations of plans, objectives, key results, check-ins, initiatives and KPIs.
Validation mirrors the forms (strategy.validation); writes go through strategy.services."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import BusinessUnit
from config.dates import SerializerDateField
from config.numbers import display_float
from maturity.models import Area, Opportunity
from strategy import progress as rules
from strategy.models import (
    CheckIn,
    Frequency,
    Initiative,
    KeyResult,
    Kpi,
    KpiMeasurement,
    Objective,
    Plan,
)
from strategy.validation import check_currency, check_key_result


# A pattern rather than an enum: the schema's enum post-processing would otherwise name the same
# choice set twice (KPI "frequency", key result "check_in_frequency") and warn.
@extend_schema_field({"type": "string", "pattern": "^(" + "|".join(Frequency.values) + ")$"})
class FrequencyField(serializers.ChoiceField):
    """How often a value is expected: weekly, monthly or quarterly."""

    def __init__(self, **kwargs):
        super().__init__(choices=Frequency.choices, **kwargs)


def _person(**kwargs):
    return serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.filter(is_active=True),
        allow_null=True,
        required=False,
        **kwargs,
    )


def _merged(serializer, attrs: dict) -> dict:
    """The object's values after this (possibly partial) update, for cross-field rules."""
    instance = serializer.instance
    merged = {}
    if instance is not None:
        for name in serializer.fields:
            if hasattr(instance, name) and not serializer.fields[name].read_only:
                merged[name] = getattr(instance, name)
    merged.update(attrs)
    return merged


class PlanSerializer(serializers.ModelSerializer):
    business_unit = serializers.SlugRelatedField(
        slug_field="slug", queryset=BusinessUnit.objects.all(), allow_null=True, required=False
    )
    sponsor = _person()
    owner = serializers.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.filter(is_active=True)
    )
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Plan
        fields = [
            "uuid",
            "title",
            "vision",
            "business_unit",
            "starts_on",
            "ends_on",
            "sponsor",
            "owner",
            "status",
            "progress",
        ]
        read_only_fields = ["uuid"]

    def get_progress(self, plan) -> float | None:
        """Mean of the objectives that have a progress, rounded once (half-up) to 0.1."""
        return display_float(plan.progress())

    def validate(self, attrs):
        data = _merged(self, attrs)
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] <= data["starts_on"]:
            raise serializers.ValidationError({"ends_on": _("The plan must end after it starts.")})
        return attrs


class ObjectiveSerializer(serializers.ModelSerializer):
    plan = serializers.SlugRelatedField(slug_field="uuid", queryset=Plan.objects.all())
    owner = _person()
    progress = serializers.SerializerMethodField()
    awaiting_check_in = serializers.SerializerMethodField()

    class Meta:
        model = Objective
        fields = ["uuid", "plan", "title", "why", "owner", "order", "progress", "awaiting_check_in"]
        read_only_fields = ["uuid", "order"]

    def get_progress(self, objective) -> float | None:
        """Weighted mean over the key results that have a value; null when none has one."""
        return display_float(objective.progress())

    def get_awaiting_check_in(self, objective) -> int:
        """Key results without a value yet, left out of `progress`."""
        return objective.awaiting_check_in()

    def validate_plan(self, plan):
        if self.instance is not None and plan != self.instance.plan:
            raise serializers.ValidationError(_("An objective cannot move to another plan."))
        return plan


class KeyResultSerializer(serializers.ModelSerializer):
    objective = serializers.SlugRelatedField(slug_field="uuid", queryset=Objective.objects.all())
    owner = _person()
    kpi = serializers.SlugRelatedField(
        slug_field="uuid", queryset=Kpi.objects.all(), allow_null=True, required=False
    )
    weight = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    check_in_frequency = FrequencyField(required=False)
    progress = serializers.SerializerMethodField()
    expected_progress = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()

    class Meta:
        model = KeyResult
        fields = [
            "uuid",
            "objective",
            "title",
            "kind",
            "unit",
            "currency",
            "baseline",
            "target",
            "current",
            "starts_on",
            "due_on",
            "owner",
            "weight",
            "check_in_frequency",
            "kpi",
            "progress",
            "expected_progress",
            "status",
        ]
        read_only_fields = ["uuid", "current"]

    def get_progress(self, kr) -> float | None:
        """0-100, rounded once (half-up) to 0.1; null before the first check-in."""
        return display_float(kr.progress())

    def get_expected_progress(self, kr) -> float:
        return display_float(kr.expected_progress())

    @extend_schema_field({"type": "string", "pattern": "^(" + "|".join(rules.STATUS_LABELS) + ")$"})
    def get_status(self, kr) -> str:
        """on_track, at_risk, off_track, done, or no_check_in before the first value."""
        return kr.status()

    def validate_objective(self, objective):
        if self.instance is not None and objective != self.instance.objective:
            raise serializers.ValidationError(_("A key result cannot move to another objective."))
        return objective

    def validate(self, attrs):
        data = _merged(self, attrs)
        errors = check_key_result(data)
        if errors:
            raise serializers.ValidationError(errors)
        for name in ("baseline", "target", "currency"):
            if name in data:
                attrs[name] = data[name]
        return attrs


class CheckInSerializer(serializers.ModelSerializer):
    key_result = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    author = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = CheckIn
        fields = ["uuid", "key_result", "value", "confidence", "comment", "author", "created_at"]
        read_only_fields = fields


class CheckInInputSerializer(serializers.Serializer):
    value = serializers.DecimalField(max_digits=16, decimal_places=2)
    confidence = serializers.IntegerField(min_value=0, max_value=10, default=7)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class InitiativeSerializer(serializers.ModelSerializer):
    plan = serializers.SlugRelatedField(slug_field="uuid", queryset=Plan.objects.all())
    owner = _person()
    objectives = serializers.SlugRelatedField(
        slug_field="uuid", queryset=Objective.objects.all(), many=True, required=False
    )
    areas = serializers.SlugRelatedField(
        slug_field="key", queryset=Area.objects.all(), many=True, required=False
    )
    opportunities = serializers.SlugRelatedField(
        slug_field="key", queryset=Opportunity.objects.all(), many=True, required=False
    )

    class Meta:
        model = Initiative
        fields = [
            "uuid",
            "plan",
            "title",
            "description",
            "horizon",
            "status",
            "owner",
            "target_on",
            "objectives",
            "areas",
            "opportunities",
        ]
        read_only_fields = ["uuid"]

    def validate(self, attrs):
        data = _merged(self, attrs)
        if self.instance is not None and data["plan"] != self.instance.plan:
            raise serializers.ValidationError(
                {"plan": _("An initiative cannot move to another plan.")}
            )
        objectives = attrs.get("objectives") or []
        if any(objective.plan_id != data["plan"].pk for objective in objectives):
            raise serializers.ValidationError(
                {"objectives": _("Link only objectives of the initiative's own plan.")}
            )
        return attrs


class KpiSerializer(serializers.ModelSerializer):
    owner = _person()
    business_unit = serializers.SlugRelatedField(
        slug_field="slug", queryset=BusinessUnit.objects.all(), allow_null=True, required=False
    )
    latest_value = serializers.DecimalField(
        max_digits=16, decimal_places=2, read_only=True, allow_null=True
    )
    latest_on = serializers.DateField(read_only=True, allow_null=True)
    frequency = FrequencyField(required=False)

    class Meta:
        model = Kpi
        fields = [
            "uuid",
            "name",
            "description",
            "unit",
            "currency",
            "direction",
            "target",
            "frequency",
            "owner",
            "business_unit",
            "latest_value",
            "latest_on",
        ]
        read_only_fields = ["uuid"]

    def validate(self, attrs):
        data = _merged(self, attrs)
        errors = check_currency(data)
        if errors:
            raise serializers.ValidationError(errors)
        attrs["currency"] = data["currency"]
        return attrs


class KpiMeasurementSerializer(serializers.ModelSerializer):
    kpi = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    recorded_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = KpiMeasurement
        fields = ["kpi", "measured_on", "value", "note", "recorded_by"]
        read_only_fields = fields


class MeasurementInputSerializer(serializers.Serializer):
    measured_on = SerializerDateField()
    value = serializers.DecimalField(max_digits=16, decimal_places=2)
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
