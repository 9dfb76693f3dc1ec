from drf_spectacular.utils import extend_schema, extend_schema_view

from accounts.models import BusinessUnit, User
from config.api import CONFLICT, PolicyModelViewSet, PolicyReadOnlyViewSet

from .serializers import BusinessUnitSerializer, UserSerializer


# A unit that solutions, stories, plans or units below it still name cannot be deleted: 409
# (config.api.api_exception_handler).
@extend_schema_view(destroy=extend_schema(responses={204: None, 409: CONFLICT}))
class BusinessUnitViewSet(PolicyModelViewSet):
    """The organisation's business units; everyone reads them, admins change them."""

    serializer_class = BusinessUnitSerializer
    lookup_field = "slug"
    policy_actions = {"read": "accounts.view_directory", "write": "accounts.manage_organisation"}
    filterset_fields = ["parent__slug"]
    search_fields = ["name"]
    ordering_fields = ["name"]

    def get_queryset(self):
        return BusinessUnit.objects.select_related("parent", "leader").order_by("name")


class UserViewSet(PolicyReadOnlyViewSet):
    """Active people, with minimal fields."""

    serializer_class = UserSerializer
    lookup_field = "username"
    lookup_value_regex = r"[\w.@+-]+"
    policy_actions = {"read": "accounts.view_directory", "write": "accounts.manage_organisation"}
    filterset_fields = ["business_unit__slug"]
    search_fields = ["username", "first_name", "last_name"]
    ordering_fields = ["username", "last_name"]

    def get_queryset(self):
        return (
            User.objects.filter(is_active=True).select_related("business_unit").order_by("username")
        )
