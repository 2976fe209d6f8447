from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from people.models import School
from people.teachers import import_teachers


class Command(BaseCommand):
    help = "Import a school's teachers (CSV in UTF-8/GBK or XLSX): accounts, classes taught, head teachers."

    def add_arguments(self, parser):
        parser.add_argument("--school", required=True, help="school code")
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check the file and report, write nothing")

    def handle(self, *args, school, file, dry_run, **options):
        try:
            target = School.objects.get(code=school)
        except School.DoesNotExist as error:
            raise CommandError(f"No school has the code {school!r}.") from error
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        result = import_teachers(target, data, actor=None, dry_run=dry_run)
        for problem in result.problems:
            self.stderr.write(f"row {problem.row}, {problem.column_label}: {problem.message}")
        summary = (
            f"{result.rows} rows for {target.code} {target.name}, {result.school_year}: "
            f"{result.created} new, {result.updated} updated, {result.links_added} class links added, "
            f"{result.head_teachers_set} head teachers set, {result.grade_leaders_added} grade leaders added, "
            f"{result.unchanged} unchanged"
        )
        if result.problems:
            raise CommandError(f"{len(result.problems)} problems; nothing was imported. ({summary})")
        self.stdout.write(("Dry run, nothing written: " if dry_run else "Imported: ") + summary)
        for username, password in sorted(result.issued.items()):
            self.stdout.write(f"{username}\t{password}")
