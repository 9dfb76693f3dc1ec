"""The one-time tokens of the forms that were sent (see idempotency.middleware)."""

from django.conf import settings
from django.db import models


class FormToken(models.Model):
    """One sent form: its one-time token, who sent it and where the first answer led."""

    # Unique: of two requests carrying the same token (a double click, a resubmit after "Back"),
    # only the first can insert this row; the second waits for it and is turned away.
    token = models.UUIDField(unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    path = models.CharField(max_length=300)
    # Where the first request's answer redirected: the second is sent there too.
    location = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.path} {self.token}"
