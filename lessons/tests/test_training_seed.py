"""The demo's training course and roster: a live course with a five-question test, one right answer each, and
one active 法治副校长 per demo school, so the demo's 配备率 is 100%."""

import io

import pytest

from core.seeding import SeedContext
from lessons.models import TrainingCoursePage
from lessons.training_seed import seed_training
from people.instructors import legal_vice_principal_staffing
from people.models import School
from people.seed import seed_people

pytestmark = pytest.mark.django_db


def test_demo_training_course_and_legal_vice_principals():
    ctx = SeedContext(stdout=io.StringIO())
    seed_people(ctx)
    seed_training(ctx)
    seed_training(ctx)  # a second run adds nothing
    (course,) = TrainingCoursePage.objects.live()
    questions = course.questions()
    assert len(questions) == 5 and course.hours > 0 and course.pass_mark == 80
    for question in questions:
        assert sum(option.weight == 100 for option in question.options.all()) == 1
    assert "法治副校长" in str(course.body)
    staffing = legal_vice_principal_staffing(School.objects.all())
    assert staffing.schools == 4 and staffing.rate == 1.0
