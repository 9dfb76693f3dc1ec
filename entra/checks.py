"""`manage.py check` says when Entra sign-in is half configured (and so silently off)."""

from django.conf import settings
from django.core.checks import Warning, register

NAMES = ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")


@register()
def entra_configuration(app_configs, **kwargs):
    missing = [name for name in NAMES if not getattr(settings, name)]
    if not missing or len(missing) == len(NAMES):
        return []
    return [
        Warning(
            f"Sign in with Microsoft is off because {', '.join(missing)} is not set.",
            hint="Set OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together (README).",
            id="entra.W001",
        )
    ]
