from django_tasks import task

from .reminders import send_assignment_reminders


@task()
def send_assignment_reminders_task() -> int:
    """The daily reminders of due-soon and overdue work (classroom/reminders.py); `send_reminders` runs it."""
    return send_assignment_reminders()
