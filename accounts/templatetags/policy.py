"""`{% can "stories.review_story" story as may_review %}`: the policy, asked from a template."""

from django import template

from accounts.policy import can as policy_can

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action: str, obj=None) -> bool:
    return policy_can(context["request"].user, action, obj)
