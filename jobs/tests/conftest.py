import pytest

from config.tests.redis_server import celery_broker
from jobs import services


@pytest.fixture
def broker_at(settings):
    """Point the Celery app at another broker URL (with the production transport options) for
    one test, then restore it and forget the outbox's back-off."""
    with celery_broker("memory://", {}) as app:

        def point(url: str) -> None:
            from config.tests.redis_server import forget_broker_connections

            app.conf.broker_url = url
            app.conf.broker_transport_options = (
                settings.REDIS_BROKER_TRANSPORT_OPTIONS if url.startswith("redis") else {}
            )
            services._skip_until = 0.0
            forget_broker_connections()

        yield point
    services._skip_until = 0.0
