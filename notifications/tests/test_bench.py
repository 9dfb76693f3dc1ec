"""The kept inboxes of `manage.py bench` (the crawl reads them): their counts by hand."""

import io

import pytest
from django.db import connection

from accounts.tests.factories import UserFactory
from notifications.bench import fill_inboxes
from notifications.models import Notification
from reports.bench_pages import Role, bench_user

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the benchmark (and so its bulk insert) runs on PostgreSQL only",
    ),
]


def test_fill_inboxes_gives_everyone_their_share_and_the_crawlers_more():
    people = UserFactory.create_batch(3)
    out = io.StringIO()

    rows = fill_inboxes(out, per_person=12, bench_inbox=40)

    crawler = bench_user(Role.MAKER)
    assert rows == 3 * 12 + 4 * 40  # three people, four crawlers (one per role)
    assert Notification.objects.count() == rows
    mine = Notification.objects.for_person(people[0])
    assert mine.count() == 12
    assert mine.unread().count() == 1  # n = 10
    assert mine.failed().count() == 1  # n = 7
    theirs = Notification.objects.for_person(crawler)
    assert theirs.count() == 40
    assert theirs.unread().count() == 4  # n = 10, 20, 30, 40
    assert list(theirs.values_list("title", flat=True)[:2]) == [
        "Check-in due: key result 1",  # the newest first
        "Check-in due: key result 2",
    ]
    assert "196 rows" in out.getvalue()
