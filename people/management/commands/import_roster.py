from people.management.importing import ImportCommand
from people.roster import import_roster


class Command(ImportCommand):
    help = "Import a student roster (CSV in UTF-8/GBK or XLSX) into a school's current school year."

    def run_import(self, school, data, dry_run):
        return import_roster(school, data, actor=None, dry_run=dry_run)

    def counts(self, result) -> str:
        return (
            f"{result.created} new, {result.updated} updated, {result.moved} moved, {result.enrolled} enrolled, "
            f"{result.returned} returned, {result.unchanged} unchanged, {result.classes_created} new classes"
        )
