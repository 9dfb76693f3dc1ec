"""python manage.py import_inventory FILE [--dry-run] [--partial]"""

import time

from django.core.management.base import BaseCommand, CommandError

from inventory import services
from inventory.models import ImportRun
from inventory.sources import FileRejected


class Command(BaseCommand):
    help = (
        "Import a tenant inventory file (inventory API JSON, CoE Starter Kit CSV export or our "
        "CSV template; the format is read from the content). Without --partial the file is a "
        "full import: solutions of the resource types it covers that it leaves out are retired."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Show the diff; write nothing.")
        parser.add_argument(
            "--partial", action="store_true", help="Retire nothing that the file leaves out."
        )

    def handle(self, *args, file, dry_run, partial, **options):
        try:
            with open(file, "rb") as handle:
                run = services.run_start(
                    file=handle,
                    file_name=file,
                    source=ImportRun.Source.COMMAND,
                    is_full=not partial,
                    actor=None,
                    enqueue=False,
                )
        except (OSError, FileRejected) as exc:
            raise CommandError(str(exc)) from exc
        started = time.perf_counter()
        run = services.run_preview(run_id=run.pk)
        self._report(run)
        self.stdout.write(f"preview {time.perf_counter() - started:.1f} s")
        if run.status != ImportRun.Status.PREVIEWED:
            for change in run.changes.filter(action="rejected")[:50]:
                self.stderr.write(f"  line {change.line}: {change.resource_id} {change.reason}")
            raise CommandError(run.error or f"The run ended {run.get_status_display()}.")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
            return
        try:
            services.run_confirm(run=run, actor=None, enqueue=False)
        except services.RunBusy as exc:
            raise CommandError(str(exc)) from exc
        started = time.perf_counter()
        run = services.run_commit(run_id=run.pk)
        self.stdout.write(f"commit {time.perf_counter() - started:.1f} s")
        if run.status != ImportRun.Status.DONE:
            raise CommandError(run.error)
        self.stdout.write(self.style.SUCCESS(f"Imported: {run.rows_written} rows written."))

    def _report(self, run: ImportRun) -> None:
        self.stdout.write(
            f"{run.file_format or 'file'}: {run.rows_total} rows; new {run.new_count}, "
            f"changed {run.changed_count}, retired {run.retired_count}, "
            f"unchanged {run.unchanged_count}, usage rows {run.usage_count}, "
            f"rejected {run.rejected_count}"
        )
