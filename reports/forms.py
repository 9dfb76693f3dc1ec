"""Forms of the reports app."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import BusinessUnit
from config.pickers import use_picker

from . import services
from .models import ReportDefinition, validate_cron


def clean_recipients(text: str) -> str:
    """E-mail addresses separated by commas, semicolons or lines: one per line, each checked."""
    addresses = ReportDefinition(recipients=text).recipient_list
    bad = []
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            bad.append(address)
    if bad:
        raise ValidationError(
            gettext("Not an e-mail address: %(addresses)s") % {"addresses": ", ".join(bad)}
        )
    if len(addresses) > 50:
        raise ValidationError(gettext("At most 50 recipients."))
    return "\n".join(addresses)


class ReportDefinitionForm(forms.ModelForm):
    class Meta:
        model = ReportDefinition
        fields = [
            "name",
            "kind",
            "scope_unit",
            "cadence",
            "cron_expression",
            "period_length",
            "recipients",
            "is_active",
        ]
        widgets = {"recipients": forms.Textarea(attrs={"rows": 3})}
        labels = {"scope_unit": _("Scope"), "is_active": _("Send on schedule")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope_unit"].queryset = BusinessUnit.objects.order_by("name")
        self.fields["scope_unit"].empty_label = _("Whole organisation")
        use_picker(self.fields["scope_unit"], "units")
        self.fields["period_length"].help_text = _(
            "For a custom schedule: what one report covers. Monthly and quarterly cadences "
            "cover the month or quarter before."
        )

    def clean_recipients(self):
        return clean_recipients(self.cleaned_data["recipients"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("cadence") == ReportDefinition.Cadence.CRON:
            expression = (cleaned.get("cron_expression") or "").strip()
            if not expression:
                self.add_error(
                    "cron_expression", gettext("Enter a cron expression for a custom schedule.")
                )
            else:
                try:
                    validate_cron(expression)
                except ValidationError as exc:
                    self.add_error("cron_expression", exc)
            cleaned["cron_expression"] = expression
        return cleaned


class GenerateForm(forms.Form):
    """Pick a past period to generate a report for now."""

    period = forms.ChoiceField(label=_("Period"))

    def __init__(self, *args, definition: ReportDefinition, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [
            (f"{start:%Y-%m-%d}_{end:%Y-%m-%d}", _label(start, end))
            for start, end in services.past_periods(definition, today)
        ]

    def clean_period(self):
        start, end = self.cleaned_data["period"].split("_")
        return date.fromisoformat(start), date.fromisoformat(end)


def _label(start: date, end: date) -> str:
    if start.month == end.month:
        return date_format(start, "YEAR_MONTH_FORMAT")
    return gettext("Q%(quarter)s %(year)s (%(first)s - %(last)s)") % {
        "quarter": (start.month - 1) // 3 + 1,
        "year": start.year,
        "first": date_format(start, "M"),
        "last": date_format(end, "M"),
    }
