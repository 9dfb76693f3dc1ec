"""Forms of the value app: one per use case. They validate; services write."""

from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import BusinessUnit, User
from accounts.policy import is_coe
from config.dates import DateField
from config.pickers import use_picker

from .models import ProgrammeCost, Solution, UnitCost, ValueRecord
from .validation import (
    AMOUNT_FIELDS,
    NON_FIELD,
    check_period,
    check_solution_dates,
    check_unit_cost,
    check_value_amounts,
    check_value_month,
)

NOT_NEGATIVE = [MinValueValidator(Decimal("0"))]


def _add_errors(form, errors: dict[str, str]) -> None:
    for field, message in errors.items():
        form.add_error(None if field == NON_FIELD else field, message)


def _amount(label: str, *, required: bool = False, help_text: str = "", places: int = 2):
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=places,
        help_text=help_text,
    )


class MonthField(DateField):
    """A month picked as YYYY-MM (the browser's month input); cleaned to its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class SolutionForm(forms.ModelForm):
    """Create or edit a solution, its costs and its business case. Makers cannot hand a
    solution to someone else: the owner field is for the CoE."""

    class Meta:
        model = Solution
        fields = [
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
        ]
        widgets = {
            "go_live_on": forms.DateInput(attrs={"type": "date"}),
            "retired_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"go_live_on": DateField, "retired_on": DateField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True)
        use_picker(self.fields["owner"], "people")
        use_picker(self.fields["business_unit"], "units")
        if not is_coe(user):
            del self.fields["owner"]

    def clean(self):
        cleaned = super().clean()
        _add_errors(
            self, check_solution_dates(cleaned.get("go_live_on"), cleaned.get("retired_on"))
        )
        return cleaned


class ValueRecordForm(forms.Form):
    """Record the value one solution delivered in one month, entered directly."""

    solution = forms.ModelChoiceField(queryset=Solution.objects.none(), label=_("Solution"))
    month = MonthField(label=_("Month"), help_text=_("The month the value was delivered in."))
    hours_saved = _amount(_("Hours saved"), places=1)
    hourly_rate = _amount(
        _("Hourly rate"),
        help_text=_(
            "Loaded cost of one staff hour. Leave empty to use the unit's rate from the "
            "cost library."
        ),
    )
    cost_avoided = _amount(_("Cost avoided"))
    revenue = _amount(_("Revenue"))
    other_value = _amount(_("Other benefit"), help_text=_("In money, e.g. a penalty avoided."))
    source = forms.ChoiceField(label=_("Source"), choices=ValueRecord.Source.choices)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, user, solutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["solution"].queryset = solutions
        use_picker(self.fields["solution"], "solutions")
        if not is_coe(user):
            # Only the CoE verifies value; a maker's record is an estimate or a measurement.
            self.fields["source"].choices = [
                c for c in ValueRecord.Source.choices if c[0] != ValueRecord.Source.COE_VERIFIED
            ]

    def clean_month(self):
        month = self.cleaned_data["month"]
        _add_errors(self, check_value_month(month))
        return month

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            _add_errors(self, check_value_amounts(cleaned))
        for name in AMOUNT_FIELDS:
            if cleaned.get(name) is None and name not in self.errors:
                cleaned[name] = Decimal("0")
        return cleaned


class CalculatorForm(forms.Form):
    """The value calculator: a before/after metric or a saving per run, valued in money."""

    class Method:
        TIME = "time"
        COUNT = "count"
        PER_RUN = "per_run"
        CHOICES = [
            (TIME, _("Time per item, before and after (minutes)")),
            (COUNT, _("Count per item, before and after (valued with a cost from the library)")),
            (PER_RUN, _("Usage-weighted: minutes saved per run x runs in the month")),
        ]

    solution = forms.ModelChoiceField(queryset=Solution.objects.none(), label=_("Solution"))
    month = MonthField(label=_("Month"))
    method = forms.ChoiceField(label=_("Method"), choices=Method.CHOICES, initial=Method.TIME)
    before = _amount(_("Before"), help_text=_("Minutes (or count) per item before the solution."))
    after = _amount(_("After"), help_text=_("Minutes (or count) per item with the solution."))
    volume = _amount(
        _("Items per month"), places=0, help_text=_("E.g. invoices processed a month.")
    )
    unit_cost = forms.ModelChoiceField(
        label=_("Cost of one thing"),
        queryset=UnitCost.objects.none(),
        required=False,
        help_text=_("For counts: the average cost of one such thing."),
    )
    minutes_per_run = _amount(_("Minutes saved per run"), places=1)
    runs = forms.IntegerField(
        label=_("Runs"),
        min_value=0,
        required=False,
        help_text=_("Runs in the month; empty uses the solution's monthly runs."),
    )
    hourly_rate = _amount(
        _("Hourly rate"),
        help_text=_("Empty uses the unit's staff-hour rate from the cost library."),
    )
    source = forms.ChoiceField(label=_("Source"), choices=ValueRecord.Source.choices)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, user, solutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["solution"].queryset = solutions
        self.fields["unit_cost"].queryset = UnitCost.objects.select_related("business_unit")
        use_picker(self.fields["solution"], "solutions")
        use_picker(self.fields["unit_cost"], "unit-costs")
        if not is_coe(user):
            self.fields["source"].choices = [
                c for c in ValueRecord.Source.choices if c[0] != ValueRecord.Source.COE_VERIFIED
            ]

    def clean_month(self):
        month = self.cleaned_data["month"]
        _add_errors(self, check_value_month(month))
        return month

    def clean(self):
        cleaned = super().clean()
        method = cleaned.get("method")
        if method in (self.Method.TIME, self.Method.COUNT):
            for name in ("before", "after", "volume"):
                if cleaned.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Needed for a before/after calculation."))
            before, after = cleaned.get("before"), cleaned.get("after")
            if before is not None and after is not None and after > before:
                self.add_error("after", _("After is higher than before: there is no saving."))
            if method == self.Method.COUNT and not cleaned.get("unit_cost"):
                self.add_error("unit_cost", _("Pick the cost of one such thing from the library."))
        elif method == self.Method.PER_RUN and cleaned.get("minutes_per_run") is None:
            self.add_error("minutes_per_run", _("Needed for a usage-weighted calculation."))
        return cleaned


class UnitCostForm(forms.ModelForm):
    class Meta:
        model = UnitCost
        fields = ["business_unit", "name", "measure", "amount", "is_staff_hour", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business_unit"].queryset = BusinessUnit.objects.order_by("name")
        self.fields["business_unit"].empty_label = _("Whole organisation")
        use_picker(self.fields["business_unit"], "units")

    def clean(self):
        cleaned = super().clean()
        _add_errors(self, check_unit_cost(cleaned.get("is_staff_hour"), cleaned.get("measure")))
        return cleaned

    def validate_unique(self):
        # The unique (unit, name) constraint treats "no unit" as a value; report it on the name.
        try:
            self.instance.validate_constraints()
        except forms.ValidationError:
            self.add_error("name", _("This unit already has an entry with this name."))


class ProgrammeCostForm(forms.ModelForm):
    class Meta:
        model = ProgrammeCost
        fields = ["business_unit", "kind", "description", "starts_on", "ends_on", "amount"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }
        field_classes = {"starts_on": DateField, "ends_on": DateField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business_unit"].queryset = BusinessUnit.objects.order_by("name")
        self.fields["business_unit"].empty_label = _("Whole organisation")
        use_picker(self.fields["business_unit"], "units")

    def clean(self):
        cleaned = super().clean()
        _add_errors(self, check_period(cleaned.get("starts_on"), cleaned.get("ends_on")))
        return cleaned


class SolutionImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A CSV file with a header row: name, kind, business unit, and optionally owner, "
            "environment, status, go live, monthly users, monthly runs, id. Exports of the CoE "
            "Starter Kit inventory work with their own column names."
        ),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return file


class PeriodForm(forms.Form):
    """The period (and scope) of the value overview."""

    # By slug, as on the dashboard, the library and the API (`?unit=finance`).
    unit = forms.ModelChoiceField(
        label=_("Business unit"),
        queryset=BusinessUnit.objects.order_by("name"),
        required=False,
        empty_label=_("Whole organisation"),
        to_field_name="slug",
    )
    start = MonthField(label=_("From"), required=False)
    end = MonthField(label=pgettext_lazy("end of a period", "To"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self.fields["unit"], "units")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The period cannot end before it starts."))
        return cleaned
