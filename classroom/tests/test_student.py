"""The student's side: reader access and signals, my assignments, the quiz availability rule, the certificate."""

import datetime

from django.urls import reverse
from django.utils import timezone

from classroom import services
from classroom.models import LessonProgress
from quizzes import access as quiz_access

from .helpers import read_for, take_quiz


def test_reader_records_opening_only_for_assigned_lessons(client, world, lesson, week):
    client.force_login(world.student.user)
    url = reverse("classroom:read", args=[lesson.pk])
    assert client.get(url).status_code == 404, "not assigned yet"
    services.assign(world.teacher, [world.class_b], lesson=lesson, **week)
    assert client.get(url).status_code == 404, "assigned to another class"
    services.assign(world.teacher, [world.class_a], lesson=lesson, **week)
    response = client.get(url)
    assert response.status_code == 200
    signal_url = reverse("classroom:signal", args=[lesson.pk])
    assert f'data-signal-url="{signal_url}"' in response.content.decode()
    assert LessonProgress.objects.filter(student=world.student, lesson=lesson).exists()


def test_a_future_or_withdrawn_assignment_is_not_open(client, world, lesson, today):
    (assignment,) = services.assign(
        world.teacher,
        [world.class_a],
        lesson=lesson,
        starts_on=today + datetime.timedelta(days=1),
        due_on=today + datetime.timedelta(days=3),
    )
    client.force_login(world.student.user)
    assert client.get(reverse("classroom:read", args=[lesson.pk])).status_code == 404
    assignment.starts_on = today
    assignment.save()
    assert client.get(reverse("classroom:read", args=[lesson.pk])).status_code == 200
    services.withdraw_assignment(world.teacher, assignment)
    assert client.get(reverse("classroom:read", args=[lesson.pk])).status_code == 404


def test_signal_ignores_client_durations_and_needs_an_opened_reader(client, world, lesson, week):
    services.assign(world.teacher, [world.class_a], lesson=lesson, **week)
    client.force_login(world.student.user)
    signal = reverse("classroom:signal", args=[lesson.pk])
    assert client.post(signal).status_code == 404
    client.get(reverse("classroom:read", args=[lesson.pk]))
    response = client.post(signal, {"end": "1", "seconds": "99999", "active_seconds": "99999"})
    assert response.status_code == 200
    data = response.json()
    assert data["finished"] is False and data["active_seconds"] < 5
    client.force_login(world.teacher)
    assert client.post(signal).status_code == 404


def test_teachers_preview_the_reader_without_recording(client, world, lesson):
    client.force_login(world.teacher)
    assert client.get(reverse("classroom:read", args=[lesson.pk])).status_code == 200
    assert not LessonProgress.objects.exists()


def test_my_assignments_are_grouped_due_soon_overdue_done(client, world, module, lesson, quiz, today):
    from lessons.tests.factories import make_lesson

    late = make_lesson(module, slug="late", reading_minutes=10)
    services.assign(
        world.teacher,
        [world.class_a],
        lesson=lesson,
        starts_on=today - datetime.timedelta(days=9),
        due_on=today + datetime.timedelta(days=1),
    )
    services.assign(
        world.teacher,
        [world.class_a],
        lesson=late,
        starts_on=today - datetime.timedelta(days=9),
        due_on=today - datetime.timedelta(days=1),
    )
    services.assign(
        world.teacher,
        [world.class_a],
        quiz=quiz,
        starts_on=today - datetime.timedelta(days=9),
        due_on=today + datetime.timedelta(days=30),
    )
    take_quiz(world.student, quiz, right=True)
    client.force_login(world.student.user)
    response = client.get(reverse("classroom:my_work"))
    groups = response.context["groups"]
    assert [i.plan.assignment.lesson_id for i in groups["due_soon"]] == [lesson.pk]
    assert [i.plan.assignment.lesson_id for i in groups["overdue"]] == [late.pk]
    assert [i.plan.assignment.quiz_id for i in groups["done"]] == [quiz.pk]
    home = client.get(reverse("core:home"))
    assert reverse("classroom:my_work") in home.content.decode()


def test_quiz_rule_opens_assigned_quizzes_to_the_class_only(world, lesson_with_quiz, quiz, week):
    assert not quiz_access.is_available(world.student, quiz)
    services.assign(world.teacher, [world.class_a], lesson=lesson_with_quiz, **week)
    assert quiz_access.is_available(world.student, quiz)
    assert not quiz_access.is_available(world.student_b, quiz)
    assert not quiz_access.is_available(world.other_student, quiz)


def test_quiz_rule_covers_module_lessons_and_direct_quizzes(world, module, lesson_with_quiz, quiz, week):
    services.assign(world.teacher, [world.class_b], module=module, **week)
    assert quiz_access.is_available(world.student_b, quiz)
    assert not quiz_access.is_available(world.student, quiz)
    services.assign(world.teacher, [world.class_a], quiz=quiz, **week)
    assert quiz_access.is_available(world.student, quiz)


def test_certificate_only_when_every_assignment_of_the_term_is_finished(client, world, lesson, quiz, week):
    client.force_login(world.student.user)
    assert client.get(reverse("classroom:certificate")).context["met"] is False, "nothing assigned: no certificate"
    services.assign(world.teacher, [world.class_a], lesson=lesson, **week)
    services.assign(world.teacher, [world.class_a], quiz=quiz, **week)
    progress = read_for(
        LessonProgress.objects.create(
            student=world.student,
            lesson=lesson,
            first_opened_at=timezone.now(),
            last_seen_at=timezone.now() - datetime.timedelta(hours=1),
        ),
        lesson,
        330,
    )
    assert progress.completed_at is not None
    assert client.get(reverse("classroom:certificate")).context["met"] is False, "the quiz is not passed"
    take_quiz(world.student, quiz, right=True)
    response = client.get(reverse("classroom:certificate"))
    assert response.context["met"] is True
    assert world.student.user.full_name in response.content.decode()
