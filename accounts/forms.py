"""Forms of the accounts app. They validate only; views hand cleaned_data to a service."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


def language_choices() -> list[tuple[str, str]]:
    """The interface languages, each named in its own language, after "the browser's"."""
    return [("", _("Your browser's language")), *settings.LANGUAGES]


class LanguageForm(forms.Form):
    """A person's interface language (the profile page and the language switcher)."""

    language = forms.ChoiceField(label=_("Language"), required=False, choices=language_choices)
    next = forms.CharField(required=False, widget=forms.HiddenInput)
