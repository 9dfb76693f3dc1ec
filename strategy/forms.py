"""One form per use case. Forms validate; the views hand `cleaned_data` to a service."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from accounts.models import BusinessUnit
from config.dates import DateField
from config.pickers import use_picker
from maturity.models import Area, Opportunity

from .models import Initiative, KeyResult, Kpi, Objective, Plan, PlanTemplate
from .validation import check_currency, check_key_result

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _people():
    return get_user_model().objects.filter(is_active=True).order_by("first_name", "username")


def _add_errors(form, errors: dict[str, str]) -> None:
    for field, message in errors.items():
        form.add_error(field, message)


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = [
            "title",
            "vision",
            "business_unit",
            "starts_on",
            "ends_on",
            "sponsor",
            "owner",
            "status",
        ]
        widgets = {"starts_on": DATE, "ends_on": DATE, "vision": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"starts_on": DateField, "ends_on": DateField}
        labels = {
            "business_unit": _("Scope"),
            "owner": _("CoE owner"),
            "sponsor": _("Executive sponsor"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business_unit"].empty_label = _("Whole organisation")
        self.fields["sponsor"].queryset = _people()
        self.fields["owner"].queryset = _people()
        for name, picker in (
            ("business_unit", "units"),
            ("sponsor", "people"),
            ("owner", "people"),
        ):
            use_picker(self.fields[name], picker)

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends <= starts:
            self.add_error("ends_on", _("The plan must end after it starts."))
        return data


class PlanFromTemplateForm(forms.Form):
    """The plan's frame, the template's objectives to keep (all ticked at first) and one figure
    per blank of the key results of the objectives kept."""

    title = forms.CharField(max_length=200, label=_("Title"))
    starts_on = DateField(widget=DATE, label=_("Starts on"))
    ends_on = DateField(widget=DATE, label=_("Ends on"))
    business_unit = forms.ModelChoiceField(
        BusinessUnit.objects.all(),
        required=False,
        empty_label=_("Whole organisation"),
        label=_("Scope"),
    )
    sponsor = forms.ModelChoiceField(
        get_user_model().objects.none(), required=False, label=_("Executive sponsor")
    )

    def __init__(self, *args, template: PlanTemplate, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = template
        self.fields["sponsor"].queryset = _people()
        self.fields["sponsor"].empty_label = _("Not named yet")
        use_picker(self.fields["business_unit"], "units")
        use_picker(self.fields["sponsor"], "people")
        self.fields["title"].initial = template.title
        keys = [o["key"] for o in template.objectives]
        self.fields["objectives"] = forms.MultipleChoiceField(
            choices=[(o["key"], o["title"]) for o in template.objectives],
            initial=keys,
            widget=forms.CheckboxSelectMultiple,
            label=_("Objectives to keep"),
            error_messages={"required": _("Keep at least one objective.")},
        )
        for kr in template.blanks:
            # Required only when its objective is kept (see clean()).
            self.fields[f"blank_{kr['key']}"] = forms.DecimalField(
                label=kr["title"].replace("___", "…"),
                help_text=_("The figure that replaces the blank; it becomes the target."),
                max_digits=16,
                decimal_places=2,
                initial=kr.get("suggested"),
                min_value=Decimal("0.01"),
                required=False,
            )

    def blank_fields(self):
        return [self[name] for name in self.fields if name.startswith("blank_")]

    def frame_fields(self):
        return [
            self[name]
            for name in self.fields
            if not name.startswith("blank_") and name != "objectives"
        ]

    def picked_keys(self) -> set[str]:
        """The objectives ticked: the submitted ones, or all of them on a fresh form."""
        if self.is_bound:
            return set(self.data.getlist(self.add_prefix("objectives")))
        return {o["key"] for o in self.template.objectives}

    def objective_groups(self) -> list[dict]:
        """Per objective of the template: its checkbox state, why, key results (with the blank's
        field when there is one) and the initiatives serving it, for the page to show."""
        picked = self.picked_keys()
        horizons = dict(Initiative.Horizon.choices)
        return [
            {
                "key": o["key"],
                "title": o["title"],
                "why": o.get("why", ""),
                "checked": o["key"] in picked,
                "key_results": [
                    {
                        "title": kr["title"].replace("___", "…"),
                        "field": self[f"blank_{kr['key']}"] if "___" in kr["title"] else None,
                    }
                    for kr in o.get("key_results", [])
                ],
                "initiatives": [
                    {"title": i["title"], "horizon": horizons.get(i["horizon"], i["horizon"])}
                    for i in self.template.initiatives
                    if o["key"] in i.get("objectives", [])
                ],
            }
            for o in self.template.objectives
        ]

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends <= starts:
            self.add_error("ends_on", _("The plan must end after it starts."))
        picked = set(data.get("objectives") or [])
        for objective in self.template.objectives:
            if objective["key"] not in picked:
                continue
            for kr in objective.get("key_results", []):
                name = f"blank_{kr['key']}"
                if name in self.fields and data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Give the figure, or untick this objective."))
        return data

    def blanks(self) -> dict:
        return {
            name.removeprefix("blank_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("blank_") and value is not None
        }


class ObjectiveForm(forms.ModelForm):
    class Meta:
        model = Objective
        fields = ["title", "why", "owner"]
        widgets = {"why": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()
        use_picker(self.fields["owner"], "people")


class KeyResultForm(forms.ModelForm):
    class Meta:
        model = KeyResult
        fields = [
            "title",
            "kind",
            "unit",
            "currency",
            "baseline",
            "target",
            "starts_on",
            "due_on",
            "owner",
            "weight",
            "check_in_frequency",
            "kpi",
        ]
        widgets = {"starts_on": DATE, "due_on": DATE}
        labels = {"kpi": _("KPI")}
        field_classes = {"starts_on": DateField, "due_on": DateField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()
        self.fields["kpi"].queryset = Kpi.objects.order_by("name")
        use_picker(self.fields["owner"], "people")
        use_picker(self.fields["kpi"], "kpis")
        self.fields["currency"].widget.attrs["placeholder"] = "EUR"

    def clean(self):
        data = super().clean()
        _add_errors(self, check_key_result(data))
        return data


KeyResultFormSet = forms.formset_factory(KeyResultForm, extra=1, max_num=10)


class CheckInForm(forms.Form):
    """A new value, typed in: nothing is pre-filled, so that one click cannot record the last
    value again. Keeping the value unchanged is allowed, with a note saying why."""

    value = forms.DecimalField(max_digits=16, decimal_places=2, label=_("Value"))
    confidence = forms.IntegerField(
        label=_("Confidence"),
        min_value=0,
        max_value=10,
        help_text=_("How sure are you that the target will be met? 0 = not at all, 10 = certain."),
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(self, *args, last_check_in=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.last_check_in = last_check_in
        help_text = _("The value today (for a milestone: 1 when done, 0 when not).")
        if last_check_in is not None:
            help_text = _("%(help)s Last check-in: %(value)s, confidence %(confidence)s.") % {
                "help": help_text,
                "value": formats.number_format(
                    f"{last_check_in.value.normalize():f}",
                    decimal_pos=max(0, -last_check_in.value.normalize().as_tuple().exponent),
                    use_l10n=True,
                ),
                "confidence": last_check_in.confidence,
            }
        self.fields["value"].help_text = help_text

    def clean(self):
        cleaned = super().clean()
        last = self.last_check_in
        if (
            last is not None
            and cleaned.get("value") == last.value
            and not cleaned.get("comment", "").strip()
        ):
            self.add_error(
                "comment",
                _("The value has not changed since the last check-in: say why in a comment."),
            )
        return cleaned


class InitiativeForm(forms.ModelForm):
    class Meta:
        model = Initiative
        fields = [
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
        widgets = {
            "target_on": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
            "objectives": forms.CheckboxSelectMultiple,
            "areas": forms.CheckboxSelectMultiple,
        }
        field_classes = {"target_on": DateField}
        labels = {"areas": _("Maturity areas"), "opportunities": _("Maturity opportunities")}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()
        self.fields["objectives"].queryset = plan.objectives.all()
        self.fields["areas"].queryset = Area.objects.all()
        self.fields["opportunities"].queryset = Opportunity.objects.select_related("level")
        self.fields["opportunities"].widget.attrs["size"] = 6
        use_picker(self.fields["owner"], "people")


class KpiForm(forms.ModelForm):
    class Meta:
        model = Kpi
        fields = [
            "name",
            "description",
            "unit",
            "currency",
            "direction",
            "target",
            "frequency",
            "owner",
            "business_unit",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        labels = {"frequency": _("Update frequency")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()
        self.fields["business_unit"].empty_label = _("Whole organisation")
        use_picker(self.fields["owner"], "people")
        use_picker(self.fields["business_unit"], "units")

    def clean(self):
        data = super().clean()
        _add_errors(self, check_currency(data))
        return data


class MeasurementForm(forms.Form):
    measured_on = DateField(widget=DATE, label=_("Date"))
    value = forms.DecimalField(max_digits=16, decimal_places=2, label=_("Value"))
    note = forms.CharField(max_length=255, required=False, label=_("Note"))

    def __init__(self, *args, kpi: Kpi, **kwargs):
        super().__init__(*args, **kwargs)
        self.kpi = kpi

    def clean_measured_on(self):
        measured_on = self.cleaned_data["measured_on"]
        if self.kpi.measurements.filter(measured_on=measured_on).exists():
            raise forms.ValidationError(_("This KPI already has a value for that date."))
        return measured_on
