"""Integrity signals: attempts a teacher may want to look at. They are shown, never punished automatically."""

import datetime

from django.conf import settings

from .models import Attempt


def _setting(name: str, default):
    return getattr(settings, "QINGDUN", {}).get(name, default)


def too_fast(attempt: Attempt, submitted_at: datetime.datetime, answered: int) -> bool:
    """Fewer seconds per answered question than a reader needs, measured by the server's clock."""
    if answered < 3:
        return False
    seconds = (submitted_at - attempt.started_at).total_seconds()
    return seconds < answered * _setting("QUIZ_MIN_SECONDS_PER_QUESTION", 3)


def device_shared(quiz, device_id: str, student, now: datetime.datetime) -> bool:
    """Several other students started this quiz on the same device recently.

    A computer room serves a new class every period, so only a short window counts.
    """
    window = datetime.timedelta(minutes=_setting("QUIZ_SHARED_DEVICE_MINUTES", 30))
    others = (
        Attempt.objects.filter(quiz=quiz, device_id=device_id, started_at__gte=now - window)
        .exclude(student=student)
        .values("student_id")
        .distinct()
        .count()
    )
    return others + 1 >= _setting("QUIZ_SHARED_DEVICE_STUDENTS", 3)
