"""One log line per refused request (who, what, where, why), never a traceback.

Django logs a refused page with the whole PermissionDenied traceback, and an API refusal as
"Forbidden: /path" without the user; after an hour of clicking that is hundreds of tracebacks
saying only "not allowed". The filter below, on the django.request logger, rewrites each 403
record into one line. The reason is the policy action that refused (accounts.policy.PolicyDenied,
or what PolicyPermission noted on the request), else the exception's message.
"""

import logging


def refusal_reason(request, exception: BaseException | None) -> str:
    action = getattr(exception, "action", "") or getattr(request, "policy_refusal", "")
    if action:
        return f"the policy refuses {action}"
    return str(exception or "") or "forbidden"


def refusal_message(request, exception: BaseException | None = None) -> str:
    user = getattr(request, "user", None)
    who = user.get_username() if getattr(user, "is_authenticated", False) else "anonymous"
    return f"Refused {request.method} {request.path} to {who}: {refusal_reason(request, exception)}"


class OneLinePerRefusal(logging.Filter):
    """On django.request: a 403 record becomes "Refused GET /path to maker: the policy refuses
    strategy.manage_plans", without exc_info; other records pass unchanged."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if getattr(record, "status_code", None) != 403 or request is None:
            return True
        if getattr(record, "refusal_rewritten", False):
            return True  # a second pass (the filter on another logger or handler) keeps the reason
        exception = record.exc_info[1] if record.exc_info else None
        record.msg, record.args = refusal_message(request, exception), ()
        record.exc_info, record.exc_text = None, None
        record.refusal_rewritten = True
        return True
