"""The class progress page costs a fixed number of queries; exports stream and are audited."""

import datetime

from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from classroom import completion, services
from classroom.models import LessonProgress
from core.models import AuditEvent
from lessons.tests.factories import make_lesson
from people.testing import make_student

from .helpers import take_quiz


def _grow(world, module, quiz, week, *, students: int, lessons: int, tag: str, extra_assignments: bool):
    """Add students to class A and lesson assignments (with some progress) until it has what the test needs."""
    for i in range(students):
        make_student(world.class_a, f"{tag}{i:04d}")
    made = [make_lesson(module, slug=f"{tag}-l{i}", estimated_minutes=10, body=[]) for i in range(lessons)]
    for lesson in made:
        services.assign(world.teacher, [world.class_a], lesson=lesson, **week)
    if extra_assignments:
        services.assign(world.teacher, [world.class_a], module=module, **week)
        services.assign(world.teacher, [world.class_a], quiz=quiz, **week)
    now = timezone.now()
    enrolled = [e.student for e in world.class_a.enrollments.select_related("student")]
    LessonProgress.objects.bulk_create(
        [
            LessonProgress(
                student=student,
                lesson=lesson,
                first_opened_at=now,
                last_seen_at=now,
                active_seconds=400,
                completed_at=now if student.pk % 2 else None,
            )
            for student in enrolled
            for lesson in made
        ],
        ignore_conflicts=True,
    )
    for student in enrolled[:: max(1, len(enrolled) // 5)]:
        take_quiz(student, quiz, right=student.pk % 3 == 0)


def _count_queries(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Once unmeasured: per-process caches (content types, the site, locales) fill on a process's first use, and
    # which tests ran before in this worker decides whether they are warm. Growth shows on every request.
    client.get(reverse("classroom:class_progress", args=[world.class_a.pk]))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("classroom:class_progress", args=[world.class_a.pk]))
    assert response.status_code == 200
    return response, len(queries)


def test_progress_page_queries_do_not_grow_with_students_or_assignments(
    client, world, module, quiz, week, django_assert_max_num_queries
):
    client.force_login(world.teacher)
    # A class of 5 with 3 assignments …
    _grow(world, module, quiz, week, students=3, lessons=1, tag="a", extra_assignments=True)
    _, small = _count_queries(client, world)
    # … then a class of 50 with 10 assignments (a lesson, a module and a quiz among them): the same count.
    _grow(world, module, quiz, week, students=45, lessons=7, tag="b", extra_assignments=False)
    response, big = _count_queries(client, world)
    assert len(response.context["progress"].students) == 50
    assert len(response.context["progress"].plans) == 10
    assert big == small
    with django_assert_max_num_queries(25):
        client.get(reverse("classroom:class_progress", args=[world.class_a.pk]))


def test_progress_page_shows_finished_attempts_and_flags(client, world, lesson_with_quiz, quiz, week):
    services.assign(world.teacher, [world.class_a], lesson=lesson_with_quiz, **week)
    take_quiz(world.student, quiz, right=False)
    attempt = take_quiz(world.student, quiz, right=True)
    attempt.flags = ["too_fast"]
    attempt.save(update_fields=["flags"])
    start = timezone.now() - datetime.timedelta(hours=1)
    progress = completion.record_open(world.student, lesson_with_quiz, now=start)
    completion.record_signal(progress.pk, lesson_with_quiz, now=start + datetime.timedelta(seconds=50))
    client.force_login(world.teacher)
    response = client.get(reverse("classroom:class_progress", args=[world.class_a.pk]))
    (plan,) = response.context["progress"].plans
    cell = response.context["progress"].cells[(world.student.pk, plan.assignment.pk)]
    assert (cell.opened, cell.finished, cell.attempts, cell.best, cell.flagged) == (True, False, 2, 100.0, 1)
    other = response.context["progress"].cells[(world.student_2.pk, plan.assignment.pk)]
    assert (other.opened, other.finished, other.attempts) == (False, False, 0)
    results = client.get(reverse("classroom:quiz_results", args=[plan.assignment.pk]))
    assert results.status_code == 200
    rows = results.context["results"]["questions"]
    assert len(rows) == 2 and all(row.facility == 1.0 for row in rows)


def test_exports_stream_and_are_audited(client, world, lesson, week):
    services.assign(world.teacher, [world.class_a], lesson=lesson, **week)
    client.force_login(world.teacher)
    response = client.get(reverse("classroom:class_export", args=[world.class_a.pk, "csv"]))
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 1 + 2  # header + two students × one assignment
    assert world.student.student_number in text and "attachment" in response["Content-Disposition"]
    response = client.get(reverse("classroom:class_export", args=[world.class_a.pk, "xlsx"]))
    assert isinstance(response, FileResponse)
    data = b"".join(response.streaming_content)
    assert data.startswith(b"PK")
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.max_row == 3
    assert AuditEvent.objects.filter(action="export", actor=world.teacher).count() == 2
