"""Test marks shared by the apps."""

import pytest
from django.conf import settings

# Two writers at once, each in its own thread and transaction: SQLite takes one writer at a time
# and has no row locks (SELECT ... FOR UPDATE), so the race these tests stage cannot happen there.
# CI runs them on PostgreSQL.
CONCURRENT_WRITERS = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="two concurrent writers need PostgreSQL's row locks; SQLite serialises all writes",
)
