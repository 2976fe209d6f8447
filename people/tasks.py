from django_tasks import task

from .uploads import purge_expired


@task()
def purge_pending_uploads_task() -> int:
    """Remove pending roster uploads (minors' names) older than their two-hour lifetime."""
    return purge_expired()
