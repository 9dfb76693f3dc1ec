"""The API asks the same permission policy as the pages."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.policy import can


class PolicyPermission(BasePermission):
    """A viewset names its actions in `policy_actions`, e.g. `{"read": "stories.view_story",
    "write": "stories.edit_story", "create": "stories.submit_story"}`;
    "read" covers safe methods, "write" every other one, and a key equal to a viewset action
    (`create`, `publish`, ...) overrides both for that action.

    When a viewset's rows are not what its rule judges (a story metric is read as its story is),
    the viewset names that thing in `policy_object(obj)`; None asks whether the user may take
    the action at all, for rows whose queryset alone decides who sees them."""

    def _action(self, request, view) -> str:
        actions = view.policy_actions
        if getattr(view, "action", None) in actions:
            return actions[view.action]
        if request.method in SAFE_METHODS or "write" not in actions:
            # A read-only endpoint: whoever may read it learns from DRF that the method is not
            # allowed (405); everyone else is refused as for a read.
            return actions["read"]
        return actions["write"]

    def _allowed(self, request, action: str, obj=None) -> bool:
        allowed = can(request.user, action, obj)
        if not allowed:
            # Noted on Django's request for the one-line refusal log (config.refusals).
            request._request.policy_refusal = action
        return allowed

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        return self._allowed(request, self._action(request, view))

    def has_object_permission(self, request, view, obj) -> bool:
        policy_object = getattr(view, "policy_object", None)
        if policy_object is not None:
            obj = policy_object(obj)
        return self._allowed(request, self._action(request, view), obj)
