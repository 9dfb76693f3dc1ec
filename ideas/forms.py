"""Forms of the ideas app: one per use case. They validate; services write."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from accounts.models import BusinessUnit, User
from config.pickers import use_picker
from maturity.models import Area
from strategy.models import KeyResult
from value.models import Solution, UnitCost

from .models import (
    MAX_ITEMS_PER_YEAR,
    MAX_MINUTES,
    MAX_OCCURRENCES,
    MAX_PEOPLE,
    BadgeRule,
    Idea,
    MakerProfile,
    ScoreWeights,
)
from .services import MAX_KEY_RESULTS, KeyResultLink, key_results_open_for_ideas

KR_SLOTS = range(1, MAX_KEY_RESULTS + 1)


class IdeaForm(forms.ModelForm):
    """The guided idea form: the pain point, the numbers behind the estimate, and up to three
    key results (picked by search; the hidden field carries the key result's id)."""

    class Meta:
        model = Idea
        fields = [
            "title",
            "business_unit",
            "process",
            "pain_point",
            "tools_today",
            "risk_today",
            "people_affected",
            "occurrences",
            "period",
            "minutes_now",
            "minutes_after",
            "cost_item",
            "items_avoided_per_year",
            "maturity_area",
        ]
        widgets = {
            "pain_point": forms.Textarea(attrs={"rows": 4}),
            "risk_today": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, links=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business_unit"].queryset = BusinessUnit.objects.order_by("name")
        self.fields["cost_item"].queryset = UnitCost.objects.exclude(
            measure=UnitCost.Measure.HOUR
        ).select_related("business_unit")
        self.fields["cost_item"].required = False
        self.fields["maturity_area"].queryset = Area.objects.order_by("order")
        use_picker(self.fields["business_unit"], "units")
        use_picker(self.fields["cost_item"], "unit-costs")
        self.fields["maturity_area"].required = False
        limits = {
            "people_affected": MAX_PEOPLE,
            "occurrences": MAX_OCCURRENCES,
            "minutes_now": MAX_MINUTES,
            "minutes_after": MAX_MINUTES,
            "items_avoided_per_year": MAX_ITEMS_PER_YEAR,
        }
        for name, limit in limits.items():
            field = self.fields[name]
            field.max_value = limit
            field.validators.append(MaxValueValidator(limit))
            field.widget.attrs["max"] = limit
        self.fields["people_affected"].help_text = _(
            "How many people do this (at most %(max)s).",
        ) % {"max": f"{MAX_PEOPLE:,}"}
        for i in KR_SLOTS:
            # Any live key result, so that one of a plan that is no longer active is refused
            # with its reason; the picker offers only those of active plans.
            self.fields[f"kr_{i}"] = forms.ModelChoiceField(
                label=_("Key result %(n)s") % {"n": i},
                queryset=KeyResult.objects.alive().select_related("objective__plan"),
                to_field_name="uuid",
                required=False,
            )
            use_picker(self.fields[f"kr_{i}"], "idea-key-results")
            self.fields[f"how_{i}"] = forms.CharField(
                label=_("How would it move it?"), required=False, max_length=200
            )
        for i, link in enumerate(links or [], start=1):
            self.initial[f"kr_{i}"] = link.key_result.uuid
            self.initial[f"how_{i}"] = link.how

    def clean(self):
        cleaned = super().clean()
        now, after = cleaned.get("minutes_now"), cleaned.get("minutes_after")
        if now is not None and after is not None and after > now:
            self.add_error("minutes_after", _("It should take less time after, not more."))
        if cleaned.get("items_avoided_per_year") and not cleaned.get("cost_item"):
            self.add_error("cost_item", _("Pick what one such thing costs."))
        wanted = {i: cleaned[f"kr_{i}"] for i in KR_SLOTS if cleaned.get(f"kr_{i}")}
        open_ids = set(
            key_results_open_for_ideas()
            .filter(pk__in=[kr.pk for kr in wanted.values()])
            .values_list("pk", flat=True)
        )
        links, seen = [], set()
        for i, kr in wanted.items():
            if kr.pk not in open_ids:
                self.add_error(
                    f"kr_{i}",
                    _("This key result belongs to a plan that is not active: pick another."),
                )
            elif kr.pk in seen:
                self.add_error(f"kr_{i}", _("This key result is already picked."))
            else:
                seen.add(kr.pk)
                links.append(KeyResultLink(key_result=kr, how=cleaned.get(f"how_{i}", "")))
        self.key_result_links = links
        return cleaned

    def idea_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class VoteForm(forms.Form):
    """No fields: the button's name says vote or withdraw."""


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Markdown allowed."),
    )


class ReviewForm(forms.Form):
    effort = forms.ChoiceField(label=_("Effort"), choices=Idea.Effort.choices)
    risk = forms.IntegerField(label=_("Risk (0 none - 5 high)"), min_value=0, max_value=5)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AcceptForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of solution"), choices=Solution.Kind.choices)
    owner = forms.CharField(
        label=_("Owner (username)"),
        required=False,
        max_length=150,
        help_text=_("Empty: the idea's author."),
    )

    def clean_owner(self):
        username = self.cleaned_data["owner"].strip()
        if not username:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise ValidationError(_("No active user has this username."))
        return user


class IdeaFilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Business unit"),
        queryset=BusinessUnit.objects.order_by("name"),
        required=False,
        to_field_name="slug",
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All statuses"))]
        + [c for c in Idea.Status.choices if c[0] != Idea.Status.DRAFT],
        required=False,
    )
    kr = forms.ModelChoiceField(
        label=_("Key result"),
        queryset=KeyResult.objects.select_related("objective__plan"),
        required=False,
        to_field_name="uuid",
    )
    area = forms.ModelChoiceField(
        label=_("Maturity area"),
        queryset=Area.objects.order_by("order"),
        required=False,
        to_field_name="key",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].empty_label = _("All units")
        use_picker(self.fields["unit"], "units")
        self.fields["kr"].empty_label = _("All key results")
        use_picker(self.fields["kr"], "idea-key-results")


class WeightsForm(forms.ModelForm):
    class Meta:
        model = ScoreWeights
        fields = ["value", "fit", "votes", "effort", "risk", "value_per_point", "votes_per_point"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("value", "fit", "votes", "effort", "risk"):
            self.fields[name].min_value = 0
            self.fields[name].max_value = 10
            self.fields[name].validators.append(MaxValueValidator(10))


class ProfileForm(forms.ModelForm):
    class Meta:
        model = MakerProfile
        fields = ["headline", "skills", "learning", "is_hidden_from_makers"]
        widgets = {
            "skills": forms.Textarea(attrs={"rows": 4}),
            "learning": forms.Textarea(attrs={"rows": 4}),
        }


class BadgeRuleForm(forms.ModelForm):
    class Meta:
        model = BadgeRule
        fields = ["name", "description", "kind", "threshold", "is_active"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == BadgeRule.Kind.VALUE_OVER and not cleaned.get("threshold"):
            self.add_error("threshold", _("Give the value that earns the badge."))
        return cleaned


class ChampionForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    note = forms.CharField(label=_("Why"), max_length=200, required=False)

    def clean_username(self):
        user = User.objects.filter(
            username=self.cleaned_data["username"].strip(), is_active=True
        ).first()
        if user is None:
            raise ValidationError(_("No active user has this username."))
        return user
