"""Developer and demo defaults: SQLite and a folder broker unless DATABASE_URL and REDIS_URL say
otherwise. DEBUG stays off (the product's own 404/403/500 pages, no URL list for strangers) unless
a developer sets DEBUG=true."""

import os

# A fixed key is fine for a local demo only; production.py refuses to start without SECRET_KEY.
os.environ.setdefault("SECRET_KEY", "local-development-key-not-for-production-use-0123456789")

from .base import *  # noqa: F403

# Serve static files straight from the app folders, without collectstatic: whitenoise does it
# whatever DEBUG says, so runserver needs no --insecure.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The sign-in page lists the demo logins on a local installation only.
SHOW_DEMO_LOGINS = True
# The demo's Teams channel posts to a local receiver (`manage.py teams_receiver`, port 8199).
NOTIFICATIONS_WEBHOOK_EXTRA_HOSTS = NOTIFICATIONS_WEBHOOK_EXTRA_HOSTS or ["127.0.0.1:8199"]
