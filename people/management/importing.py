"""What `import_roster` and `import_teachers` share: the school and file arguments, reading the file, printing
every problem and refusing the whole file, or the summary of what was (or, with --dry-run, would be) written."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from people.models import School


class ImportCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--school", required=True, help="school code")
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check the file and report, write nothing")

    def run_import(self, school: School, data: bytes, dry_run: bool):
        """The importer's result for this file."""
        raise NotImplementedError

    def counts(self, result) -> str:
        """What the import changes, in one line."""
        raise NotImplementedError

    def after_import(self, result) -> None:
        """Anything to print once the file is written (e.g. new sign-ins)."""

    def handle(self, *args, school, file, dry_run, **options):
        try:
            target = School.objects.get(code=school)
        except School.DoesNotExist as error:
            raise CommandError(f"No school has the code {school!r}.") from error
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        result = self.run_import(target, data, dry_run)
        for problem in result.problems:
            self.stderr.write(f"row {problem.row}, {problem.column_label}: {problem.message}")
        summary = f"{result.rows} rows for {target.code} {target.name}, {result.school_year}: {self.counts(result)}"
        if result.problems:
            raise CommandError(f"{len(result.problems)} problems; nothing was imported. ({summary})")
        self.stdout.write(("Dry run, nothing written: " if dry_run else "Imported: ") + summary)
        self.after_import(result)
