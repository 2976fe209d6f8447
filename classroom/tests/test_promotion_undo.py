"""A promotion can be undone until the school's first activity in the new year (people.promotion), and the
records that end that chance are registered by classroom and quizzes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from classroom import services
from classroom.models import Activity, ClassHourLog, LessonProgress
from classroom.tests.helpers import take_quiz
from people.models import Enrollment, SchoolClass, SchoolKind, SchoolYear, Student
from people.promotion import PromotionRefused, promote_school, undo_blockers, undo_promotion
from people.testing import frozen_time, make_class, make_role_user, make_school, make_student, make_teacher

pytestmark = pytest.mark.django_db

PROMOTED_ON = datetime.date(2026, 9, 2)
NEXT_DAY = datetime.date(2026, 9, 3)


@pytest.fixture
def promoted():
    year, next_year = SchoolYear.get_or_create_for(2025), SchoolYear.get_or_create_for(2026)
    school = make_school(code="U1", kind=SchoolKind.JUNIOR)
    old = make_class(school, grade=7, number=1, year=year)
    students = [make_student(old) for _ in range(3)]
    teacher = make_teacher(school, classes=[old])
    # Last year's work, recorded before promotion, does not stop its undoing.
    with frozen_time(datetime.date(2026, 6, 1)):
        ClassHourLog.objects.create(
            school_class=old,
            taught_on=datetime.date(2026, 6, 1),
            students_present=3,
            minutes=40,
            engagement=4,
            teacher=teacher,
            recorded_by=teacher,
        )
    with frozen_time(PROMOTED_ON):
        promotion = promote_school(school, year, next_year).promotion
    new = SchoolClass.objects.get(pk=promotion.created_classes[0])
    return promotion, old, new, students, teacher


def _snapshot(school):
    return (
        sorted(SchoolClass.objects.filter(school=school).values_list("pk", "school_year_id", "grade")),
        sorted(Enrollment.objects.filter(student__school=school).values_list("pk", "school_class_id")),
        sorted(Student.objects.filter(school=school).values_list("pk", "graduated_on")),
    )


def test_old_years_work_and_late_logs_for_it_leave_undo_open(promoted):
    promotion, old, _new, _students, teacher = promoted
    with frozen_time(NEXT_DAY):
        # A class hour of last term logged late, after promotion, is last year's work.
        ClassHourLog.objects.create(
            school_class=old,
            taught_on=datetime.date(2026, 6, 20),
            students_present=3,
            minutes=40,
            engagement=4,
            teacher=teacher,
            recorded_by=teacher,
        )
    assert undo_blockers(promotion) == []


def _attempt(promoted, quiz, lesson):
    take_quiz(promoted[3][0], quiz, right=True)


def _reading(promoted, quiz, lesson):
    LessonProgress.objects.create(
        student=promoted[3][0], lesson=lesson, first_opened_at=timezone.now(), last_seen_at=timezone.now()
    )


def _assignment(promoted, quiz, lesson):
    services.assign(promoted[4], [promoted[2]], lesson=lesson, starts_on=NEXT_DAY, due_on=NEXT_DAY)


def _class_hour(promoted, quiz, lesson):
    teacher = promoted[4]
    ClassHourLog.objects.create(
        school_class=promoted[2],
        taught_on=NEXT_DAY,
        students_present=3,
        minutes=40,
        engagement=4,
        teacher=teacher,
        recorded_by=teacher,
    )


def _activity(promoted, quiz, lesson):
    Activity.objects.create(
        school=promoted[1].school, type="class_meeting", title="禁毒主题班会", held_on=NEXT_DAY, recorded_by=promoted[4]
    )


@pytest.mark.parametrize("record", [_attempt, _reading, _assignment, _class_hour, _activity])
def test_the_new_years_first_activity_ends_undo(promoted, quiz, lesson, client, record):
    promotion, old, _new, _students, _teacher = promoted
    school = old.school
    with frozen_time(NEXT_DAY):
        record(promoted, quiz, lesson)
    assert undo_blockers(promotion)
    before = _snapshot(school)
    with pytest.raises(PromotionRefused):
        undo_promotion(promotion)

    client.force_login(make_role_user("school_admin", school=school))
    page = client.get(reverse("people:promote", args=[school.code]))
    assert b"data-undo-refused" in page.content and b"promote/undo/" not in page.content
    client.post(reverse("people:promote_undo", args=[school.code]), {"promotion": promotion.pk})
    assert _snapshot(school) == before
    promotion.refresh_from_db()
    assert promotion.undone_at is None
