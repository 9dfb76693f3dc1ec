"""`{% form_token %}` inside a <form method="post"> that creates something: a fresh one-time
token per rendering, which idempotency.middleware consumes."""

import uuid

from django import template
from django.utils.html import format_html

from idempotency.middleware import FIELD

register = template.Library()


@register.simple_tag
def form_token() -> str:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, uuid.uuid4())
