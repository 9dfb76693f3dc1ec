"""The job outbox: every background task is first a row, written with the data it works on."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobQuerySet(models.QuerySet):
    def waiting(self):
        """Jobs not yet handed to the broker (the publish after commit failed or was skipped)."""
        return self.filter(published_at__isnull=True)

    def for_task(self, task_name: str, *args):
        """Jobs of one task with exactly these positional arguments."""
        return self.filter(task=task_name, args=list(args))


class Job(models.Model):
    """One Celery task to publish: written in the transaction that creates its data, published
    after commit, and published again by the dispatcher while the broker did not take it."""

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text=_("Failed publishes so far."))
    last_error = models.CharField(max_length=255, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        indexes = [
            # The dispatcher's and the pages' only question: what is still waiting? A partial
            # index stays as small as the backlog, however many jobs were published.
            models.Index(
                fields=["task", "created_at"],
                condition=Q(published_at__isnull=True),
                name="jobs_job_waiting",
            ),
            models.Index(fields=["published_at"], name="jobs_job_published"),
        ]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"
