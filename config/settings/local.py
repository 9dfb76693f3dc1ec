"""Developer and demo defaults: DEBUG on; SQLite and a folder broker unless DATABASE_URL and
REDIS_URL say otherwise."""

import os

os.environ.setdefault("DEBUG", "true")
# A fixed key is fine for a local demo only; production.py refuses to start without SECRET_KEY.
os.environ.setdefault("SECRET_KEY", "local-development-key-not-for-production-use-0123456789")

from .base import *  # noqa: F403

# Serve static files straight from the app folders, without collectstatic.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The demo's Teams channel posts to a local receiver (`manage.py teams_receiver`, port 8199).
NOTIFICATIONS_WEBHOOK_EXTRA_HOSTS = NOTIFICATIONS_WEBHOOK_EXTRA_HOSTS or ["127.0.0.1:8199"]
