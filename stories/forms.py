"""Forms of the stories app. They validate only; views hand cleaned_data to a service."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import BusinessUnit, User
from config.pickers import use_picker
from value.forms import MonthField
from value.models import Solution, UnitCost, ValueRecord

from .models import ShowAndTellSession, Story
from .services.record_value import Method
from .uploads import MAX_IMAGES_PER_STORY, clean_image, too_many_images

# Labels and guidance for the seven sections of a story, in reading order.
SECTION_GUIDANCE = {
    "overview": (
        _("Overview"),
        _(
            "Three or four sentences: what you built, for whom, and what changed. Someone who "
            "reads only this paragraph should still get the point."
        ),
    ),
    "business_scenario": (
        _("The business problem"),
        _(
            "What needed solving and why it mattered. Write for a colleague who has never seen "
            "this process."
        ),
    ),
    "before_process": (
        _("How it worked before"),
        _(
            "The old way, step by step: hand-offs, waiting, re-typing, errors, and where you "
            "spotted room to improve."
        ),
    ),
    "solution_summary": (
        _("What you built"),
        _(
            "How the app, flow, report or agent changes the work. Walking through one real case "
            "from start to finish helps readers picture it."
        ),
    ),
    "impact_summary": (
        _("Impact and benefits"),
        _(
            "A short bullet list of what got better: time, money, quality, satisfaction. Put the "
            "measured numbers in the metrics further down."
        ),
    ),
    "architecture": (
        _("How it is built"),
        _(
            "The parts and how they connect: data sources, connectors, flows, screens. Add "
            "screenshots in the pictures section."
        ),
    ),
    "meet_the_team": (
        _("Meet the team"),
        _("Who made it happen: their background, how they learned the platform and who helped."),
    ),
}
MARKDOWN_HINT = _("Markdown works: **bold**, *italic*, lists with -, links as [text](https://…).")


class StoryForm(forms.ModelForm):
    """A maker's story: content, highlights, team, tags and estimated yearly savings."""

    tags = forms.CharField(
        required=False,
        max_length=300,
        label=_("Tags"),
        help_text=_("Comma-separated keywords, e.g. invoices, approvals, field work."),
    )
    submission_token = forms.UUIDField(required=False, widget=forms.HiddenInput)
    # Only solutions the story's author may see (set in __init__), searched as you type
    # (config.pickers) rather than listed in full: an organisation has thousands.
    solution = forms.ModelChoiceField(
        queryset=Solution.objects.none(),
        to_field_name="uuid",
        required=False,
        label=_("Solution in the inventory"),
        help_text=_("Optional: the app or flow, if it is in the solution inventory already."),
    )

    class Meta:
        model = Story
        fields = [
            "title",
            "business_unit",
            "solution_kind",
            "solution",
            *Story.SECTIONS,
            "highlight_1",
            "highlight_2",
            "highlight_3",
            "team_members",
            "hours_saved_per_year",
            "cost_saved_per_year",
        ]
        labels = {
            "title": _("Title"),
            "business_unit": _("Business unit"),
            "solution_kind": _("What kind of solution"),
            "highlight_1": _("Key highlight 1"),
            "highlight_2": _("Key highlight 2"),
            "highlight_3": _("Key highlight 3 (optional)"),
            "team_members": _("Team members"),
            "hours_saved_per_year": _("Estimated hours saved per year"),
            "cost_saved_per_year": _("Estimated cost saved per year"),
        }
        help_texts = {
            "title": _("A headline that says what changed, e.g. “Invoices approved in a day”."),
            "highlight_1": _("The two or three points a reader must take away."),
            "team_members": _("One person per line, e.g. “Morgan Maker, accounts payable”."),
            "hours_saved_per_year": _("Your best estimate; the CoE may check it with you."),
            "cost_saved_per_year": _("In the organisation's currency."),
        }
        widgets = {
            **{
                field: forms.Textarea(attrs={"rows": 3 if field == "overview" else 5})
                for field in Story.SECTIONS
            },
            "team_members": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, author: User, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        for field, (label, guidance) in SECTION_GUIDANCE.items():
            self.fields[field].label = label
            self.fields[field].help_text = format_lazy("{} {}", guidance, MARKDOWN_HINT)
        self.fields["title"].required = True
        self.fields["overview"].required = True
        self.fields["business_unit"].queryset = BusinessUnit.objects.order_by("name")
        self.fields["solution"].queryset = Solution.objects.linkable_to_story(
            author, keep_id=self.instance.solution_id
        ).order_by("name")
        use_picker(self.fields["business_unit"], "units")
        use_picker(self.fields["solution"], "solutions")
        if self.instance.pk:
            self.fields["tags"].initial = ", ".join(t.name for t in self.instance.tags.all())

    def clean_tags(self) -> list[str]:
        names = [n.strip() for n in re.split(r"[,;\n]", self.cleaned_data["tags"]) if n.strip()]
        if len(names) > 10:
            raise ValidationError(_("Use at most ten tags."))
        if any(len(n) > 50 for n in names):
            raise ValidationError(_("A tag may be at most 50 characters long."))
        return names

    def clean(self):
        cleaned = super().clean()
        if self.submitting:
            highlights = [cleaned.get(f"highlight_{i}") for i in (1, 2, 3)]
            if sum(1 for h in highlights if h) < 2:
                self.add_error(
                    "highlight_2", _("Give at least two key highlights before submitting.")
                )
        return cleaned


class MetricForm(forms.Form):
    """One measured effect: name, unit, value before and after, and the period."""

    uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(
        max_length=120, label=_("Name"), help_text=_("e.g. Time spent on invoices")
    )
    unit = forms.CharField(
        max_length=40, label=pgettext_lazy("unit of measure", "Unit"), help_text=_("e.g. hours")
    )
    before_value = forms.DecimalField(label=_("Before"), max_digits=14, decimal_places=2)
    after_value = forms.DecimalField(label=_("After"), max_digits=14, decimal_places=2)
    period = forms.CharField(
        max_length=40, required=False, label=_("Period"), help_text=_("e.g. per week")
    )


class QuoteForm(forms.Form):
    """A quote from a leader or user."""

    who = forms.CharField(max_length=120, label=_("Who said it"))
    role = forms.CharField(max_length=120, required=False, label=_("Their role"))
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label=_("Quote"), max_length=1000
    )


class ImageForm(forms.Form):
    """A new picture (checked and re-encoded) or the caption of one already uploaded."""

    uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)
    upload = forms.FileField(
        required=False,
        label=_("Picture"),
        help_text=_("PNG, JPEG or WebP, at most 5 MB and 6000 x 6000 pixels."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    caption = forms.CharField(max_length=200, required=False, label=_("Caption"))

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            return clean_image(upload)
        return None

    def clean(self):
        cleaned = super().clean()
        missing = not cleaned.get("uuid") and not cleaned.get("upload")
        if missing and cleaned.get("caption") and "upload" not in self.errors:
            self.add_error("upload", _("Choose a picture for this caption."))
        return cleaned


class _CountedImageFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = 0
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            if form.cleaned_data.get("uuid") or form.cleaned_data.get("upload"):
                kept += 1
        if kept > MAX_IMAGES_PER_STORY:
            raise ValidationError(too_many_images())


MetricFormSet = forms.formset_factory(MetricForm, extra=1, can_delete=True, max_num=20)
QuoteFormSet = forms.formset_factory(QuoteForm, extra=1, can_delete=True, max_num=10)
ImageFormSet = forms.formset_factory(
    ImageForm,
    formset=_CountedImageFormSet,
    extra=2,
    can_delete=True,
    max_num=MAX_IMAGES_PER_STORY,
    absolute_max=MAX_IMAGES_PER_STORY + 2,
    validate_max=True,
)


def formset_rows(formset) -> list[dict]:
    """The filled-in, not deleted rows of a valid formset, as plain dicts."""
    rows = []
    for form in formset.forms:
        if not form.has_changed() and not form.cleaned_data.get("uuid"):
            continue
        data = dict(form.cleaned_data)
        if not data:
            continue
        data["delete"] = bool(data.pop("DELETE", False))
        rows.append(data)
    return rows


class ReviewForm(forms.Form):
    """A CoE lead's decision on a story, with the comment the author will read."""

    ACTIONS = [
        ("start_review", _("Start review")),
        ("request_changes", _("Send back for changes")),
        ("approve", _("Approve")),
        ("publish", _("Publish")),
        ("reject", _("Reject")),
    ]
    action = forms.ChoiceField(choices=ACTIONS, label=_("Decision"))
    comment = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Comment for the author"),
        help_text=_("Required when sending back or rejecting; the author receives it by e-mail."),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("action") in ("request_changes", "reject")
            and not (cleaned.get("comment") or "").strip()
        ):
            self.add_error("comment", _("Tell the author why."))
        return cleaned


SCORE_CHOICES = [("", "—")] + [(str(i), str(i)) for i in range(1, 6)]


class ScoreForm(forms.Form):
    """The five selection criteria, each scored 1 (weak) to 5 (strong)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, label, question in Story.CRITERIA:
            self.fields[field] = forms.TypedChoiceField(
                label=label,
                help_text=question,
                choices=SCORE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
            )


class LibraryFilterForm(forms.Form):
    """Search and filters of the library (a GET form; every field optional)."""

    SORTS = [("newest", _("Newest")), ("impact", _("Most impact")), ("liked", _("Most liked"))]
    q = forms.CharField(required=False, max_length=200, label=_("Search"))
    unit = forms.ModelChoiceField(
        queryset=BusinessUnit.objects.order_by("name"),
        required=False,
        label=_("Business unit"),
        to_field_name="slug",
        empty_label=_("All units"),
    )
    kind = forms.ChoiceField(
        choices=[("", _("All kinds")), *Solution.Kind.choices],
        required=False,
        label=_("Solution kind"),
    )
    tag = forms.SlugField(required=False, max_length=60, label=_("Tag"))
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100, label=_("Year"))
    measured = forms.BooleanField(required=False, label=_("Has measured impact"))
    sort = forms.ChoiceField(choices=SORTS, required=False, label=_("Sort by"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self.fields["unit"], "units")


class SessionForm(forms.ModelForm):
    """A show-and-tell session."""

    meeting_url = forms.URLField(
        required=False,
        assume_scheme="https",
        label=_("Meeting link"),
        help_text=_("The link people join with."),
    )
    recording_url = forms.URLField(
        required=False,
        assume_scheme="https",
        label=_("Recording link"),
        help_text=_("Add it after the session so that others can watch."),
    )

    class Meta:
        model = ShowAndTellSession
        fields = [
            "title",
            "starts_at",
            "location",
            "meeting_url",
            "host",
            "description",
            "recording_url",
        ]
        labels = {
            "title": _("Title"),
            "starts_at": _("Date and time"),
            "location": _("Place"),
            "host": _("Host"),
            "description": _("Description"),
        }
        help_texts = {
            "location": _("A room, or leave empty for an online-only session."),
            "meeting_url": _("The link people join with."),
            "recording_url": _("Add it after the session so that others can watch."),
        }
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = User.objects.filter(is_active=True)
        self.fields["host"].required = True
        use_picker(self.fields["host"], "people")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("location") and not cleaned.get("meeting_url"):
            self.add_error("location", _("Give a place or a meeting link."))
        return cleaned


class SlotForm(forms.Form):
    """A published story on a session's agenda."""

    story = forms.ModelChoiceField(
        queryset=Story.objects.none(), to_field_name="uuid", label=_("Story")
    )
    presenter = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label=_("Presenter")
    )
    starts_at = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    minutes = forms.IntegerField(min_value=5, max_value=120, initial=10, label=_("Minutes"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["story"].queryset = Story.objects.published().order_by("title")
        self.fields["presenter"].queryset = User.objects.filter(is_active=True)
        use_picker(self.fields["story"], "stories")
        use_picker(self.fields["presenter"], "people")


class NewsletterForm(forms.Form):
    """A newsletter issue: subject, intro and the published stories in it, numbered in order."""

    subject = forms.CharField(max_length=160, label=_("Subject"))
    intro = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=_("Introduction"),
        help_text=format_lazy("{} {}", _("A few lines opening the issue."), MARKDOWN_HINT),
    )

    def __init__(self, *args, stories=(), positions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stories = list(stories)
        positions = positions or {}
        for story in self.stories:
            self.fields[f"pos_{story.uuid.hex}"] = forms.IntegerField(
                required=False,
                min_value=1,
                max_value=99,
                label=story.title,
                initial=positions.get(story.pk),
            )

    def story_fields(self):
        return [(story, self[f"pos_{story.uuid.hex}"]) for story in self.stories]

    def clean(self):
        cleaned = super().clean()
        chosen = [
            (cleaned[f"pos_{s.uuid.hex}"], i, s)
            for i, s in enumerate(self.stories)
            if cleaned.get(f"pos_{s.uuid.hex}")
        ]
        if not chosen:
            raise ValidationError(_("Number at least one story to include it."))
        cleaned["ordered_stories"] = [story for _, _, story in sorted(chosen)]
        return cleaned


class StoryValueForm(forms.Form):
    """Turning a published story's metrics into value records: the months, where the figures
    come from and, for a story not yet linked to one, the solution. Each metric's conversion is
    a StoryMetricValueForm."""

    solution = forms.ModelChoiceField(
        queryset=Solution.objects.none(),
        label=_("Solution"),
        help_text=_("The story is not linked to a solution yet: saving links it to this one."),
    )
    month_from = MonthField(label=_("First month"))
    month_to = MonthField(
        label=_("Last month"), help_text=_("At most 36 months, up to this month.")
    )
    source = forms.ChoiceField(choices=ValueRecord.Source.choices, label=_("Source"))
    note = forms.CharField(
        max_length=255,
        required=False,
        label=_("Note"),
        help_text=_("On every record. Empty: the story's title and the metric's name."),
    )

    def __init__(self, *args, story, solutions, **kwargs):
        super().__init__(*args, **kwargs)
        if story.solution_id:
            del self.fields["solution"]
        else:
            self.fields["solution"].queryset = solutions
            use_picker(self.fields["solution"], "solutions")


class StoryMetricValueForm(forms.Form):
    """How one metric of a story turns into value each month."""

    include = forms.BooleanField(required=False, label=_("Record this metric"))
    method = forms.ChoiceField(choices=Method.choices, label=_("How it converts"))
    volume = forms.DecimalField(
        required=False,
        max_digits=12,
        decimal_places=2,
        label=_("Volume per month"),
        help_text=_(
            "Items per month (e.g. invoices), or periods per month (4.33 for a weekly "
            "figure, 1 for a monthly one)."
        ),
    )
    unit_cost = forms.ModelChoiceField(
        queryset=UnitCost.objects.none(),
        required=False,
        label=_("Cost from the library"),
        help_text=_(
            "For time: an hourly cost (empty uses the unit's staff-hour rate). For counts: "
            "the cost of one such thing."
        ),
    )

    def __init__(self, *args, metric, unit_costs, **kwargs):
        super().__init__(*args, **kwargs)
        self.metric = metric
        self.fields["unit_cost"].queryset = unit_costs
        use_picker(self.fields["unit_cost"], "unit-costs")
