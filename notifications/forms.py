"""Forms of the notifications app. They validate only; views hand cleaned_data to a service."""

from functools import lru_cache
from zoneinfo import available_timezones

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import BusinessUnit
from config.pickers import use_picker

from . import kinds, teams
from .models import NotificationPreference


@lru_cache(maxsize=1)
def time_zone_choices() -> list[tuple[str, str]]:
    """IANA zones grouped by region, as a select with optgroups (about 400 entries)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in sorted(available_timezones()):
        if "/" not in name or name.startswith(("Etc/", "SystemV/", "posix/", "right/")):
            continue
        region, _city = name.split("/", 1)
        groups.setdefault(region, []).append((name, name.replace("_", " ")))
    return [("", _("The organisation's time zone")), *groups.items()]


class NotificationSettingsForm(forms.Form):
    """A person's time zone and, per kind, e-mail on/off and digest."""

    time_zone = forms.ChoiceField(
        label=_("Your time zone"),
        required=False,
        help_text=_("Reminders wait until the end of your quiet hours in this time zone."),
    )

    def __init__(self, *args, preferences, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()
        self.kind_rows = []
        for pref in preferences:
            key = pref.kind.key
            self.fields[f"email_{key}"] = forms.BooleanField(
                label=_("E-mail: %s") % pref.kind.label, required=False, initial=pref.email
            )
            row = {"kind": pref.kind, "email": f"email_{key}", "digest": None}
            if pref.kind.digestible:
                self.fields[f"digest_{key}"] = forms.ChoiceField(
                    label=_("Digest: %s") % pref.kind.label,
                    choices=NotificationPreference.Digest.choices,
                    initial=pref.digest,
                )
                row["digest"] = f"digest_{key}"
            self.kind_rows.append(row)

    def rows(self):
        """(kind, e-mail field, digest field or None) for the template's table."""
        for row in self.kind_rows:
            yield row["kind"], self[row["email"]], self[row["digest"]] if row["digest"] else None

    def choices(self) -> list[tuple[str, bool, str]]:
        return [
            (
                row["kind"].key,
                self.cleaned_data[row["email"]],
                self.cleaned_data[row["digest"]] if row["digest"] else "off",
            )
            for row in self.kind_rows
        ]


class TeamsChannelForm(forms.Form):
    """A Teams channel: where it posts (a Workflows webhook URL), for whom, and what."""

    name = forms.CharField(label=_("Name"), max_length=120)
    business_unit = forms.ModelChoiceField(
        label=_("Business unit"),
        queryset=BusinessUnit.objects.order_by("name"),
        required=False,
        empty_label=_("Whole programme"),
        to_field_name="slug",
    )
    webhook_url = forms.CharField(
        label=_("Workflows webhook URL"),
        required=False,
        max_length=2000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_(
            "From the Teams workflow “Post to a channel when a webhook request is received”. "
            "Stored encrypted; leave empty to keep the current one."
        ),
    )
    route_kinds = forms.MultipleChoiceField(
        label=_("Post these here"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, require_url: bool, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self.fields["business_unit"], "units")
        self.require_url = require_url
        self.fields["route_kinds"].choices = [(k.key, k.label) for k in kinds.channel_kinds()]
        if require_url:
            self.fields["webhook_url"].help_text = _(
                "From the Teams workflow “Post to a channel when a webhook request is received”. "
                "Stored encrypted."
            )

    def clean_webhook_url(self):
        url = self.cleaned_data["webhook_url"].strip()
        if not url and not self.require_url:
            return ""
        try:
            return teams.webhook_url_validate(url)
        except teams.WebhookURLError as error:
            raise forms.ValidationError(str(error)) from error
