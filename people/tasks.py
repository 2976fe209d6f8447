from django_tasks import task

from .uploads import purge_expired


@task()
def purge_pending_uploads_task() -> int:
    """Remove pending roster uploads (minors' names) older than their two-hour lifetime."""
    return purge_expired()


@task()
def deliver_notifications_task(ids: list[int]) -> None:
    """Mail new notifications and pass them to the webhook (people/notifications.py)."""
    from .notifications import deliver

    deliver(ids)


@task()
def post_webhook_task(ids: list[int], attempt: int) -> bool:
    """POST notifications to the SMS/chat gateway; on failure enqueue itself again, up to three attempts."""
    from .notifications import post_with_retry

    return post_with_retry(ids, attempt)
