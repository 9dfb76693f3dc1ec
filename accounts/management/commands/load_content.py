"""Load or refresh every app's built-in content (maturity model, question bank, templates).

Each loader is idempotent: it updates rows by their stable keys and never duplicates them."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

CONTENT_STEPS: list[str] = [
    "maturity.loader.load_maturity_model",
    "adoption.loader.load_question_bank",
    "strategy.services.load_plan_templates",
]


class Command(BaseCommand):
    help = "Load the built-in content of every app (safe to re-run)."

    def handle(self, *args, **options):
        with transaction.atomic():
            for step in CONTENT_STEPS:
                summary = import_string(step)()
                self.stdout.write(f"{step}: {summary}")
        self.stdout.write(self.style.SUCCESS("Built-in content loaded."))
