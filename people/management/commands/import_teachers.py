from people.management.importing import ImportCommand
from people.teachers import import_teachers


class Command(ImportCommand):
    help = "Import a school's teachers (CSV in UTF-8/GBK or XLSX): accounts, classes taught, head teachers."

    def run_import(self, school, data, dry_run):
        return import_teachers(school, data, actor=None, dry_run=dry_run)

    def counts(self, result) -> str:
        return (
            f"{result.created} new, {result.updated} updated, {result.links_added} class links added, "
            f"{result.head_teachers_set} head teachers set, {result.grade_leaders_added} grade leaders added, "
            f"{result.unchanged} unchanged"
        )

    def after_import(self, result) -> None:
        for username, password in sorted(result.issued.items()):
            self.stdout.write(f"{username}\t{password}")
