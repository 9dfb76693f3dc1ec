"""Test settings: fast hashing, mail kept in memory, tasks published to an in-memory broker."""

import os

os.environ.setdefault("SECRET_KEY", "test-key-not-for-production-use-0123456789-abcdefghij")

from .base import *  # noqa: F403
from .base import REDIS_URL, VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "test-media"
# Tests that need a real broker and worker read TEST_REDIS_URL and configure the app themselves;
# everything else publishes into memory so that no stray message waits in a shared Redis.
TEST_REDIS_URL = REDIS_URL
# Each test starts with an empty cache of its own (a shared Redis cache would carry figures from
# one test into the next); the Redis cache is tested by overriding this in its own test.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_BROKER_URL = "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
# No collected static files in tests: whitenoise serves from the app folders.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
