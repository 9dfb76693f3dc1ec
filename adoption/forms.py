"""Forms of the assessment: one per use case. They validate; services write."""

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import BusinessUnit
from config.dates import DateField
from config.pickers import use_picker
from maturity.models import Area

from .exports import ImportError_, parse_import
from .models import LEVEL_CHOICES
from .services import AnswerInput

UNSURE = "unsure"
MAX_IMPORT_BYTES = 1_000_000


class SubjectChoiceMixin:
    """A `subject` choice of the whole organisation (empty) or a business unit, searched as you
    type (config.pickers); cleaned to the unit, or None for the whole organisation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self.fields["subject"], "units")


def subject_field(label: str, help_text: str) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        BusinessUnit.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Whole organisation"),
        label=label,
        help_text=help_text,
    )


class AssessmentStartForm(SubjectChoiceMixin, forms.Form):
    subject = subject_field(_("What to assess"), _("The whole organisation, or one business unit."))
    title = forms.CharField(
        max_length=200,
        required=False,
        label=_("Title"),
        help_text=_("Optional, e.g. “Spring review”. Shown in lists and exports."),
    )


class AreaAnswersForm(forms.Form):
    """The questions of one area: a level (or “not sure”) and a note per question. Blank
    answers are allowed while drafting; submission lists whatever is still open."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.answers = list(answers)
        for answer in self.answers:
            choices = [
                (str(level), f"{level}: {answer.option_text(level)}")
                for level, _label in LEVEL_CHOICES
            ]
            choices.append((UNSURE, _("Not sure / not applicable")))
            initial = str(answer.level) if answer.level else (UNSURE if answer.is_unsure else None)
            self.fields[f"q_{answer.question_key}"] = forms.ChoiceField(
                label=answer.question_text,
                choices=choices,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                initial=initial,
            )
            self.fields[f"note_{answer.question_key}"] = forms.CharField(
                label=_("Evidence or note"),
                required=False,
                max_length=4000,
                initial=answer.note,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self):
        """(answer, choice field, note field) per question, for the template."""
        for answer in self.answers:
            yield answer, self[f"q_{answer.question_key}"], self[f"note_{answer.question_key}"]

    def answer_inputs(self) -> dict[str, AnswerInput]:
        result = {}
        for answer in self.answers:
            choice = self.cleaned_data.get(f"q_{answer.question_key}") or ""
            result[answer.question_key] = AnswerInput(
                level=int(choice) if choice and choice != UNSURE else None,
                is_unsure=choice == UNSURE,
                note=self.cleaned_data.get(f"note_{answer.question_key}", "").strip(),
            )
        return result


class TargetsForm(forms.Form):
    """A target level and date per area; leave the level empty for no target."""

    def __init__(self, *args, areas, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = list(areas)
        by_area = {t.area_id: t for t in targets}
        for area in self.areas:
            target = by_area.get(area.pk)
            self.fields[f"level_{area.key}"] = forms.TypedChoiceField(
                label=_("%(area)s: target level") % {"area": area.name},
                choices=[("", _("No target"))] + [(str(n), label) for n, label in LEVEL_CHOICES],
                coerce=int,
                empty_value=None,
                required=False,
                initial=str(target.level) if target else "",
            )
            self.fields[f"date_{area.key}"] = DateField(
                label=_("%(area)s: reach by") % {"area": area.name},
                required=False,
                initial=target.target_on if target else None,
                widget=forms.DateInput(attrs={"type": "date"}),
            )

    def rows(self):
        for area in self.areas:
            yield area, self[f"level_{area.key}"], self[f"date_{area.key}"]

    def clean(self):
        cleaned = super().clean()
        for area in self.areas:
            if cleaned.get(f"date_{area.key}") and cleaned.get(f"level_{area.key}") is None:
                self.add_error(f"date_{area.key}", _("Choose a target level for this date."))
        return cleaned

    def targets(self) -> dict[Area, tuple]:
        return {
            area: (self.cleaned_data[f"level_{area.key}"], self.cleaned_data[f"date_{area.key}"])
            for area in self.areas
        }


class CadenceForm(forms.Form):
    cadence_days = forms.IntegerField(
        label=_("Re-assess every (days)"),
        min_value=7,
        max_value=730,
        help_text=_("The next assessment falls due this many days after the last submission."),
    )


class AssessmentImportForm(SubjectChoiceMixin, forms.Form):
    file = forms.FileField(
        label=_("Exported assessment (JSON)"),
        help_text=_("A file downloaded with “Export JSON” from one assessment's page."),
    )
    subject = subject_field(
        _("Import as an assessment of"), _("Usually the unit the file was exported from.")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB; is it really an export?"))
        try:
            data = json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise forms.ValidationError(_("The file is not valid JSON.")) from None
        try:
            return parse_import(data)
        except ImportError_ as error:
            raise forms.ValidationError(str(error)) from None
