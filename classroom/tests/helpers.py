"""Small helpers for classroom tests."""

import datetime

from django.utils import timezone

from quizzes import services as quiz_services
from quizzes.tests.factories import right_options


def read_for(progress, lesson, seconds: int, *, reached_end=True, start=None):
    """Send heartbeats every 15 s of server time for `seconds`, as an open reader would."""
    from classroom import completion

    now = start or progress.last_seen_at
    for _ in range(seconds // 15):
        now = now + datetime.timedelta(seconds=15)
        progress = completion.record_signal(progress.pk, lesson, now=now)
    if reached_end:
        progress = completion.record_signal(
            progress.pk, lesson, now=now + datetime.timedelta(seconds=1), reached_end=True
        )
    return progress


def take_quiz(student, quiz, *, right: bool):
    attempt = quiz_services.start_or_resume_attempt(student, quiz, check_access=False)
    answers = right_options(attempt)
    if not right:
        answers = {q: [int(o) for o, w in attempt.answer_key[str(q)]["w"].items() if w <= 0][:1] for q in answers}
    return quiz_services.submit_attempt(attempt.pk, answers, now=timezone.now() + datetime.timedelta(minutes=5))
