"""Time the executive dashboard on the database that is configured (demo data, or a scratch
organisation kept by `manage.py bench --keep`)."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import BusinessUnit
from reports.bench_dashboard import time_dashboard


class Command(BaseCommand):
    help = "Time the executive dashboard page and API (median, p95, query count, raw SQL)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--unit", help="Slug of the unit to drill into (default: the first top-level unit)."
        )
        parser.add_argument("--runs", type=int, default=20, help="Requests per case (min. 20).")

    def handle(self, *args, **options):
        slug = options["unit"]
        if not slug:
            first = BusinessUnit.objects.filter(parent__isnull=True).order_by("name").first()
            if first is None:
                raise CommandError("There is no business unit to drill into.")
            slug = first.slug
        elif not BusinessUnit.objects.filter(slug=slug).exists():
            raise CommandError(f"No business unit {slug!r}.")
        time_dashboard(self.stdout, slug, runs=options["runs"])
