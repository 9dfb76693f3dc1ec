from datetime import date

from django.utils.translation import gettext
from rest_framework import serializers
from rest_framework.settings import api_settings

from accounts.models import BusinessUnit
from accounts.policy import is_coe
from config.dates import SerializerDateField
from value.models import ProgrammeCost, Solution, UnitCost, ValueRecord
from value.validation import (
    NON_FIELD,
    check_period,
    check_solution_dates,
    check_unit_cost,
    check_value_amounts,
    check_value_month,
)
from value.views import default_period


def _raise(errors: dict[str, str], *, field: str | None = None) -> None:
    """Raise the errors of a value.validation check; `field` for a field's own validator."""
    if not errors:
        return
    if field is not None:
        raise serializers.ValidationError(errors[field])
    raise serializers.ValidationError(
        {api_settings.NON_FIELD_ERRORS_KEY if k == NON_FIELD else k: v for k, v in errors.items()}
    )


class SolutionSerializer(serializers.ModelSerializer):
    """A solution with its costs and business case. The owner is set by the service (a maker's
    new solution is their own) and is not writable here."""

    business_unit = serializers.SlugRelatedField(
        slug_field="slug", queryset=BusinessUnit.objects.all()
    )
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Solution
        fields = [
            "uuid",
            "name",
            "kind",
            "description",
            "business_unit",
            "owner",
            "environment",
            "status",
            "go_live_on",
            "retired_on",
            "monthly_users",
            "monthly_runs",
            "build_hours",
            "build_hourly_rate",
            "licence_cost_monthly",
            "capacity_cost_monthly",
            "support_cost_monthly",
            "projected_monthly_value",
            "projected_monthly_hours",
            "external_id",
        ]
        read_only_fields = ["uuid", "external_id"]

    def validate(self, attrs):
        live = attrs.get("go_live_on", getattr(self.instance, "go_live_on", None))
        retired = attrs.get("retired_on", getattr(self.instance, "retired_on", None))
        _raise(check_solution_dates(live, retired))
        return attrs


class ValueRecordSerializer(serializers.ModelSerializer):
    """One month of value of one solution. The money total is computed by the service; hours
    are valued at `hourly_rate`, or at the unit's staff-hour rate when it is left out."""

    solution = serializers.SlugRelatedField(slug_field="uuid", queryset=Solution.objects.none())
    hourly_rate = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )

    class Meta:
        model = ValueRecord
        fields = [
            "uuid",
            "solution",
            "month",
            "hours_saved",
            "hourly_rate",
            "cost_avoided",
            "revenue",
            "other_value",
            "amount",
            "source",
            "note",
            "created_at",
        ]
        read_only_fields = ["uuid", "amount", "created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["solution"].queryset = Solution.objects.editable_by(request.user)

    def validate_month(self, month: date) -> date:
        _raise(check_value_month(month), field="month")
        return month.replace(day=1)

    def validate_source(self, source: str) -> str:
        request = self.context.get("request")
        if source == ValueRecord.Source.COE_VERIFIED and not (request and is_coe(request.user)):
            raise serializers.ValidationError(gettext("Only the CoE marks value as verified."))
        return source

    def validate(self, attrs):
        _raise(check_value_amounts(attrs))
        return attrs


class UnitCostSerializer(serializers.ModelSerializer):
    business_unit = serializers.SlugRelatedField(
        slug_field="slug", queryset=BusinessUnit.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = UnitCost
        fields = ["uuid", "business_unit", "name", "measure", "amount", "is_staff_hour", "note"]
        read_only_fields = ["uuid"]
        validators: list = []  # the (unit, name) rule is checked in validate(), nulls included

    def validate(self, attrs):
        unit = attrs.get("business_unit", getattr(self.instance, "business_unit", None))
        name = attrs.get("name", getattr(self.instance, "name", ""))
        measure = attrs.get("measure", getattr(self.instance, "measure", UnitCost.Measure.ITEM))
        taken = UnitCost.objects.filter(business_unit=unit, name=name)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise serializers.ValidationError(
                {"name": gettext("This unit already has this entry.")}
            )
        _raise(check_unit_cost(attrs.get("is_staff_hour"), measure))
        return attrs


class ProgrammeCostSerializer(serializers.ModelSerializer):
    business_unit = serializers.SlugRelatedField(
        slug_field="slug", queryset=BusinessUnit.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = ProgrammeCost
        fields = ["uuid", "business_unit", "kind", "description", "starts_on", "ends_on", "amount"]
        read_only_fields = ["uuid"]

    def validate(self, attrs):
        starts = attrs.get("starts_on", getattr(self.instance, "starts_on", None))
        ends = attrs.get("ends_on", getattr(self.instance, "ends_on", None))
        _raise(check_period(starts, ends))
        return attrs


class FiguresQuerySerializer(serializers.Serializer):
    """Scope and period of the ROI figures; defaults to the organisation and 12 months."""

    unit = serializers.SlugRelatedField(
        slug_field="slug", queryset=BusinessUnit.objects.all(), required=False
    )
    start = SerializerDateField(required=False)
    end = SerializerDateField(required=False)

    def validate(self, attrs):
        # A bound left out is the default period's, and the limits hold for the period that
        # results: an `end` far in the future alone is as long a period as both given.
        default_start, default_end = default_period()
        start = attrs.setdefault("start", default_start)
        end = attrs.setdefault("end", default_end)
        if end < start:
            raise serializers.ValidationError(
                {"end": gettext("The period cannot end before it starts.")}
            )
        if (end - start).days > 3 * 366:
            raise serializers.ValidationError({"end": gettext("At most three years at a time.")})
        return attrs


# The answer of GET /value-figures/, described for the schema (value.figures.RoiFigures.as_dict).
def _money(help_text: str = "") -> serializers.CharField:
    return serializers.CharField(help_text=help_text or "Decimal string, two decimals.")


def _ratio(help_text: str) -> serializers.CharField:
    return serializers.CharField(allow_null=True, help_text=help_text)


class MonthFiguresSerializer(serializers.Serializer):
    """One month of a period. No payback nor investment: they belong to a scope and period."""

    month = serializers.DateField()
    months = serializers.IntegerField()
    records = serializers.IntegerField()
    value = _money()
    hours = serializers.CharField(help_text="Decimal string, one decimal.")
    verified_value = _money()
    build_cost = _money()
    running_cost = _money()
    programme_cost = _money()
    cost = _money()
    net = _money()
    roi_pct = _ratio("(value - cost) / cost x 100, one decimal half-up; null without cost.")
    projected_value = _money()
    variance = _money()
    variance_pct = _ratio("Variance / projected value x 100; null without a projection.")


class ScopeFiguresSerializer(MonthFiguresSerializer):
    """Figures of a scope over the whole period."""

    month = None
    investment = _money("Build cost of everything live by the end of the period.")
    payback_months = _ratio(
        "Investment / average monthly net operating benefit, one decimal half-up; null when "
        "there is no investment or no positive benefit (never 0.0 for nothing to pay back)."
    )


class UnitFiguresSerializer(ScopeFiguresSerializer):
    """One row of the breakdown by business unit."""

    unit = serializers.CharField(help_text="The unit's name.")
    slug = serializers.CharField()
    label = serializers.CharField(
        help_text='Unambiguous name for tables: "Finance (own solutions only)" for the scope '
        'unit\'s own solutions, "Payables (with the units below)" for a unit with its subtree.'
    )
    counts = serializers.ChoiceField(
        choices=["own_solutions", "with_units_below"],
        help_text="own_solutions: only the solutions booked on the scope unit itself; "
        "with_units_below: the unit and every unit below it.",
    )


class SolutionFiguresSerializer(ScopeFiguresSerializer):
    solution = serializers.CharField()
    uuid = serializers.UUIDField()
    unit = serializers.CharField()


class SourceValueSerializer(serializers.Serializer):
    source = serializers.CharField()
    value = _money()


class RoiFiguresSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    totals = ScopeFiguresSerializer()
    by_month = MonthFiguresSerializer(many=True)
    by_unit = UnitFiguresSerializer(many=True)
    top_solutions = SolutionFiguresSerializer(many=True)
    by_source = SourceValueSerializer(many=True)
