"""Import a leavers register file, as scheduled HR feeds do.

Exit codes: 0 every row was valid; 1 good rows were imported but some rows had
errors (listed above the summary); 2 the file could not be read at all.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from invitations.register.engine import run_import
from invitations.register.files import FileUnreadable


class Command(BaseCommand):
    help = "Import a leavers register (CSV or XLSX). Re-importing the same file changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the register file, CSV or XLSX")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and count without changing anything"
        )

    def handle(self, *args, path, dry_run, **options):
        file = Path(path)
        if not file.is_file():
            self.stderr.write(f"{path}: no such file")
            sys.exit(2)
        try:
            result = run_import(path=file, commit=not dry_run)
        except FileUnreadable as error:
            self.stderr.write(f"{path}: {error}")
            sys.exit(2)
        for note in result.notes:
            self.stdout.write(note)
        for error in result.error_rows:
            self.stdout.write(f"line {error['line']}: {error['reason']}")
        if result.errors > len(result.error_rows):
            self.stdout.write(f"… and {result.errors - len(result.error_rows)} more errors")
        if dry_run:
            self.stdout.write("dry run: nothing was changed")
        self.stdout.write(
            f"created {result.created}, updated {result.updated}, "
            f"unchanged {result.unchanged}, errors {result.errors}"
        )
        if result.errors:
            sys.exit(1)
