"""Content negotiation for the API (REST_FRAMEWORK's DEFAULT_CONTENT_NEGOTIATION_CLASS). A module
of its own: DRF imports it while rest_framework.views loads, so it must not import views."""

from django.utils.translation import gettext as _
from rest_framework import negotiation
from rest_framework.exceptions import ValidationError


class StrictContentNegotiation(negotiation.DefaultContentNegotiation):
    """DRF's negotiation, but `?format=` must name a format: empty or unknown is a 400 with
    the formats allowed (DRF would ignore an empty one and answer an unknown one with 404)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        param = self.settings.URL_FORMAT_OVERRIDE
        if not format_suffix and param and param in request.query_params:
            wanted = request.query_params.get(param)
            known = [renderer.format for renderer in renderers]
            if wanted not in known:
                raise ValidationError(
                    {
                        param: _("Unknown format %(wanted)r. Allowed: %(allowed)s.")
                        % {"wanted": wanted, "allowed": ", ".join(sorted(known))}
                    }
                )
        return super().select_renderer(request, renderers, format_suffix)
