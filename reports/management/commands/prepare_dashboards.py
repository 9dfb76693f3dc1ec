"""`manage.py prepare_dashboards`: what beat's minute job does, at once (after a restore, or to
see how long a run takes)."""

import time

from django.core.management.base import BaseCommand

from reports.prepared import prepare_dashboards


class Command(BaseCommand):
    help = "Prepare the executive dashboards read first whose data changed since their last run."

    def handle(self, *args, **options):
        began = time.perf_counter()
        count = prepare_dashboards()
        self.stdout.write(
            f"Prepared {count} dashboard(s) in {time.perf_counter() - began:.1f} s "
            "(the others were current)."
        )
