"""Publishing Celery tasks from services without ever hanging or failing the request."""

from jobs.services import job_enqueue, job_is_waiting


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Publish `task` once the current transaction commits (a rollback publishes nothing).

    The job is first a row of the outbox (jobs app), written in the caller's transaction, so a
    broker that is down or hung loses nothing: the publish after commit is bounded to well under
    a second, and the dispatcher publishes what is still waiting every few seconds."""
    job_enqueue(task.name, args, kwargs)


def is_queued(task, *args) -> bool:
    """True when `task` with these arguments is saved but not yet handed to the broker."""
    return job_is_waiting(task.name, *args)
