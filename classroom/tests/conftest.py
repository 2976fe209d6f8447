import datetime

import pytest
from django.utils import timezone

from lessons.tests.factories import make_lesson, make_module
from quizzes.tests import factories as quiz_factories


@pytest.fixture
def module(db):
    return make_module(slug="classroom-module")


@pytest.fixture
def lesson(module):
    return make_lesson(module, slug="first", reading_minutes=10)


@pytest.fixture
def quiz(db):
    questions = [quiz_factories.question(text=f"题目{i}", options=((f"对{i}", 100), (f"错{i}", 0))) for i in range(2)]
    return quiz_factories.quiz(
        questions,
        title="课后小测",
        live=True,
        open_to_all_students=False,
        attempts_allowed=0,
        pass_percent=60,
        shuffle_questions=False,
    )


@pytest.fixture
def lesson_with_quiz(module, quiz):
    return make_lesson(module, slug="with-quiz", reading_minutes=10, quiz=quiz)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def week(today):
    return {"starts_on": today - datetime.timedelta(days=1), "due_on": today + datetime.timedelta(days=6)}
