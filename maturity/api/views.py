from django.db.models import Prefetch

from config.api import PolicyReadOnlyViewSet
from maturity.models import Area, AreaLevel, Level, Opportunity

from .serializers import AreaSerializer, LevelSerializer

POLICY = {"read": "maturity.view_model", "write": "maturity.view_model"}


class LevelViewSet(PolicyReadOnlyViewSet):
    """The five maturity levels with their characteristics and opportunities (read-only;
    content is edited in the admin)."""

    serializer_class = LevelSerializer
    lookup_field = "number"
    lookup_value_regex = r"[1-5]00"
    policy_actions = POLICY
    filterset_fields: list[str] = []

    def get_queryset(self):
        return Level.objects.prefetch_related(
            Prefetch(
                "opportunities",
                queryset=Opportunity.objects.select_related("level", "area").order_by("order"),
            )
        ).order_by("number")


class AreaViewSet(PolicyReadOnlyViewSet):
    """The capability areas, each with what it looks like at every level (read-only)."""

    serializer_class = AreaSerializer
    lookup_field = "key"
    policy_actions = POLICY
    filterset_fields = ["section"]
    search_fields = ["name"]
    ordering_fields = ["order", "name"]

    def get_queryset(self):
        return Area.objects.prefetch_related(
            Prefetch(
                "area_levels",
                queryset=AreaLevel.objects.select_related("level").order_by("level__number"),
            )
        ).order_by("order")
