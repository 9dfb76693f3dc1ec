"""Recompute the monthly roll-up of value and costs behind the ROI figures (value.rollup)."""

import time

from django.core.management.base import BaseCommand

from value import rollup


class Command(BaseCommand):
    help = "Recompute the monthly roll-up of value and costs from solutions and value records."

    def handle(self, *args, **options):
        began = time.perf_counter()
        rows = rollup.rebuild()
        self.stdout.write(f"Roll-up rebuilt: {rows:,} rows in {time.perf_counter() - began:.1f} s.")
