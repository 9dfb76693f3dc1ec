"""Compile the interface translations (locale/*/LC_MESSAGES/*.po → .mo) without gettext tools."""

from django.core.management.base import BaseCommand

from config.translations import compile_catalogues


class Command(BaseCommand):
    help = "Compile the translation catalogues to .mo files (only those that changed)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Compile every catalogue.")

    def handle(self, *args, force=False, **options):
        written = compile_catalogues(force=force)
        for path in written:
            self.stdout.write(f"compiled {path.parent.parent.name}: {path.name}")
        if not written:
            self.stdout.write("Translations up to date.")
