"""Publishing Celery tasks from web requests without ever hanging or failing the request."""

import logging

from django.db import transaction
from kombu.exceptions import KombuError, OperationalError

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Publish `task` once the current transaction commits (a rollback publishes nothing).

    A broker that is down or hung must not turn a saved form into an error page: the broker
    socket timeouts in settings bound the wait, and a failed publish is logged here. Work that
    must not be lost is also recorded in the database (a run row in a pending state), and a
    periodic sweep publishes what is still pending."""

    def publish() -> None:
        try:
            task.apply_async(args=args, kwargs=kwargs)
        except (OperationalError, KombuError, OSError, TimeoutError):
            logger.exception("Could not publish %s; the periodic sweep will retry it.", task.name)

    transaction.on_commit(publish)
