from django.core.management.base import BaseCommand

from classroom.reminders import send_assignment_reminders
from plans.reminders import send_rectification_reminders


class Command(BaseCommand):
    help = (
        "Write today's reminders (work due soon and overdue, 整改 deadlines) into the inboxes and queue their "
        "mail and webhook. Safe to run more than once a day: each fact is told once. Run it daily (cron, "
        "systemd timer; docs/operations.md)."
    )

    def handle(self, *args, **options):
        work = send_assignment_reminders()
        rectification = send_rectification_reminders()
        self.stdout.write(f"assignments {work}, rectification {rectification}")
