from django_tasks import task

from .services import close_expired_attempts


@task()
def close_expired_attempts_task() -> int:
    """Submit attempts whose deadline passed while nobody was looking (the student closed the page)."""
    return close_expired_attempts()
