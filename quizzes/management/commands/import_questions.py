from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.formats import parse_file
from quizzes.importer import ImportRefused, import_questions


class Command(BaseCommand):
    help = "Import questions from a GIFT, Aiken, XLSX or CSV file. A file with errors imports nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--category", help="put every question in this category (created if missing)")
        parser.add_argument("--dry-run", action="store_true", help="check the file and report; save nothing")
        parser.add_argument("--format", choices=["gift", "aiken", "table"], help="default: recognise from the file")
        parser.add_argument("--publish", action="store_true", help="publish at once instead of saving drafts")
        parser.add_argument(
            "--skip-unsupported", action="store_true", help="import the rest when some types are unsupported"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        result = parse_file(path.name, path.read_bytes(), options["format"])
        for line, message in result.errors:
            self.stderr.write(f"{path.name}:{line}: error: {message}")
        for line, kind in result.unsupported:
            self.stderr.write(f"{path.name}:{line}: unsupported question type: {kind}")
        try:
            report = import_questions(
                result,
                category=options["category"],
                publish=options["publish"],
                skip_unsupported=options["skip_unsupported"],
                dry_run=options["dry_run"],
            )
        except ImportRefused as error:
            raise CommandError(str(error)) from None
        verb = "would import" if options["dry_run"] else "imported"
        state = "published" if options["publish"] else "drafts"
        self.stdout.write(f"{verb} {report.created} question(s) as {state} into: {', '.join(report.categories)}")
