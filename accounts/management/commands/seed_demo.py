"""Create the demo organisation and fill every capability with believable data. Safe to re-run."""

import os

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

from accounts.demo import DEMO_PASSWORD

# Each app's demo seeder, in dependency order. A seeder is idempotent: it looks rows up by
# natural keys and creates only what is missing.
DEMO_STEPS = [
    "accounts.demo.seed",
    "adoption.demo.seed",
    "strategy.demo.seed",
    "value.demo.seed",
    "reports.demo.seed",
    "stories.demo.seed",
    "inventory.demo.seed",
    "notifications.demo.seed",
    "ideas.demo.seed",
]


class Command(BaseCommand):
    help = "Create or refresh the demo organisation, its users and sample data."

    def handle(self, *args, **options):
        logins = []
        with transaction.atomic():
            for step in DEMO_STEPS:
                result = import_string(step)()
                if step == "accounts.demo.seed":
                    logins = result
        port = os.environ.get("PORT", "8000")  # the port `make run` serves on
        self.stdout.write(
            self.style.SUCCESS(f"Demo organisation ready. Sign in at http://127.0.0.1:{port}/ as:")
        )
        for username, role in logins:
            self.stdout.write(f"  {username:<8} / {DEMO_PASSWORD}   ({role})")
