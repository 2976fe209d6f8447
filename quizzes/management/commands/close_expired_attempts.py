from django.core.management.base import BaseCommand

from quizzes.services import close_expired_attempts


class Command(BaseCommand):
    help = "Submit and grade every quiz attempt whose deadline has passed."

    def handle(self, *args, **options):
        count = close_expired_attempts()
        self.stdout.write(f"{count} attempt(s) closed.")
