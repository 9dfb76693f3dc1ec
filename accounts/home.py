"""Home-page panels that belong to the organisation (see config.navigation.HOME_PANELS)."""

from django.template.loader import render_to_string

from .models import BusinessUnit, Organisation


def organisation_of(request) -> Organisation:
    """Organisation.current(), read once per request however many panels ask for it."""
    if not hasattr(request, "_organisation"):
        request._organisation = Organisation.current()
    return request._organisation


def organisation_panel(request) -> str:
    """Who the user is in the organisation: their unit, role and the size of the organisation."""
    return render_to_string(
        "accounts/_organisation_panel.html",
        {
            "organisation": organisation_of(request),
            "unit_count": BusinessUnit.objects.count(),
            "user": request.user,
        },
        request=request,
    )
