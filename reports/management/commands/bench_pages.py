"""Time every page and API list as every role on the configured database, then load the busiest
pages on a gunicorn server on loopback (see reports.bench_pages)."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client

from accounts.policy import Role
from reports import bench_pages

# The pages people open most (by role: executives, CoE leads, makers), and the trivial signed-in
# page that every rate is compared with.
BUSIEST = [
    "/", "/dashboard/", "/api/v1/dashboard/", "/stories/", "/strategy/", "/value/",
    "/value/solutions/", "/assessments/", "/strategy/kpis/", "/reports/",
]  # fmt: skip
TRIVIAL = "/accounts/password/change/done/"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Command(BaseCommand):
    help = "Time every page and API list as every role; optionally load the busiest pages."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5, help="Visits per page and role.")
        parser.add_argument("--per-shape", type=int, default=2, help="Pages of one shape.")
        parser.add_argument(
            "--load-seconds", type=float, default=0, help="Seconds per load step (0: no load)."
        )
        parser.add_argument("--sessions", default="8,32", help="Concurrent sessions per step.")
        parser.add_argument("--workers", type=int, default=5, help="gunicorn sync workers.")

    def handle(self, *args, **options):
        self.stdout.write(f"Pages and API lists, {options['runs']} first and repeat visits each:")
        timings = bench_pages.time_pages(runs=options["runs"], per_shape=options["per_shape"])
        bench_pages.print_pages(self.stdout, timings)
        if options["load_seconds"] > 0:
            sessions = [int(n) for n in options["sessions"].split(",")]
            self._load(options["load_seconds"], sessions, options["workers"])

    def _load(self, seconds: float, sessions: list[int], workers: int) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("The load step needs PostgreSQL (gunicorn shares the database).")
        client = Client()
        client.force_login(bench_pages.bench_user(Role.EXECUTIVE))
        cookie = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
        port = _free_port()
        db = connection.settings_dict
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}",
            "DEBUG": "false",
        }
        server = subprocess.Popen(  # noqa: S603 - a fixed command line
            [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi", "--bind",
             f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"],
            env=env, cwd=settings.BASE_DIR,
        )  # fmt: skip
        try:
            self._wait_until_up(port)
            for url in [TRIVIAL, *BUSIEST]:  # warm every worker's imports and caches once
                bench_pages.load("127.0.0.1", port, url, cookie, sessions=workers, seconds=0.5)
            for count in sessions:
                self.stdout.write(f"Load: {count} concurrent sessions, {seconds:.0f} s per page")
                baseline = bench_pages.load(
                    "127.0.0.1", port, TRIVIAL, cookie, sessions=count, seconds=seconds
                )
                results = [baseline] + [
                    bench_pages.load(
                        "127.0.0.1", port, url, cookie, sessions=count, seconds=seconds
                    )
                    for url in BUSIEST
                ]
                bench_pages.print_load(self.stdout, results, {count: baseline})
        finally:
            server.terminate()
            server.wait(timeout=30)

    def _wait_until_up(self, port: int) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                return
            except urllib.error.HTTPError:
                return  # it answers (503: the broker is down, which the pages do not need)
            except OSError:
                time.sleep(0.5)
        raise CommandError("gunicorn did not answer within 60 s.")
