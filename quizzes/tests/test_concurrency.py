"""Two real connections submit the same attempt at once: one graded attempt, one score."""

import threading

import pytest
from django.db import connection, connections

from quizzes import services
from quizzes.models import Answer, Attempt

from . import factories as f

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs two real connections with row locks (PostgreSQL); SQLite serialises every writer anyway",
    ),
]


def _in_threads(target, count=2):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(target())
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    return results


def test_concurrent_double_submission_gives_one_graded_attempt():
    from people.testing import World

    world = World()
    quiz = f.quiz(f.bank(10))
    attempt = services.start_or_resume_attempt(world.student, quiz)
    right = f.right_options(attempt)
    for item in attempt.paper[:7]:
        services.save_answer(attempt, item["q"], right[item["q"]])

    results = _in_threads(lambda: services.submit_attempt(attempt.pk), count=4)

    assert {(r.pk, r.score, r.submitted_at) for r in results} == {(attempt.pk, 7, results[0].submitted_at)}
    assert Attempt.objects.filter(quiz=quiz).count() == 1
    assert Answer.objects.filter(attempt=attempt).count() == 10


def test_concurrent_starts_give_one_open_attempt():
    from people.testing import World

    world = World()
    quiz = f.quiz(f.bank(3), attempts_allowed=3)
    results = _in_threads(lambda: services.start_or_resume_attempt(world.student, quiz).pk, count=4)
    assert len(set(results)) == 1
    assert Attempt.objects.filter(quiz=quiz).count() == 1
