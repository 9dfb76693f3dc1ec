"""Benchmark of the reminder run, called by `manage.py bench` inside its scratch database: 10,000
people and 5,000 key results. Prints the selection time, its query count, the insert time, the
delivery rate of one batch and the peak memory."""

import random
import resource
import time
import tracemalloc
from datetime import timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone


def _people(count: int) -> list[int]:
    """Ids of `count` active people, making up the shortfall (bench has made 10,000 already)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    ids = list(User.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    missing = count - len(ids)
    if missing > 0:
        User.objects.bulk_create(
            User(username=f"reminder-bench-{i}", email=f"reminder-bench-{i}@example.org")
            for i in range(missing)
        )
        return _people(count)
    return ids[:count]


def _key_results(count: int, owner_ids: list[int]) -> None:
    """One active plan with `count` key results spread over the people: weekly, monthly and
    quarterly cadences, started at different dates, a third checked in recently, some done, and
    some people in far time zones."""
    from django.contrib.auth import get_user_model

    from strategy.models import CheckIn, KeyResult, Objective, Plan

    rng = random.Random(16)
    today = timezone.localdate()
    plan = Plan.objects.create(
        title="Reminder benchmark",
        vision="Everyone checks in.",
        starts_on=today - timedelta(days=200),
        ends_on=today + timedelta(days=200),
        owner_id=owner_ids[0],
        status="active",
    )
    objectives = Objective.objects.bulk_create(
        Objective(plan=plan, title=f"Objective {i}", order=i) for i in range(20)
    )
    key_results = KeyResult.objects.bulk_create(
        (
            KeyResult(
                objective=objectives[i % 20],
                title=f"Reminder key result {i}",
                baseline=0,
                target=100,
                current=Decimal(100 if i % 10 == 0 else rng.randint(0, 90)),  # a tenth done
                starts_on=today - timedelta(days=rng.randint(0, 120)),
                due_on=today + timedelta(days=rng.randint(10, 180)),
                owner_id=owner_ids[i * 2 % len(owner_ids)],
                check_in_frequency=rng.choice(["weekly", "weekly", "monthly", "quarterly"]),
            )
            for i in range(count)
        ),
        batch_size=2000,
    )
    now = timezone.now()
    CheckIn.objects.bulk_create(
        (
            CheckIn(
                key_result=kr, value=kr.current, created_at=now - timedelta(days=rng.randint(0, 40))
            )
            for kr in key_results
            if rng.random() < 0.33
        ),
        batch_size=5000,
    )
    get_user_model().objects.filter(pk__in=owner_ids[::7]).update(time_zone="Pacific/Auckland")
    get_user_model().objects.filter(pk__in=owner_ids[3::7]).update(time_zone="America/Los_Angeles")


def bench_reminders(*, stdout, people: int = 10_000, key_results: int = 5_000) -> None:
    from notifications.models import Notification
    from notifications.services import deliver_pending
    from notifications.services.outbox import bulk_insert
    from notifications.services.schedule import check_in_rows

    # Its people, key results and reminders are rolled back afterwards: a database kept by
    # `bench --keep` stays the organisation the other figures describe (500 key results).
    with transaction.atomic():
        owner_ids = _people(people)
        _key_results(key_results, owner_ids)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        now = timezone.now()
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            rows = check_in_rows(now)
        selected = time.perf_counter() - began
        # Memory in a second run: tracemalloc slows Python down several times.
        tracemalloc.start()
        check_in_rows(now)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as inserts:
            bulk_insert(rows)
        inserted = time.perf_counter() - began
        # Delivery of one batch to an in-memory mailbox: what the worker does per task, minus SMTP.
        Notification.objects.filter(status="pending").update(deliver_after=now)
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            NOTIFICATIONS_QUIET_HOURS=None,
        ):
            began = time.perf_counter()
            sent = deliver_pending(now=now, limit=200)
            delivered = time.perf_counter() - began
        max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        stdout.write(
            f"Reminder run for {len(owner_ids):,} people and {key_results:,} key results:\n"
            f"  selecting who is due: {selected:.2f} s, {len(queries)} SQL queries, "
            f"{len(rows):,} reminders\n"
            f"  inserting them into the outbox: {inserted:.2f} s, {len(inserts)} SQL queries\n"
            f"  delivering one batch of {sent} e-mails (in-memory mailbox): {delivered:.2f} s "
            f"({sent / delivered if delivered else 0:.0f} per second)\n"
            f"  peak Python memory while selecting (tracemalloc): {peak / 1024 / 1024:.1f} MB; "
            f"peak resident memory of the process: {max_rss_mb:.0f} MB"
        )
        transaction.set_rollback(True)


def fill_inboxes(stdout, *, per_person: int = 30, bench_inbox: int = 2_000) -> int:
    """Kept notifications for the crawl and the load (`bench_pages`): `per_person` for everyone
    (a few months of reminders, nearly all read and sent, one in a hundred failed) and
    `bench_inbox` for each person the crawl signs in as, a tenth of them unread. Written by the
    database in one statement each (300,000 rows in seconds). Returns the number of rows."""
    from notifications.models import Notification
    from reports.bench_pages import ROLES, bench_user

    bench_ids = [bench_user(role).pk for role in ROLES]
    began = time.perf_counter()
    sql = f"""
        INSERT INTO {Notification._meta.db_table}
            (uuid, recipient_id, kind, subject_key, due_on, title, body, link, data, created_at,
             read_at, status, deliver_after, attempts, sent_at, error)
        SELECT gen_random_uuid(), person.id,
               (ARRAY['checkin_due', 'checkin_overdue', 'story_published', 'kr_off_track'])[n %% 4 + 1],
               'bench:' || n, CURRENT_DATE - n, 'Check-in due: key result ' || n,
               'Your key result is waiting for this week''s figure.', '/strategy/', '{{}}'::jsonb,
               now() - n * interval '1 day',
               CASE WHEN n %% 10 = 0 AND n < %(unread_below)s THEN NULL ELSE now() END,
               CASE WHEN n %% 100 = 7 THEN 'failed' ELSE 'sent' END,
               now() - n * interval '1 day', 1,
               CASE WHEN n %% 100 = 7 THEN NULL ELSE now() - n * interval '1 day' END,
               CASE WHEN n %% 100 = 7 THEN 'SMTP 550: mailbox unavailable' ELSE '' END
        FROM accounts_user person CROSS JOIN generate_series(1, %(count)s) n
        WHERE (person.id = ANY(%(bench)s)) = %(for_bench)s
    """  # noqa: E501, S608 (the table name is the model's own)
    rows = 0
    with connection.cursor() as cursor:
        for count, for_bench in ((per_person, False), (bench_inbox, True)):
            cursor.execute(
                sql,
                {"count": count, "bench": bench_ids, "for_bench": for_bench, "unread_below": 400},
            )
            rows += cursor.rowcount
        cursor.execute(f"ANALYZE {Notification._meta.db_table}")
    stdout.write(
        f"Notifications kept for the pages: {rows:,} rows ({per_person} for each person, "
        f"{bench_inbox:,} for each signed-in crawler) in {time.perf_counter() - began:.1f} s"
    )
    return rows
