"""Reminders of assigned work: due soon and overdue to the students who have not finished, a summary of the
class's overdue work to its teachers, each told once however often the daily run goes."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from classroom import services
from classroom.reminders import send_assignment_reminders
from people.models import Notification

from .helpers import take_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def _run(day):
        with django_capture_on_commit_callbacks(execute=True):
            return send_assignment_reminders(day)

    return _run


def kinds(user):
    return sorted(Notification.objects.filter(user=user).values_list("kind", flat=True))


def test_due_soon_then_overdue_told_once_to_who_has_not_finished(world, quiz, run):
    today = timezone.localdate()
    world.student.user.email = "zhangsan@example.org"
    world.student.user.save()
    services.assign(world.teacher, [world.class_a], quiz=quiz, starts_on=today, due_on=today + datetime.timedelta(2))
    take_quiz(world.student_2, quiz, right=True)  # 李四 has finished: he is told nothing

    assert run(today - datetime.timedelta(1)) == 0, "three days before: not yet due soon"
    assert run(today) == 1
    assert run(today) == 0, "the second run of the day tells nobody again"
    assert kinds(world.student.user) == ["classroom.due_soon"]
    assert kinds(world.student_2.user) == []
    assert kinds(world.student_b.user) == [], "another class's student is not given the work"
    assert mail.outbox[-1].to == ["zhangsan@example.org"] and "课后小测" in mail.outbox[-1].subject

    overdue_day = today + datetime.timedelta(3)
    assert run(overdue_day) == 2  # 张三's overdue notice and teacher_a's summary
    assert run(overdue_day + datetime.timedelta(1)) == 0
    assert kinds(world.student.user) == ["classroom.due_soon", "classroom.overdue"]
    (summary,) = Notification.objects.filter(user=world.teacher)
    assert summary.kind == "classroom.overdue_summary" and "课后小测" in summary.body and "1" in summary.body
    assert kinds(world.teacher_b) == []


def test_old_and_withdrawn_work_is_left_alone(world, quiz, run):
    today = timezone.localdate()
    assignment = services.assign(
        world.teacher, [world.class_a], quiz=quiz, starts_on=today, due_on=today + datetime.timedelta(1)
    )[0]
    assert run(today + datetime.timedelta(30)) == 0, "overdue for a month: past the look-back"
    services.withdraw_assignment(world.teacher, assignment)
    assert run(today) == 0
