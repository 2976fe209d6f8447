import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from classroom import completion, services
from classroom.models import LessonProgress
from classroom.progress import class_progress
from lessons.tests.factories import make_lesson

from .helpers import read_for, take_quiz


def _progress(student, lesson, hours_ago=1):
    return completion.record_open(student, lesson, now=timezone.now() - datetime.timedelta(hours=hours_ago))


@pytest.fixture
def assigned(world, module, week):
    """The module (and so every lesson in it) given to the student's class: only then does reading earn time."""
    return services.assign(world.teacher, [world.class_a], module=module, **week)


def test_opening_and_leaving_at_once_does_not_finish(world, lesson, assigned):
    progress = completion.record_open(world.student, lesson)
    progress = completion.record_signal(progress.pk, lesson, reached_end=True)
    assert progress.reached_end_at is not None
    assert progress.completed_at is None
    assert completion.missing_steps(progress, lesson, None)


def test_reading_long_enough_and_to_the_end_finishes(world, lesson, assigned):
    progress = _progress(world.student, lesson)
    # 10 estimated minutes × 0.5 = 300 s.
    progress = read_for(progress, lesson, 285, reached_end=True)
    assert progress.completed_at is None, "one heartbeat short of the minimum"
    progress = read_for(progress, lesson, 30, reached_end=True)
    assert progress.completed_at is not None
    assert completion.missing_steps(progress, lesson, None) == []


def test_time_without_reaching_the_end_does_not_finish(world, lesson, assigned):
    progress = read_for(_progress(world.student, lesson), lesson, 900, reached_end=False)
    assert progress.active_seconds >= 600
    assert progress.completed_at is None


def test_long_gaps_and_bursts_count_nothing_beyond_server_time(world, lesson, assigned):
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=2)
    progress = completion.record_open(world.student, lesson, now=start)
    # A tab left in the background for an hour adds nothing: the heartbeat after it only restarts the clock.
    later = start + datetime.timedelta(hours=1)
    progress = completion.record_signal(progress.pk, lesson, now=later)
    assert progress.active_seconds == 0
    progress = completion.record_signal(progress.pk, lesson, now=later + datetime.timedelta(seconds=15))
    assert progress.active_seconds == 15
    # A burst of 100 forged heartbeats in the same second adds nothing.
    same = later + datetime.timedelta(seconds=15)
    for _ in range(100):
        progress = completion.record_signal(progress.pk, lesson, now=same)
    assert progress.active_seconds == 15


@override_settings(QINGDUN={"MIN_READING_SHARE": 1.0})
def test_minimum_time_follows_the_setting(world, lesson, assigned):
    assert completion.minimum_seconds(lesson) == 600
    progress = read_for(_progress(world.student, lesson), lesson, 450)
    assert progress.completed_at is None
    assert "100%" in completion.rule_in_plain_words()


def test_a_failed_quiz_does_not_finish_and_a_passed_one_does(world, lesson_with_quiz, quiz, assigned):
    lesson = lesson_with_quiz
    progress = read_for(_progress(world.student, lesson), lesson, 330)
    assert progress.completed_at is None, "the quiz is not passed yet"
    take_quiz(world.student, quiz, right=False)
    progress.refresh_from_db()
    assert progress.completed_at is None, "a failed quiz does not finish the lesson"
    take_quiz(world.student, quiz, right=True)
    progress.refresh_from_db()
    assert progress.completed_at is not None, "submitting a passing attempt finishes the lesson on the server"


def test_passing_the_quiz_first_then_reading_finishes(world, lesson_with_quiz, quiz, assigned):
    take_quiz(world.student, quiz, right=True)
    progress = read_for(_progress(world.student, lesson_with_quiz), lesson_with_quiz, 330)
    assert progress.completed_at is not None


def test_last_attempt_counting_uses_the_last_attempt(world, lesson_with_quiz, quiz, assigned):
    quiz.counting = "last"
    quiz.save()
    progress = read_for(_progress(world.student, lesson_with_quiz), lesson_with_quiz, 330)
    take_quiz(world.student, quiz, right=True)
    take_quiz(world.student, quiz, right=False)
    assert not completion.quiz_is_passed(world.student.pk, quiz)
    progress.refresh_from_db()
    assert progress.completed_at is not None, "a finished lesson stays finished"


def test_a_module_is_finished_only_when_all_its_lessons_are(world, module, lesson, week):
    second = make_lesson(module, slug="second", reading_minutes=10)
    (assignment,) = services.assign(world.teacher, [world.class_a], module=module, **week)
    read_for(_progress(world.student, lesson), lesson, 330)
    cell = class_progress(world.class_a).cells[(world.student.pk, assignment.pk)]
    assert (cell.opened, cell.finished, cell.lessons_done, cell.lessons_total) == (True, False, 1, 2)
    # Read after the first one: the same minutes cannot count for two lessons.
    read_for(_progress(world.student, second, hours_ago=0.5), second, 330)
    cell = class_progress(world.class_a).cells[(world.student.pk, assignment.pk)]
    assert cell.finished and cell.percent == 100


def test_progress_rows_are_unique_per_student_and_lesson(world, lesson):
    completion.record_open(world.student, lesson)
    completion.record_open(world.student, lesson)
    assert LessonProgress.objects.filter(student=world.student, lesson=lesson).count() == 1


def test_a_submitted_attempt_costs_classroom_two_queries_when_nothing_changes(
    world, quiz, django_assert_max_num_queries
):
    from quizzes import services as quiz_services
    from quizzes.models import Attempt

    attempt = quiz_services.start_or_resume_attempt(world.student, quiz, check_access=False)
    attempt.submitted_at = timezone.now()
    # One look for unfinished lessons of this quiz, one for contest activities of this school.
    with django_assert_max_num_queries(3):
        Attempt.objects.get(pk=attempt.pk).save(update_fields=["submitted_at"])
