"""Crawl benchmark: every page and API list of the product, as every role that may read it.

The pages are found, not listed: every route of the URL conf that takes no argument (API lists
included), plus whatever those pages link to, followed breadth-first. Pages of one shape (the same
path once ids, UUIDs and slugs of objects are left out) are visited at most `per_shape` times, so
the crawl stays bounded however large the organisation is. A page added to the product is picked up
by the next run.

For each page and role the benchmark times `runs` first visits (nothing kept in the cache for the
current data version: the cost of the first visitor after a change, once beat's minute job has
prepared the dashboards read first; reports.prepared) and `runs` repeat visits through Django's test
client against the real views, with the query count and the time spent in the database driver.
Python's garbage is collected before each timed visit, so a collection of what earlier pages left
behind is not charged to whichever page it falls on. `load()` then puts concurrent sessions on a
running server (gunicorn on loopback) and reports requests per second and latency percentiles, each
page beside a trivial signed-in page measured in the same run."""

import gc
import http.client
import logging
import re
import statistics
import threading
import time
from collections import Counter, deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlparse

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from accounts.models import BusinessUnit, User
from accounts.policy import ROLE_GROUPS, Role
from config import figures_cache

from .bench_dashboard import SqlClock, p95
from .prepared import prepare_dashboards

LINK = re.compile(r'href="([^"]+)"')
ID_SEGMENT = re.compile(r"/(\d+|[0-9a-f]{8}-[0-9a-f-]{27,}|[0-9a-f]{32})(?=/|$)")
# Not pages of the product (files, the API's own documentation, Django's admin) or not safe to
# open as a crawler (sign-out ends the session; history and delete pages are forms for one row).
SKIP_PREFIXES = ("/static/", "/media/", "/api/docs/", "/api/schema/", "/admin/", "/favicon.ico",
                 "/accounts/sign-out/")  # fmt: skip
SKIP_PARTS = ("/history/", "/delete/", "/password/")
ROLES = [Role.EXECUTIVE, Role.COE_LEAD, Role.MAKER, Role.ADMIN]


def shape(url: str) -> str:
    """The path with ids and UUIDs left out: pages of one shape cost alike."""
    return ID_SEGMENT.sub("/<id>", urlparse(url).path)


def route_of(url: str) -> str:
    """The URL conf's route that answers `url` (``/stories/<slug:slug>/``), for grouping."""
    path = urlparse(url).path
    try:
        match = resolve(path)
    except Resolver404:
        return path
    return "/" + match.route.replace("^", "").replace("$", "")


def _walk(patterns, prefix: str = ""):
    for pattern in patterns:
        text = str(pattern.pattern).lstrip("^").rstrip("$")
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + text)
        elif isinstance(pattern, URLPattern):
            yield prefix + text


def parameterless_urls() -> list[str]:
    """Every route of the URL conf that needs no argument (pages, forms and API lists)."""
    urls = []
    for route in _walk(get_resolver().url_patterns):
        if "<" in route or "(" in route or "\\" in route or "?" in route:
            continue  # needs an object (found through links instead) or a format suffix
        url = "/" + route
        if not url.startswith(SKIP_PREFIXES):
            urls.append(url)
    return sorted(set(urls))


def crawl(client: Client, start: str = "/", per_shape: int = 3, seeds=()) -> dict[str, int]:
    """Follow every same-site link from `start` and `seeds` (GET only); url -> status code."""
    seen: dict[str, int] = {}
    shapes: Counter = Counter()
    queue = deque([start, *seeds])
    while queue:
        url = queue.popleft()
        if url in seen or shapes[shape(url)] >= per_shape:
            continue
        shapes[shape(url)] += 1
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code != 200 or response.streaming:
            continue
        if "html" not in response.get("Content-Type", ""):
            continue
        for href in LINK.findall(response.content.decode()):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            parsed = urlparse(href)
            if parsed.scheme or parsed.netloc or not href.startswith("/"):
                continue
            if href.startswith(SKIP_PREFIXES) or any(part in href for part in SKIP_PARTS):
                continue
            if href not in seen:
                queue.append(href)
    return seen


def bench_user(role: Role) -> User:
    """A person of `role` to sign in with, created once in the database being measured."""
    unit = BusinessUnit.objects.filter(parent__isnull=True).order_by("name").first()
    user, _ = User.objects.get_or_create(
        username=f"bench-{role.value}", defaults={"first_name": "Bench", "business_unit": unit}
    )
    user.groups.set([Group.objects.get_or_create(name=ROLE_GROUPS[role])[0]])
    return user


@dataclass
class PageTiming:
    url: str
    route: str
    role: str
    first: list[float] = field(default_factory=list)
    repeat: list[float] = field(default_factory=list)
    sql: list[float] = field(default_factory=list)
    queries: int = 0
    content_type: str = ""
    changed_data: bool = False  # reading it bumped the figures' data version

    @property
    def is_file(self) -> bool:
        """A download (PDF, CSV), not a page: its own row, not held to a page's target."""
        return not any(kind in self.content_type for kind in ("html", "json"))

    @property
    def sql_share(self) -> float:
        return statistics.median(self.sql) / max(statistics.median(self.first), 1e-9)


@contextmanager
def quiet(*names: str):
    """Refusals (403, 404, 405) are expected while crawling as every role: keep them out of the
    log."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


@override_settings(ALLOWED_HOSTS=["testserver"])
def time_pages(*, roles=ROLES, runs: int = 5, per_shape: int = 2) -> list[PageTiming]:
    """Crawl as each role, then time every page found that the role may read (status 200).

    A page read (GET) should change no figure data; one that bumps the data version anyway is
    marked (`changed_data`) and printed, and the dashboards are prepared again after it, as
    beat's minute job would, so that it does not spoil the first visits of later pages."""
    timings: list[PageTiming] = []
    seeds = parameterless_urls()
    for role in roles:
        client = Client()
        client.force_login(bench_user(role))
        with quiet("django.request", "django.security"):
            found = crawl(client, per_shape=per_shape, seeds=seeds)
        prepare_dashboards()  # as beat's minute job keeps them
        # What exists now (the crawl's pages and links) is left out of later collections, which
        # then cost what the timed page left behind, not the size of the crawl.
        gc.collect()
        gc.freeze()
        for url, status in found.items():
            if status != 200 or url.endswith("?"):
                continue  # refused to this role, or the same page as without the "?"
            timing = PageTiming(url=url, route=route_of(url), role=role.label)
            version = figures_cache.version()
            for _ in range(runs):
                figures_cache.forget_entries()
                gc.collect()  # the garbage of earlier pages is not this page's cost
                clock = SqlClock()
                with (
                    CaptureQueriesContext(connection) as captured,
                    connection.execute_wrapper(clock),
                ):
                    began = time.perf_counter()
                    response = client.get(url)
                    timing.first.append(time.perf_counter() - began)
                timing.sql.append(clock.seconds)
                timing.queries = max(timing.queries, len(captured))
                timing.content_type = response.get("Content-Type", "")
            for _ in range(runs):
                gc.collect()
                began = time.perf_counter()
                client.get(url)
                timing.repeat.append(time.perf_counter() - began)
            if figures_cache.version() != version:
                timing.changed_data = True
                prepare_dashboards()
            timings.append(timing)
        gc.unfreeze()
    cache.clear()
    return timings


def slowest_per_route(timings: list[PageTiming]) -> list[PageTiming]:
    """For each route and role, the page of that route that was slowest on a first visit."""
    slowest: dict[tuple[str, str], PageTiming] = {}
    for t in timings:
        key = (t.route, t.role)
        if key not in slowest or p95(t.first) > p95(slowest[key].first):
            slowest[key] = t
    return list(slowest.values())


def print_pages(stdout, timings: list[PageTiming]) -> None:
    """A table (the slowest page of each route and role, slowest first) and the pages that miss
    the targets: p95 over 100 ms on a first visit, or more than 20 queries."""
    stdout.write(
        f"{'page (route)':<56} {'role':<10} {'first med':>9} {'first p95':>9} "
        f"{'again p95':>9} {'queries':>7} {'SQL ms':>7} {'SQL %':>5}"
    )
    for t in sorted(slowest_per_route(timings), key=lambda t: (t.is_file, -p95(t.first))):
        stdout.write(
            f"{t.url[:56]:<56} {t.role[:10]:<10} {statistics.median(t.first) * 1000:>9.1f} "
            f"{p95(t.first) * 1000:>9.1f} {p95(t.repeat) * 1000:>9.1f} {t.queries:>7} "
            f"{statistics.median(t.sql) * 1000:>7.1f} {t.sql_share * 100:>5.0f}"
        )
    pages = [t for t in timings if not t.is_file]
    slow = [t for t in pages if p95(t.first) > 0.100]
    chatty = [t for t in pages if t.queries > 20]
    stdout.write(
        f"{len(pages)} pages timed ({len({t.route for t in pages})} routes) and "
        f"{len(timings) - len(pages)} downloads; pages over 100 ms p95 on a first visit: "
        f"{len(slow)}; over 20 queries: {len(chatty)}."
    )
    for t in slow + chatty:
        stdout.write(f"  over target: {t.url} as {t.role}")
    writers = [t for t in timings if t.changed_data]
    stdout.write(f"Pages whose reading changed the figures' data version: {len(writers)}.")
    for t in writers:
        stdout.write(f"  changed the data version: {t.url} as {t.role}")


# Load ----------------------------------------------------------------------------------------


@dataclass
class LoadResult:
    url: str
    sessions: int
    seconds: float
    latencies: list[float]
    errors: int

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies) or [0.0]
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def load(host: str, port: int, url: str, cookie: str, *, sessions: int, seconds: float):
    """`sessions` clients, each on its own keep-alive connection, GET `url` for `seconds`."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def session():
        nonlocal errors
        conn = http.client.HTTPConnection(host, port, timeout=10)
        mine, failed = [], 0
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            try:
                conn.request("GET", url, headers={"Cookie": cookie, "Host": host})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
                else:
                    mine.append(time.perf_counter() - began)
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=10)
            except (OSError, http.client.HTTPException):
                failed += 1
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=10)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors += failed

    started = time.perf_counter()
    threads = [threading.Thread(target=session) for _ in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return LoadResult(url, sessions, time.perf_counter() - started, latencies, errors)


def print_load(stdout, results: list[LoadResult], baseline: dict[int, LoadResult]) -> None:
    """Requests per second and latency percentiles, each beside the trivial page's rate."""
    stdout.write(
        f"{'page':<40} {'sessions':>8} {'req/s':>7} {'x trivial':>9} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'p99 ms':>7} {'errors':>6}"
    )
    for r in results:
        ratio = r.rate / max(baseline[r.sessions].rate, 1e-9)
        stdout.write(
            f"{r.url[:40]:<40} {r.sessions:>8} {r.rate:>7.1f} {ratio:>9.2f} "
            f"{r.percentile(0.5) * 1000:>7.1f} {r.percentile(0.95) * 1000:>7.1f} "
            f"{r.percentile(0.99) * 1000:>7.1f} {r.errors:>6}"
        )
