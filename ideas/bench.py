"""Benchmark of the ideas backlog on whatever PostgreSQL database is connected (the scratch
organisation of `manage.py bench`): 10,000 ideas and 200,000 votes, then the backlog page sorted
by score and the duplicate suggestions, through Django's test client against the real views.
Prints median and p95 and the query counts, and checks that the stored vote counts and scores
equal a fresh computation from the raw votes."""

import csv
import io
import random
import statistics
import time

from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import BusinessUnit, User
from accounts.policy import ROLE_GROUPS, Role
from strategy.models import KeyResult

from . import services
from .models import Idea, IdeaKeyResult, IdeaVote, ScoreWeights

BENCH_USER = "ideas-bench-maker"
WORDS = [
    "invoice", "approval", "expense", "claim", "timesheet", "holiday", "request", "onboarding",
    "laptop", "visitor", "badge", "warehouse", "stock", "count", "delivery", "note",
    "supplier", "contract", "renewal", "purchase", "order", "field", "inspection", "safety",
    "checklist", "customer", "complaint", "refund", "quote", "training", "booking", "room",
    "meeting", "minutes", "incident", "report", "asset", "register", "overtime", "shift",
    "rota", "mileage",
]  # fmt: skip


def _vocabulary(rng, size: int = 2000) -> list[str]:
    """Made-up words for titles and descriptions (real ones do not all share 40 words)."""
    syllables = ["ka", "lo", "mi", "ren", "tas", "vo", "pel", "dun", "sir", "gat", "bro", "ne"]
    return ["".join(rng.choices(syllables, k=3)) for _ in range(size)]


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _line(label: str, samples: list[float], queries: int, sql: list[float]) -> str:
    return (
        f"{label}: median {statistics.median(samples) * 1000:.1f} ms, "
        f"p95 {_p95(samples) * 1000:.1f} ms, {queries} queries "
        f"(SQL: median {statistics.median(sql) * 1000:.1f} ms, p95 {_p95(sql) * 1000:.1f} ms)"
    )


class _SqlClock:
    """An execute wrapper adding up the time spent in the database driver."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - began


def _copy(table: str, columns: list[str], rows) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)", buffer
        )


def generate(*, ideas: int, votes: int, seed: int = 2026) -> None:
    """Add `ideas` ideas (a few linked to key results) and `votes` distinct votes, then store
    vote counts, scores and search vectors as the services would."""
    rng = random.Random(seed)
    unit_ids = list(BusinessUnit.objects.values_list("pk", flat=True))
    user_ids = list(User.objects.values_list("pk", flat=True))
    if not unit_ids or not user_ids:
        raise RuntimeError("The ideas benchmark needs business units and users first.")
    statuses = ["new"] * 5 + ["under_review"] * 2 + ["accepted", "in_build", "delivered"]
    now = timezone.now()
    vocabulary = _vocabulary(rng)
    batch = []
    for _ in range(ideas):
        # Two domain words and two of a wider vocabulary: titles in a real backlog of 10,000
        # ideas do not all come from the same 40 words.
        title = " ".join(rng.sample(WORDS, 2) + rng.sample(vocabulary, 2)).capitalize()
        batch.append(
            Idea(
                title=title,
                pain_point=" ".join(rng.choices(WORDS, k=3) + rng.choices(vocabulary, k=27)),
                process=" ".join(rng.sample(WORDS, 2)),
                business_unit_id=rng.choice(unit_ids),
                author_id=rng.choice(user_ids),
                status=rng.choice(statuses),
                people_affected=rng.randint(1, 500),
                minutes_now=rng.randint(5, 60),
                potential_value_year=rng.randint(0, 200_000),
                potential_hours_year=rng.randint(0, 4000),
                effort=rng.choice(["", "s", "m", "l"]),
                risk=rng.randint(0, 3),
                submitted_at=now,
            )
        )
    created = Idea.objects.bulk_create(batch, batch_size=2000)
    kr_ids = list(KeyResult.objects.alive().values_list("pk", flat=True)[:200])
    if kr_ids:
        IdeaKeyResult.objects.bulk_create(
            (IdeaKeyResult(idea=idea, key_result_id=rng.choice(kr_ids)) for idea in created[::3]),
            batch_size=5000,
            ignore_conflicts=True,
        )
    # Distinct (idea, user) pairs: each idea gets votes from a random slice of the people.
    per_idea = max(1, votes // max(1, len(created)))
    rows = []
    for idea in created:
        start = rng.randrange(len(user_ids))
        for k in range(min(per_idea, len(user_ids))):
            rows.append((idea.pk, user_ids[(start + k) % len(user_ids)], now.isoformat()))
    _copy("ideas_ideavote", ["idea_id", "user_id", "created_at"], rows)
    services.ideas_rescore_all()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ideas_idea SET search_vector = "
            "setweight(to_tsvector('english', title), 'A') || "
            "setweight(to_tsvector('english', process), 'B') || "
            "setweight(to_tsvector('english', pain_point), 'C')"
        )
        # As autovacuum would after a bulk load: statistics and the visibility map (not when a
        # test builds a small backlog inside a transaction).
        if not connection.in_atomic_block:
            cursor.execute("VACUUM ANALYZE ideas_idea")
            cursor.execute("VACUUM ANALYZE ideas_ideavote")
            cursor.execute("ANALYZE ideas_ideakeyresult")


def _client() -> Client:
    user, _ = User.objects.get_or_create(username=BENCH_USER, defaults={"first_name": "Bench"})
    user.groups.add(Group.objects.get_or_create(name=ROLE_GROUPS[Role.MAKER])[0])
    client = Client()
    client.force_login(user)
    return client


def _time(client, url, params, runs) -> tuple[list[float], int, list[float]]:
    """Server time of `runs` requests, the query count and the SQL time of each."""
    samples, queries, sql = [], 0, []
    for _ in range(runs):
        clock = _SqlClock()
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(clock):
            began = time.perf_counter()
            response = client.get(url, params)
            samples.append(time.perf_counter() - began)
        assert response.status_code == 200, response.status_code
        queries = len(captured)
        sql.append(clock.seconds)
    return samples, queries, sql


def check_denormalised(sample: int = 500) -> int:
    """Compare stored vote counts and scores with the raw computation on `sample` ideas; returns
    the number that differ (0 expected)."""
    weights = ScoreWeights.current()
    wrong = 0
    for idea in Idea.objects.order_by("?")[:sample]:
        raw_votes = IdeaVote.objects.filter(idea=idea).count()
        idea_votes, idea.vote_count = idea.vote_count, raw_votes
        fresh = services.idea_breakdown(idea, weights).total
        wrong += int(raw_votes != idea_votes or fresh != idea.score)
    return wrong


@override_settings(ALLOWED_HOSTS=["*"], DEBUG=False)
def bench_ideas(stdout, *, ideas: int = 10_000, votes: int = 200_000, runs: int = 30) -> None:
    """Generate the backlog (unless the database already holds that many ideas) and time it."""
    if Idea.objects.count() < ideas:
        began = time.perf_counter()
        generate(ideas=ideas, votes=votes)
        stdout.write(
            f"Ideas: generated {Idea.objects.count():,} ideas and "
            f"{IdeaVote.objects.count():,} votes in {time.perf_counter() - began:.1f} s"
        )
    client = _client()
    url = reverse("ideas:idea_list")
    _time(client, url, {}, 3)  # warm up
    stdout.write(_line("Backlog sorted by score, page 1", *_time(client, url, {}, runs)))
    stdout.write(_line("Backlog sorted by score, page 40", *_time(client, url, {"page": 40}, runs)))
    unit = BusinessUnit.objects.order_by("pk").first()
    filtered = _time(client, url, {"unit": unit.slug, "status": "new"}, runs)
    stdout.write(_line("Backlog filtered by unit and status", *filtered))
    similar = reverse("ideas:idea_similar")
    texts = [" ".join(random.Random(n).sample(WORDS, 3)) for n in range(runs)]
    samples, queries, sql = [], 0, []
    for text in texts:
        one, queries, one_sql = _time(client, similar, {"q": text}, 1)
        samples, sql = samples + one, sql + one_sql
    stdout.write(_line("Duplicate suggestions while typing", samples, queries, sql))
    stdout.write(
        f"Stored vote counts and scores that differ from the raw ones: {check_denormalised()}"
    )
