"""Timing of the executive dashboard on whatever database is connected: the page and its API
counterpart, for the whole organisation and for one unit, through Django's test client against
the real views. Called by `manage.py bench_dashboard` and, on its scratch organisation, by
`manage.py bench`.

For each request it reports the median and p95 of the server time over `runs` requests with the
figures computed every time (cache cleared, nothing prepared: the first visit after a change, before
beat's minute job has prepared the dashboard again), prepared (the first visit after that job:
reports.prepared) and cached (every later visit), the SQL query count, and beside it the time of the
raw SQL aggregates that feed the page (the time spent in the database driver while
`dashboard_figures()` runs) and of `dashboard_figures()` itself (SQL and assembly, no rendering)."""

import statistics
import time

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from accounts.models import User
from accounts.policy import ROLE_GROUPS, Role
from config import figures_cache

from . import dashboard
from .prepared import prepare_dashboards

BENCH_USER = "dashboard-bench-executive"


def _executive() -> User:
    """An executive to sign in with (created once in the database being measured)."""
    user, _ = User.objects.get_or_create(username=BENCH_USER, defaults={"first_name": "Bench"})
    user.groups.add(Group.objects.get_or_create(name=ROLE_GROUPS[Role.EXECUTIVE])[0])
    return user


class SqlClock:
    """An execute wrapper that adds up the time spent in the database driver's execute."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - began


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _line(label: str, samples: list[float]) -> str:
    return (
        f"{label}: median {statistics.median(samples) * 1000:.1f} ms, "
        f"p95 {p95(samples) * 1000:.1f} ms"
    )


def _time_requests(client: Client, url: str, params: dict, runs: int, *, cold: str = ""):
    """`cold`: "computed" (nothing cached or prepared), "prepared" (nothing cached, the
    dashboard prepared for the current data), or "" (a repeat visit)."""
    samples, queries = [], 0
    for _ in range(runs):
        if cold == "computed":
            cache.clear()  # the data version too: no prepared dashboard is current
        elif cold == "prepared":
            figures_cache.forget_entries()
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.get(url, params)
            samples.append(time.perf_counter() - began)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        queries = len(captured)
    return samples, queries


def time_dashboard(stdout, unit_slug: str, runs: int = 20) -> dict:
    """Print (to `stdout`) and return the timings for the organisation and for `unit_slug`."""
    runs = max(runs, 20)
    client = Client()
    client.force_login(_executive())
    units = dashboard.unit_choices()
    dashboard.resolve_unit(unit_slug, units)  # fails loudly on an unknown slug
    results = {}
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        for scope, params in (("organisation", {}), (f"unit {unit_slug}", {"unit": unit_slug})):
            stdout.write(f"Executive dashboard, {scope}, this quarter, {runs} requests each:")
            raw, figures_times = [], []
            for _ in range(runs):
                unit = dashboard.resolve_unit(params.get("unit"), units)
                sql = SqlClock()
                with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(sql):
                    began = time.perf_counter()
                    dashboard.dashboard_figures(unit=unit, units=units)
                    figures_times.append(time.perf_counter() - began)
                raw.append(sql.seconds)
            stdout.write(
                f"  {_line('raw SQL aggregates (time in the database driver)', raw)}, "
                f"{len(captured)} queries\n"
                f"  {_line('dashboard_figures() (SQL and assembly)', figures_times)}"
            )
            for name, url in (("page", "/dashboard/"), ("API", "/api/v1/dashboard/")):
                cold, cold_queries = _time_requests(client, url, params, runs, cold="computed")
                prepare_dashboards()  # what beat's minute job does after a change
                ready, ready_queries = _time_requests(client, url, params, runs, cold="prepared")
                warm, warm_queries = _time_requests(client, url, params, runs)
                ratio = statistics.median(cold) / statistics.median(raw)
                ready_ratio = statistics.median(ready) / statistics.median(raw)
                stdout.write(
                    f"  {_line(name + ', first visit, computed', cold)}, {cold_queries} queries, "
                    f"{ratio:.2f} x the raw SQL\n"
                    f"  {_line(name + ', first visit, prepared', ready)}, {ready_queries} "
                    f"queries, {ready_ratio:.2f} x the raw SQL\n"
                    f"  {_line(name + ', repeat visit (cached)', warm)}, {warm_queries} queries"
                )
                results[(scope, name)] = {
                    "cold_median": statistics.median(cold),
                    "cold_p95": p95(cold),
                    "ready_median": statistics.median(ready),
                    "ready_p95": p95(ready),
                    "warm_median": statistics.median(warm),
                    "warm_p95": p95(warm),
                    "queries": cold_queries,
                    "raw_median": statistics.median(raw),
                }
    cache.clear()
    return results
