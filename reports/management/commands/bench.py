"""Benchmark: an enterprise-scale organisation on PostgreSQL, then the quarterly ROI report.

The data goes into a database of its own, created for the run and dropped afterwards (the
database you work in is never touched). Prints the time to generate the data, the median time of
several report runs, the SQL query count and the peak memory."""

import csv
import io
import json
import random
import resource
import statistics
import time
import tracemalloc
import uuid
from datetime import date, timedelta
from decimal import Decimal

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, models
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ideas.bench import bench_ideas
from inventory.bench import bench_inventory

KINDS = ["canvas_app", "model_driven_app", "cloud_flow", "desktop_flow", "power_bi_report",
         "copilot_agent", "power_pages_site"]  # fmt: skip
SOURCES = ["maker_estimate", "measured", "coe_verified"]


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    """Stream rows into `table` with COPY, in batches of 100,000 ("NULL" marks a null).

    Columns that the rows leave out get their model field's default (or "" for text), so a
    field added to a model later does not break the benchmark with a NOT NULL violation."""
    extras = _defaults(table, columns)
    columns = columns + [column for column, _ in extras]
    batch = []

    def flush():
        buffer = io.StringIO()
        csv.writer(buffer).writerows(batch)
        buffer.seek(0)
        cursor.copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL 'NULL')", buffer
        )
        batch.clear()

    for row in rows:
        batch.append(list(row) + [_csv_value(default()) for _, default in extras])
        if len(batch) >= 100_000:
            flush()
    if batch:
        flush()


def _defaults(table: str, columns: list[str]) -> list[tuple[str, object]]:
    """The NOT NULL columns of `table`'s model that `columns` leave out, each with a function
    giving its default for one row (called per row: a default may be a fresh UUID)."""
    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    extras = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.null or field.column in columns:
            continue
        if field.has_default():
            extras.append((field.column, field.get_default))
        elif isinstance(field, models.CharField | models.TextField):
            extras.append((field.column, str))
    return extras


def _csv_value(value):
    if isinstance(value, bool):
        return "t" if value else "f"
    return json.dumps(value) if isinstance(value, dict | list) else value


class Command(BaseCommand):
    help = (
        "Generate an enterprise-scale organisation in a scratch database and time the ROI report."
    )

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=200)
        parser.add_argument("--users", type=int, default=10_000)
        parser.add_argument("--solutions", type=int, default=50_000)
        parser.add_argument("--months", type=int, default=12)
        parser.add_argument("--stories", type=int, default=5_000)
        parser.add_argument("--key-results", type=int, default=500)
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--keep", action="store_true", help="Keep the scratch database.")
        parser.add_argument(
            "--reuse",
            metavar="NAME",
            help="Time the report again in a scratch database kept by an earlier --keep run.",
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark needs PostgreSQL: set DATABASE_URL.")
        source_name = connection.settings_dict["NAME"]
        bench_name = options["reuse"] or f"{source_name}_bench_{uuid.uuid4().hex[:8]}"
        if "_bench_" not in bench_name:
            raise CommandError("--reuse takes the name of a scratch database made by bench.")
        if not options["reuse"]:
            self._create_database(bench_name)
        try:
            self._switch_to(bench_name)
            if not options["reuse"]:
                self.stdout.write(f"Scratch database {bench_name}: migrating ...")
                call_command("migrate", verbosity=0)
                started = time.perf_counter()
                counts = self._generate(options)
                generated = time.perf_counter() - started
                self.stdout.write(
                    "Generated "
                    + ", ".join(f"{n:,} {what}" for what, n in counts.items())
                    + f" in {generated:.1f} s"
                )
                self._build_rollup()
            self._time_report(options["runs"])
            self._time_kpi_report(options["runs"])
            # The tenant inventory import (issue: tenant inventory and usage): its 50,000
            # resources become solutions of their own, with 600,000 monthly usage rows.
            bench_inventory(self.stdout)
            # The reminder run for 10,000 people and 5,000 key results (notifications; rolled
            # back afterwards).
            from notifications.bench import bench_reminders

            bench_reminders(stdout=self.stdout)
            # The ideas backlog on the same organisation: 10,000 ideas, 200,000 votes.
            bench_ideas(self.stdout)
            # Inboxes kept for the pages: 30 notifications a person, 2,000 for each crawler.
            from notifications.bench import fill_inboxes

            fill_inboxes(self.stdout)
            # Beat's minute job after a change: the dashboards read first, prepared again.
            call_command("prepare_dashboards", stdout=self.stdout)
            # The dashboard, every page and API list, and the load on the whole organisation,
            # inventory, usage and ideas included (so that their pages are timed full).
            call_command("bench_dashboard", unit="division-0", stdout=self.stdout)
            call_command("bench_pages", runs=options["runs"], load_seconds=30, stdout=self.stdout)
        finally:
            connections["default"].close()
            if options["keep"]:
                self.stdout.write(f"Kept {bench_name}.")
            else:
                self._drop_database(bench_name)
                self.stdout.write(f"Dropped {bench_name}.")

    # Scratch database ---------------------------------------------------------------------

    def _admin_cursor(self):
        import psycopg2

        params = connection.get_connection_params()
        params["dbname"] = "postgres"
        admin = psycopg2.connect(**params)
        admin.autocommit = True
        return admin

    def _create_database(self, name: str) -> None:
        admin = self._admin_cursor()
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        admin.close()

    def _drop_database(self, name: str) -> None:
        admin = self._admin_cursor()
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    def _switch_to(self, name: str) -> None:
        connections["default"].close()
        connections["default"].settings_dict["NAME"] = name
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_database()")
            current = cursor.fetchone()[0]
        if current != name:  # never write benchmark data anywhere else
            raise CommandError(f"Expected to be in {name}, found {current}.")

    # Data ---------------------------------------------------------------------------------

    def _generate(self, options) -> dict[str, int]:
        from accounts.models import BusinessUnit, Organisation
        from value.figures import month_start
        from value.models import ProgrammeCost, UnitCost

        rng = random.Random(2026)
        now = timezone.now()
        Organisation.current()
        # Units: a tree three levels deep (about 5 % top level, 20 % second, the rest below).
        top = max(1, options["units"] // 20)
        middle = max(1, options["units"] // 5)
        units = BusinessUnit.objects.bulk_create(
            BusinessUnit(name=f"Division {i}", slug=f"division-{i}") for i in range(top)
        )
        units += BusinessUnit.objects.bulk_create(
            BusinessUnit(name=f"Department {i}", slug=f"department-{i}", parent=units[i % top])
            for i in range(middle)
        )
        seconds = units[top:]
        units += BusinessUnit.objects.bulk_create(
            BusinessUnit(name=f"Team {i}", slug=f"team-{i}", parent=seconds[i % len(seconds)])
            for i in range(options["units"] - top - middle)
        )
        unit_ids = [unit.pk for unit in units]

        with connection.cursor() as cursor:
            _copy(
                cursor.cursor,
                "accounts_user",
                ["password", "is_superuser", "username", "first_name", "last_name", "email",
                 "is_staff", "is_active", "date_joined", "business_unit_id", "job_title",
                 "department", "entra_tenant_id", "entra_object_id", "time_zone", "language"],
                (
                    ["!", "f", f"user{i}", "Bench", f"User {i}", f"user{i}@example.org", "f", "t",
                     now.isoformat(), rng.choice(unit_ids), "Maker", "", "", "", "", ""]
                    for i in range(options["users"])
                ),
            )  # fmt: skip
            cursor.execute("SELECT min(id), max(id) FROM accounts_user")
            first_user, last_user = cursor.fetchone()

            first_month = month_start(date.today().replace(day=1) - timedelta(days=1))
            months = [first_month]
            for _ in range(options["months"] - 1):
                months.insert(0, month_start(months[0] - timedelta(days=1)))

            def solutions():
                for i in range(options["solutions"]):
                    live = months[0] - timedelta(days=rng.randint(0, 720))
                    yield [
                        str(uuid.uuid4()), f"Solution {i}", rng.choice(KINDS), "",
                        rng.choice(unit_ids), rng.randint(first_user, last_user), "Production",
                        "live", live.isoformat(), "NULL", rng.randint(1, 500),
                        rng.randint(0, 20000), rng.randint(5, 400), "55.00",
                        rng.choice(["0", "20.00", "40.00"]), rng.choice(["0", "15.00"]),
                        rng.choice(["10.00", "25.00"]), rng.randint(100, 3000), "20.0", "",
                        now.isoformat(),
                    ]  # fmt: skip

            _copy(
                cursor.cursor,
                "value_solution",
                ["uuid", "name", "kind", "description", "business_unit_id", "owner_id",
                 "environment", "status", "go_live_on", "retired_on", "monthly_users",
                 "monthly_runs", "build_hours", "build_hourly_rate", "licence_cost_monthly",
                 "capacity_cost_monthly", "support_cost_monthly", "projected_monthly_value",
                 "projected_monthly_hours", "external_id", "created_at"],
                solutions(),
            )  # fmt: skip
            cursor.execute("SELECT id FROM value_solution ORDER BY id")
            solution_ids = [row[0] for row in cursor.fetchall()]

            def records():
                for solution_id in solution_ids:
                    for month in months:
                        hours = Decimal(rng.randint(0, 400)) / 10
                        avoided = Decimal(rng.randint(0, 50000)) / 100
                        yield [
                            str(uuid.uuid4()), solution_id, month.isoformat(), hours, "45.00",
                            avoided, "0", "0", (hours * 45 + avoided).quantize(Decimal("0.01")),
                            rng.choice(SOURCES), "", "{}", "", "NULL", now.isoformat(),
                        ]  # fmt: skip

            _copy(
                cursor.cursor,
                "value_valuerecord",
                ["uuid", "solution_id", "month", "hours_saved", "hourly_rate", "cost_avoided",
                 "revenue", "other_value", "amount", "source", "note", "calculation",
                 "origin_key", "recorded_by_id", "created_at"],
                records(),
            )  # fmt: skip
        programme = [
            ProgrammeCost(
                business_unit=unit,
                kind="coe_team",
                starts_on=months[0],
                ends_on=date(months[-1].year, months[-1].month, 28),
                amount=Decimal("12000.00"),
            )
            for unit in units[:top]
        ]
        programme.append(
            ProgrammeCost(
                kind="training",
                starts_on=months[0],
                ends_on=date(months[-1].year, months[-1].month, 28),
                amount=Decimal("250000.00"),
            )
        )
        ProgrammeCost.objects.bulk_create(programme)
        UnitCost.objects.create(name="Staff hour", measure="hour", amount=45, is_staff_hour=True)
        users = (first_user, last_user)
        stories = self._stories(rng, options["stories"], unit_ids, users, solution_ids, months)
        key_results, check_ins = self._plans(rng, options["key_results"], units[:top], users)
        # What autovacuum does to a live database: statistics, and the visibility map that lets
        # counts use index-only scans. (Outside a transaction: Django runs in autocommit here.)
        if not connection.in_atomic_block:  # (a test builds a small one inside a transaction)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        return {
            "business units": len(units),
            "users": options["users"],
            "solutions": len(solution_ids),
            "value records": len(solution_ids) * len(months),
            "programme costs": len(programme),
            "stories": stories,
            "key results": key_results,
            "check-ins": check_ins,
        }

    def _stories(self, rng, count, unit_ids, users, solution_ids, months) -> int:
        """Stories in every state, three in five published over the months of the data, with
        their search vectors filled in one statement."""
        from django.contrib.postgres.search import SearchVector

        from stories.models import Story

        statuses = ["published"] * 6 + ["in_review", "approved", "draft", "submitted"]
        first = timezone.make_aware(
            timezone.datetime.combine(months[0], timezone.datetime.min.time())
        )
        span = (timezone.now() - first).total_seconds()

        def story(i):
            status = rng.choice(statuses)
            published = first + timedelta(seconds=rng.uniform(0, span))
            return Story(
                title=f"Story {i}: {rng.choice(KINDS).replace('_', ' ')} saves time",
                business_unit_id=rng.choice(unit_ids),
                solution_id=rng.choice(solution_ids),
                author_id=rng.randint(*users),
                status=status,
                overview="A team replaced a manual process with a solution of its own.",
                hours_saved_per_year=Decimal(rng.randint(0, 4000)),
                cost_saved_per_year=Decimal(rng.randint(0, 200_000)),
                published_at=published if status == "published" else None,
            )

        Story.objects.bulk_create((story(i) for i in range(count)), batch_size=2000)
        Story.objects.update(
            search_vector=SearchVector("title", weight="A") + SearchVector("overview", weight="B")
        )
        return count

    def _plans(self, rng, count, divisions, users) -> tuple[int, int]:
        """An organisation plan and one per division, five objectives each, the key results
        spread over them, and a weekly check-in for each key result over the past year."""
        from strategy.models import CheckIn, KeyResult, Objective, Plan

        today = date.today()
        year_ago = today - timedelta(days=364)
        plans = Plan.objects.bulk_create(
            Plan(
                title=f"Adoption plan {i}",
                business_unit=unit,
                starts_on=year_ago,
                ends_on=today + timedelta(days=365),
                owner_id=rng.randint(*users),
                status="active",
            )
            for i, unit in enumerate([None, *divisions])
        )
        objectives = Objective.objects.bulk_create(
            Objective(plan=plan, title=f"Objective {n} of {plan.title}", order=n)
            for plan in plans
            for n in range(5)
        )
        kinds = ["increase"] * 3 + ["decrease", "stay_above", "milestone"]
        key_results = KeyResult.objects.bulk_create(
            KeyResult(
                objective=objectives[i % len(objectives)],
                title=f"Key result {i}",
                kind=(kind := rng.choice(kinds)),
                unit="number",
                baseline=Decimal(100 if kind == "decrease" else 0),
                target=Decimal({"decrease": 20, "milestone": 1}.get(kind, 100)),
                starts_on=year_ago,
                due_on=today + timedelta(days=rng.randint(30, 365)),
                order=i,
            )
            for i in range(count)
        )

        def check_ins():
            for key_result in key_results:
                value = key_result.baseline
                for week in range(52):
                    step = rng.uniform(0, 3)
                    value += Decimal(str(round(-step if key_result.kind == "decrease" else step)))
                    if key_result.kind == "milestone":
                        value = Decimal(1 if week > 40 and rng.random() < 0.5 else 0)
                    yield CheckIn(
                        key_result=key_result,
                        value=value,
                        confidence=rng.randint(3, 9),
                        created_at=timezone.make_aware(
                            timezone.datetime.combine(
                                year_ago + timedelta(weeks=week), timezone.datetime.min.time()
                            )
                        ),
                    )
                KeyResult.objects.filter(pk=key_result.pk).update(current=value)

        made = CheckIn.objects.bulk_create(check_ins(), batch_size=5000)
        return len(key_results), len(made)

    def _build_rollup(self) -> None:
        """The data went in by COPY, past the services: build the monthly roll-up (value.rollup)
        once, as the nightly rebuild would, and time it."""
        from value import rollup

        began = time.perf_counter()
        rows = rollup.rebuild()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE value_unitmonthvalue; ANALYZE value_unitmonthcost")
        self.stdout.write(
            f"Built the monthly roll-up: {rows:,} rows in {time.perf_counter() - began:.1f} s"
        )

    # Timing -------------------------------------------------------------------------------

    def _time_report(self, runs: int) -> None:
        from reports import services
        from reports.exports import report_csv
        from reports.models import ReportDefinition

        definition, _ = ReportDefinition.objects.get_or_create(
            name="Quarterly ROI (benchmark)",
            defaults={"cadence": "quarterly", "period_length": "quarter"},
        )
        start, end = services.last_complete_period(definition, date.today())
        self.stdout.write(f"Quarterly ROI report for the whole organisation, {start} to {end}:")
        services.render_pdf("<p>warm-up</p>")  # load WeasyPrint and fonts once, outside the timing

        def build():
            data = services.report_data(definition, start, end)
            figures_done = time.perf_counter()
            services.render_html(data)
            pdf = services.render_pdf(services.render_html(data, for_print=True))
            report_csv(data)
            return data, figures_done, pdf

        totals, figure_times = [], []
        for _ in range(runs):
            connections["default"].close()  # each run opens its own connection, as a task would
            began = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                data, figures_done, pdf = build()
            totals.append(time.perf_counter() - began)
            figure_times.append(figures_done - began)
        tracemalloc.start()
        build()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        totals_line = data["totals"]
        self.stdout.write(
            f"  figures (SQL aggregates): median {statistics.median(figure_times):.3f} s\n"
            f"  whole report (figures + HTML + PDF + CSV): median {statistics.median(totals):.3f} s"
            f" over {runs} runs (min {min(totals):.3f}, max {max(totals):.3f})\n"
            f"  SQL queries per report: {len(queries)}\n"
            f"  peak Python memory while building one report (tracemalloc): "
            f"{peak / 1024 / 1024:.1f} MB\n"
            f"  peak resident memory of this process, data generation included: "
            f"{max_rss_mb:.0f} MB\n"
            f"  PDF {len(pdf) / 1024:.0f} KB; value {totals_line['value']}, cost "
            f"{totals_line['cost']}, ROI {totals_line['roi_pct']} %, "
            f"{totals_line['records']:,} value records in the quarter"
        )

    def _time_kpi_report(self, runs: int) -> None:
        """The quarterly KPI report of the whole organisation: every key result with its value as
        of the quarter's end (from the weekly check-ins) and its change since the last report."""
        from reports import services
        from reports.exports import report_csv
        from reports.models import ReportDefinition

        definition, _ = ReportDefinition.objects.get_or_create(
            name="Quarterly KPIs (benchmark)",
            defaults={"kind": "kpi", "cadence": "quarterly", "period_length": "quarter"},
        )
        start, end = services.last_complete_period(definition, date.today())
        totals = []
        for _ in range(runs):
            connections["default"].close()
            began = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                data = services.report_data(definition, start, end)
                report_csv(data)
                services.render_html(data)
                services.render_pdf(services.render_html(data, for_print=True))
            totals.append(time.perf_counter() - began)
        self.stdout.write(
            f"Quarterly KPI report for the whole organisation, {start} to {end}:\n"
            f"  whole report (figures + HTML + PDF + CSV): median {statistics.median(totals):.3f} s"
            f" over {runs} runs (min {min(totals):.3f}, max {max(totals):.3f})\n"
            f"  SQL queries per report: {len(queries)}; "
            f"{len(data.get('key_results', []))} key results"
        )
