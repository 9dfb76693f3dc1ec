"""Load or refresh the built-in maturity model and the question bank (safe to re-run)."""

from django.core.management.base import BaseCommand

from adoption.loader import load_question_bank
from maturity.loader import load_maturity_model


class Command(BaseCommand):
    help = "Load the maturity model and the assessment question bank from their content files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Rewrite every row even if the files did not change (undoes admin edits).",
        )

    def handle(self, *args, force: bool = False, **options):
        self.stdout.write(load_maturity_model(force=force))
        self.stdout.write(load_question_bank(force=force))
