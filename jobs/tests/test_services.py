import time

import pytest
from django.db import transaction

from config.jobs import enqueue_on_commit, is_queued
from jobs import services
from jobs.models import Job
from stories.tasks import story_notify_author_task as notify_task

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_a_job_is_a_row_published_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_on_commit(notify_task, 7)
        job = Job.objects.get()
        assert (job.task, job.args, job.kwargs) == (
            "stories.tasks.story_notify_author_task",
            [7],
            {},
        )
        assert job.published_at is None  # not before commit
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.published_at is not None
    assert (job.attempts, job.last_error) == (0, "")
    assert not is_queued(notify_task, 7)


def test_a_rollback_leaves_no_job_and_publishes_nothing(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        enqueue_on_commit(notify_task, 7)
        raise RuntimeError("the form failed after the data was written")
    assert callbacks == []
    assert not Job.objects.exists()


def test_a_broker_that_refuses_leaves_the_job_waiting_and_the_request_fast(
    broker_at, django_capture_on_commit_callbacks
):
    broker_at(CLOSED_PORT)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(notify_task, 1)
        enqueue_on_commit(notify_task, 2)
    assert time.monotonic() - started < 1.0
    first, second = Job.objects.order_by("pk")
    assert first.published_at is None and first.attempts == 1
    assert "Connection refused" in first.last_error or "Error 111" in first.last_error
    # The second publish was not even tried: the broker had just failed in this process.
    assert (second.published_at, second.attempts) == (None, 0)
    assert is_queued(notify_task, 1) and is_queued(notify_task, 2)
    assert not is_queued(notify_task, 3)

    # Still down: the dispatcher stops at the first failure and keeps both.
    assert services.jobs_dispatch() == 0
    assert Job.objects.waiting().count() == 2

    broker_at("memory://")  # the broker answers again
    assert services.jobs_dispatch() == 2
    assert not Job.objects.waiting().exists()
    assert services.jobs_dispatch() == 0  # nothing is published twice


def test_publishing_a_published_or_missing_job_does_nothing():
    job = Job.objects.create(task="jobs.tasks.jobs_dispatch_task")
    assert services.job_publish(job.pk) is True
    assert services.job_publish(job.pk) is None
    assert services.job_publish(job.pk + 1000) is None


def test_the_dispatcher_forgets_jobs_published_days_ago(settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.JOBS_KEEP_PUBLISHED_DAYS = 2
    now = timezone.now()
    old = Job.objects.create(task="t", published_at=now - timedelta(days=3))
    recent = Job.objects.create(task="t", published_at=now - timedelta(days=1))
    services.jobs_dispatch()
    assert list(Job.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not Job.objects.filter(pk=old.pk).exists()


def test_waiting_jobs_use_the_partial_index_query(django_assert_num_queries):
    Job.objects.create(task="stories.tasks.story_notify_author_task", args=[5])
    # One query: EXISTS over the waiting jobs of this task and arguments.
    with django_assert_num_queries(1):
        assert is_queued(notify_task, 5)
