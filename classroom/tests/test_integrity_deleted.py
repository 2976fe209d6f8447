"""A deleted record takes its flags with it, and the day's other logs are settled again.

Flags point at their record by a generic key, so no foreign key removes them: without this, the review queue
would list a flag for a record that no longer exists, and a log flagged only because of a deleted one would stay
out of the figures. Dates are explicit (`today=`), as in test_integrity_records.py.
"""

import datetime
from decimal import Decimal

import pytest

from classroom import services
from classroom.integrity.flags import flags_of, raise_flag
from classroom.models import ClassHourLog, FlagRule, FlagStatus, IntegrityFlag
from people.models import SchoolYear
from people.testing import make_class, make_school, make_student, make_teacher

from .helpers import take_quiz

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 11, 18)
TODAY = datetime.date(2025, 11, 20)


@pytest.fixture
def school(db):
    year = SchoolYear.get_or_create_for(2025)
    school = make_school(name="青山三中")
    school.school_class = make_class(school, grade=8, number=1, year=year)
    for _ in range(12):
        make_student(school.school_class)
    school.teacher = make_teacher(school, [school.school_class])
    return school


def _save(school, hours: str) -> ClassHourLog:
    log = ClassHourLog(
        school_class=school.school_class,
        topic="认识毒品",
        taught_on=DAY,
        class_hours=Decimal(hours),
        students_present=12,
        minutes=40,
        engagement=4,
        teacher=school.teacher,
    )
    return services.save_class_hour(school.teacher, log, today=TODAY)


def test_deleting_a_flagged_log_removes_its_flags(school):
    _save(school, "3.0")
    flagged = _save(school, "2.0")
    assert set(flags_of(flagged).values_list("rule", flat=True)) == {FlagRule.HOURS_BEYOND_DAY}
    pk = flagged.pk
    services.delete_class_hour(school.teacher, flagged, today=TODAY)
    assert not IntegrityFlag.objects.filter(object_id=pk, rule=FlagRule.HOURS_BEYOND_DAY).exists()


def test_deleting_the_other_log_of_a_day_withdraws_the_open_flag_it_caused(school):
    first = _save(school, "3.0")
    second = _save(school, "2.0")
    assert flags_of(second).get().status == FlagStatus.OPEN
    services.delete_class_hour(school.teacher, first, today=TODAY)
    assert not flags_of(second).exists(), "2.0 hours alone in the day are not unusual"


def test_a_decided_flag_of_the_other_log_keeps_its_decision(school):
    first = _save(school, "3.0")
    second = _save(school, "2.0")
    IntegrityFlag.objects.filter(pk=flags_of(second).get().pk).update(
        status=FlagStatus.CONFIRMED, review_reason="核实为重复登记"
    )
    services.delete_class_hour(school.teacher, first, today=TODAY)
    assert flags_of(second).get().status == FlagStatus.CONFIRMED


def test_an_attempt_deleted_takes_its_flags(school, quiz):
    student = make_student(school.school_class)
    attempt = take_quiz(student, quiz, right=True)
    raise_flag(attempt, FlagRule.TOO_FAST, school=school, student=student, evidence={"seconds": 3})
    pk = attempt.pk
    attempt.delete()
    assert not IntegrityFlag.objects.filter(object_id=pk, rule=FlagRule.TOO_FAST).exists()
