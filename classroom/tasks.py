"""Background work of the classroom: the integrity rules on a submitted attempt, and the daily reminders.

A submission only grades and closes the attempt (quizzes.services); the rules that compare it with other
students' records (shared device, shared network, after a password reset) and mirror its quiz codes run here,
queued in the submission's own transaction, so the task exists exactly when the attempt is submitted. What they
find is for teachers' review and for the figures' next roll-up, never for the student's answer, so it can wait
the seconds a worker takes; the submission, which every student of an exam sends in the same minutes, does not
wait for a dozen reads of other students' records. plans.tasks registers the task with the task leases, so a
run whose worker died is retried. The rules are idempotent (one flag per record and rule), so a retry or a
second run changes nothing.
"""

from django_tasks import task

from quizzes.models import Attempt

from .integrity import rules
from .reminders import send_assignment_reminders


@task()
def check_attempt_integrity(attempt_id: int) -> int:
    """Run the integrity rules on a submitted attempt; the number of flags raised or given new evidence."""
    attempt = Attempt.objects.filter(pk=attempt_id, submitted_at__isnull=False).first()
    if attempt is None:
        return 0  # deleted since, or not submitted (nothing the rules judge)
    return len(rules.check_attempt(attempt))


@task()
def send_assignment_reminders_task() -> int:
    """The daily reminders of due-soon and overdue work (classroom/reminders.py); `send_reminders` runs it."""
    return send_assignment_reminders()
