"""The language a person reads: their own choice (profile), else the browser's on a page, else
the installation's LANGUAGE_CODE where no browser is asking (e-mails, reports, background jobs)."""

from django.conf import settings
from django.utils import translation


def chosen_language(user) -> str:
    """The language `user` chose, or "" (the browser's); unknown codes count as no choice."""
    code = getattr(user, "language", "") or ""
    return code if code in dict(settings.LANGUAGES) else ""


def language_of(user) -> str:
    """The language to write to `user` in when no browser is asking: their choice, else the
    installation's."""
    return chosen_language(user) or settings.LANGUAGE_CODE


def in_language_of(user):
    """`with in_language_of(person):` renders texts, dates and numbers in their language."""
    return translation.override(language_of(user))
