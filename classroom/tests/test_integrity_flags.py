import pytest
from django.utils import timezone

from classroom.integrity.flags import flagged_ids, flags_of, raise_flag, uncounted_ids
from classroom.models import FlagRule, FlagStatus, IntegrityFlag, LessonProgress
from people.testing import make_class, make_school, make_student

pytestmark = pytest.mark.django_db


@pytest.fixture
def progress(lesson):
    school_class = make_class(make_school())
    student = make_student(school_class)
    now = timezone.now()
    record = LessonProgress.objects.create(student=student, lesson=lesson, first_opened_at=now, last_seen_at=now)
    return record, student, school_class


def test_the_same_rule_twice_keeps_one_flag_and_its_newest_evidence(progress):
    record, student, school_class = progress
    first = raise_flag(record, FlagRule.SHARED_DEVICE, school=student.school, student=student, evidence={"n": 2})
    second = raise_flag(record, FlagRule.SHARED_DEVICE, school=student.school, student=student, evidence={"n": 3})
    assert first.pk == second.pk
    assert IntegrityFlag.objects.get().evidence == {"n": 3}
    assert list(flags_of(record)) == [first]


def test_a_decided_flag_keeps_its_decision_when_the_rule_fires_again(progress):
    record, student, _ = progress
    flag = raise_flag(record, FlagRule.SHARED_NETWORK, school=student.school, evidence={"n": 2})
    IntegrityFlag.objects.filter(pk=flag.pk).update(status=FlagStatus.CLEARED)
    raise_flag(record, FlagRule.SHARED_NETWORK, school=student.school, evidence={"n": 9})
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CLEARED and flag.evidence == {"n": 2}


def test_only_open_and_confirmed_flags_leave_a_record_uncounted(progress):
    record, student, _ = progress
    assert flagged_ids(LessonProgress) == set()
    flag = raise_flag(record, FlagRule.SHARED_DEVICE, school=student.school)
    assert flagged_ids(LessonProgress) == {record.pk}
    assert LessonProgress.objects.filter(pk__in=uncounted_ids(LessonProgress)).count() == 1
    IntegrityFlag.objects.filter(pk=flag.pk).update(status=FlagStatus.CONFIRMED)
    assert flagged_ids(LessonProgress, [record.pk]) == {record.pk}
    IntegrityFlag.objects.filter(pk=flag.pk).update(status=FlagStatus.CLEARED)
    assert flagged_ids(LessonProgress) == set()
