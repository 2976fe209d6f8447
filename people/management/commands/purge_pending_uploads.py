from django.core.management.base import BaseCommand

from people.uploads import purge_expired


class Command(BaseCommand):
    help = "Delete pending roster and teacher uploads older than their two-hour lifetime."

    def handle(self, *args, **options):
        count = purge_expired()
        self.stdout.write(f"{count} pending upload(s) deleted.")
