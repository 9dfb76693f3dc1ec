"""What the sign-in page offers: the Microsoft button, a note when Entra was unreachable a moment
ago, and the password form (hidden, when turned off, behind a break-glass link)."""

from django.conf import settings

from . import conf, provider


def sign_in_options(request) -> dict:
    entra = conf.is_configured()
    local_on = settings.LOCAL_PASSWORD_SIGN_IN or not entra
    return {
        "entra_enabled": entra,
        "entra_unreachable": entra and provider.recently_unreachable(),
        "local_form_shown": local_on or request.GET.get("local") == "1" or request.method == "POST",
        "local_form_restricted": not settings.LOCAL_PASSWORD_SIGN_IN,
    }
