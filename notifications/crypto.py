"""Encryption at rest of Teams webhook URLs (they carry a signature that lets anyone post).

The key is NOTIFICATIONS_WEBHOOK_KEY (a Fernet key); without it, one derived from SECRET_KEY, so
that rotating SECRET_KEY without setting the key makes stored URLs unreadable (re-enter them)."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.utils.translation import gettext


class WebhookKeyError(Exception):
    """A stored webhook URL cannot be decrypted with the configured key."""


def _fernet() -> Fernet:
    key = getattr(settings, "NOTIFICATIONS_WEBHOOK_KEY", "")
    if not key:
        digest = hashlib.sha256(f"coehub-webhooks:{settings.SECRET_KEY}".encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    return Fernet(key)


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    """Raises WebhookKeyError when the key changed since the URL was stored."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise WebhookKeyError(
            gettext("The webhook URL cannot be decrypted: enter it again.")
        ) from error
