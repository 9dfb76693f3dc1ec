"""GET /api/v1/dashboard/?unit=<slug>&period=<key>: the executive dashboard's figures, the same
dict as the page and its PDF (reports.dashboard), for readers only (policy
"reports.view_dashboard"). Nothing here writes, so every other method is refused."""

from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.api.permissions import PolicyPermission

from .. import dashboard

ALLOWED_PARAMS = {"unit", "period", "format"}


class DashboardViewSet(viewsets.ViewSet):
    """The dashboard figures of one scope (a business unit with its subtree, or the whole
    organisation) and period."""

    permission_classes = [PolicyPermission]
    policy_actions = {"read": "reports.view_dashboard", "write": "reports.view_dashboard"}

    @extend_schema(
        summary="Executive dashboard figures",
        description="Maturity, plans and key results, value and ROI (the same figures as the "
        "ROI reports), value by business unit, stories and adoption counts for a scope and "
        "period. Money amounts are decimal strings.",
        parameters=[
            OpenApiParameter(
                "unit",
                OpenApiTypes.STR,
                description="Slug of a business unit (it includes every unit below it); "
                "leave out for the whole organisation.",
            ),
            OpenApiParameter(
                "period", OpenApiTypes.STR, enum=list(dashboard.PERIODS), default="this_quarter"
            ),
        ],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="The dashboard figures."),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Unknown unit or period."),
        },
    )
    def list(self, request):
        unknown = sorted(set(request.query_params) - ALLOWED_PARAMS)
        if unknown:
            raise ValidationError(
                dict.fromkeys(unknown, gettext("Unknown parameter. Allowed: period, unit."))
            )
        units = dashboard.unit_choices()
        period = request.query_params.get("period", dashboard.DEFAULT_PERIOD)
        if period not in dashboard.PERIODS:
            raise ValidationError(
                {
                    "period": gettext("Unknown period. Allowed: %(periods)s.")
                    % {"periods": ", ".join(dashboard.PERIODS)}
                }
            )
        try:
            unit = dashboard.resolve_unit(request.query_params.get("unit"), units)
        except dashboard.DashboardInputError as error:
            raise ValidationError({"unit": str(error)}) from error
        return Response(
            dashboard.cached_dashboard_figures(unit=unit, period_key=period, units=units)
        )


routes = [("dashboard", DashboardViewSet, "dashboard")]
