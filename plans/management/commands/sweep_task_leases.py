from django.core.management.base import BaseCommand

from plans import leases
from plans.tasks import schedule_sweep


class Command(BaseCommand):
    help = (
        "Retry, or after the last attempt mark failed, every background task (XLSX export, roll-up refresh) "
        "whose worker died: its lease was not renewed in time. Run it every minute (cron, systemd timer), or "
        "start the self-repeating sweep task once with --schedule."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="queue the sweep task, which then queues itself every TASK_LEASE SWEEP_EVERY seconds",
        )

    def handle(self, *args, **options):
        if options["schedule"]:
            if schedule_sweep():
                self.stdout.write("sweep task queued")
            else:
                self.stdout.write("this task backend runs tasks at once: nothing to schedule")
            return
        done = leases.sweep()
        self.stdout.write(f"retried {len(done.retried)}, failed {len(done.failed)}")
        for task_id in done.retried:
            self.stdout.write(f"retried {task_id}")
        for task_id in done.failed:
            self.stdout.write(f"failed {task_id}")
