"""Microsoft Teams through Workflows webhooks: which URLs we accept, the Adaptive Card we post, and
what each answer of the webhook means.

Facts we design for: the Workflows trigger "When a Teams webhook request is received" takes
`{"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
...}]}`; Teams renders Adaptive Cards up to schema 1.4 reliably, refuses messages over about 28 KB
(413) and does not support Action.Submit from a webhook; Office 365 connector URLs
(*.webhook.office.com) are being retired but still accepted while they work."""

import email.utils
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils.translation import gettext as _

CARD_VERSION = "1.4"
MAX_MESSAGE_BYTES = 28 * 1024
# Hosts of Power Automate Workflows webhooks, and of the retiring Office 365 connectors.
MICROSOFT_HOST_SUFFIXES = (
    ".logic.azure.com",
    ".environment.api.powerplatform.com",
    ".webhook.office.com",
)
CONNECT_TIMEOUT, READ_TIMEOUT = 3, 5  # seconds: a hanging webhook must not hold a worker


class WebhookURLError(ValueError):
    """The URL is not one we post to (scheme, host, credentials)."""


def _extra_hosts() -> set[str]:
    return {h.lower() for h in getattr(settings, "NOTIFICATIONS_WEBHOOK_EXTRA_HOSTS", [])}


def webhook_url_validate(url: str) -> str:
    """The URL, stripped, if it is an https URL of a Microsoft webhook host, or of a host allowed
    by NOTIFICATIONS_WEBHOOK_EXTRA_HOSTS (where plain http is accepted too, for a local receiver).
    Raises WebhookURLError with a reason a person can act on."""
    url = (url or "").strip()
    if not url or len(url) > 2000:
        raise WebhookURLError(_("Enter the webhook URL (at most 2,000 characters)."))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise WebhookURLError(_("This is not a valid URL.")) from error
    host = (parts.hostname or "").lower()
    if parts.username or parts.password:
        raise WebhookURLError(_("The URL must not contain a user name or password."))
    netloc = f"{host}:{port}" if port else host
    extra = _extra_hosts()
    if host in extra or netloc in extra:
        if parts.scheme not in ("https", "http"):
            raise WebhookURLError(_("The URL must start with https://."))
        return url
    if parts.scheme != "https":
        raise WebhookURLError(_("The URL must start with https://."))
    if not host.endswith(MICROSOFT_HOST_SUFFIXES):
        raise WebhookURLError(
            _(
                "This is not a Teams Workflows webhook: its host must end with "
                "logic.azure.com, environment.api.powerplatform.com or webhook.office.com."
            )
        )
    return url


def card_payload(*, title: str, text: str, facts, link: str, link_title: str) -> dict:
    """The Workflows message with one Adaptive Card: a bold title, a text, a fact set and one
    Action.OpenUrl button. Facts are dropped from the end until the message fits the size limit."""
    facts = [[str(k)[:200], str(v)[:500]] for k, v in facts]

    def build(shown):
        body = [
            {"type": "TextBlock", "text": title[:300], "weight": "Bolder", "wrap": True},
        ]
        if text:
            body.append({"type": "TextBlock", "text": text[:2000], "wrap": True})
        if shown:
            body.append({"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in shown]})
        content = {
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard",
            "version": CARD_VERSION,
            "body": body,
        }
        if link:
            content["actions"] = [{"type": "Action.OpenUrl", "title": link_title, "url": link}]
        return {
            "type": "message",
            "attachments": [
                {
                    "contentType": "application/vnd.microsoft.card.adaptive",
                    "contentUrl": None,
                    "content": content,
                }
            ],
        }

    payload = build(facts)
    while facts and len(json.dumps(payload).encode()) > MAX_MESSAGE_BYTES:
        facts = facts[:-1]
        payload = build(facts)
    return payload


@dataclass
class PostResult:
    outcome: str  # "sent", "retry", "gone", "failed"
    detail: str = ""
    retry_after: float | None = None  # seconds, when the webhook said


def _retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Retry-After is either seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def post(url: str, payload: dict) -> PostResult:
    """POST the payload; classify the answer. Never follows redirects (a webhook that redirects
    elsewhere is not the one the CoE configured)."""
    try:
        response = requests.post(
            url,
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
            timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
            allow_redirects=False,
        )
    except requests.Timeout:
        return PostResult("retry", _("The webhook did not answer in time."))
    except requests.RequestException as error:
        return PostResult("retry", _("Could not reach the webhook: %s") % type(error).__name__)
    code = response.status_code
    snippet = response.text[:200]
    if 200 <= code < 300:
        return PostResult("sent")
    if code in (404, 410):
        reason = _("The webhook answered %(code)s: it no longer exists.") % {"code": code}
        return PostResult("gone", reason)
    if code == 429 or code >= 500:
        return PostResult(
            "retry",
            f"HTTP {code}: {snippet}",
            _retry_after_seconds(response.headers.get("Retry-After"), datetime.now(UTC)),
        )
    return PostResult("failed", f"HTTP {code}: {snippet}")
