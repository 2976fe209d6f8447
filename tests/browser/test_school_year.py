"""The school-year journey of issue #16 in a real browser: a teacher assigns a lesson with its quiz to three
chosen students and gives one of them extra time; the student reads on a 360 px phone (the self-study time comes
from the text), takes the quiz drawn at his grade band and finishes; a classmate not chosen sees nothing; the
teacher sees the grid, exports the XLSX (a row per student), and logs the class hour with a 签到表 photo.
axe finds no serious or critical violation on any of these pages."""

import datetime
import io

import pytest
from openpyxl import load_workbook
from PIL import Image

from classroom.models import Assignment, ClassHourFile, LessonProgress
from lessons.tests.factories import make_lesson, make_module
from people.testing import PASSWORD, World, make_student
from quizzes.models import Attempt
from quizzes.tests import factories as quiz_factories

from .helpers import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _banded(text: str, bands: list[str]):
    question = quiz_factories.question(text=text, options=((f"{text}·对", 100), (f"{text}·错", 0)))
    question.grade_bands = bands
    question.save()
    return question


def test_chosen_students_extra_time_banded_draw_grid_export_and_class_hour(
    live_server, settings, tmp_path, desktop_page, new_page
):
    settings.MEDIA_ROOT = tmp_path
    # The rule is the real one (self-study time from the text); only the share a student must stay is small.
    settings.QINGDUN = {**settings.QINGDUN, "MIN_READING_SHARE": 0.01}
    world = World()
    third = make_student(world.class_a, "1003", "王芳")
    left_out = make_student(world.class_a, "1004", "赵强")
    junior = [_banded(f"初中题{i}", ["junior"]) for i in range(3)]
    for i in range(3):
        _banded(f"小学题{i}", ["primary_upper"])
    quiz = quiz_factories.quiz(
        rules=[{"count": 3}],
        title="拒绝技巧小测",
        live=True,
        open_to_all_students=False,
        shuffle_options=False,
        attempts_allowed=0,
        time_limit_minutes=10,
    )
    lesson = make_lesson(make_module(), slug="refuse", reading_minutes=5, quiz=quiz)
    base = live_server.url

    # The teacher gives the lesson and its quiz, as one task, to three chosen students.
    teacher = desktop_page
    sign_in(teacher, base, world.teacher.username, PASSWORD)
    teacher.goto(f"{base}/classroom/assign/?class={world.class_a.pk}")
    assert_accessible(teacher, "on the assign page")
    teacher.check("input[name=kind][value=lesson]")
    teacher.select_option("select[name=lesson]", str(lesson.pk))
    teacher.check("input[name=audience][value=students]")
    for student in (world.student, world.student_2, third):
        teacher.check(f"input[name=students][value='{student.pk}']")
    teacher.locator("form[data-assign-form] button[type=submit]").click()
    teacher.wait_for_url(f"{base}/classroom/classes/{world.class_a.pk}/")
    assignment = Assignment.objects.get(lesson=lesson)
    assert set(assignment.recipients.values_list("pk", flat=True)) == {world.student.pk, world.student_2.pk, third.pk}

    # Ten extra minutes for one of them, with the reason.
    teacher.goto(f"{base}/classroom/assignments/{assignment.pk}/allowances/")
    assert_accessible(teacher, "on the allowances page")
    teacher.select_option("select[name=student]", str(world.student.pk))
    teacher.fill("input[name=extra_minutes]", "10")
    teacher.fill("input[name=reason]", "读写困难，需要更多时间")
    teacher.locator("main form button[type=submit]").click()
    teacher.wait_for_load_state()
    assert "读写困难" in teacher.content()

    # The classmate who was not chosen has nothing to do.
    other = new_page()
    sign_in(other, base, left_out.user.username, PASSWORD)
    other.goto(f"{base}/classroom/me/")
    assert lesson.title not in other.content()

    # The chosen student reads on a phone, then takes the quiz drawn at his grade band, with his extra time.
    student = new_page()
    student.on("dialog", lambda dialog: dialog.accept())
    sign_in(student, base, world.student.user.username, PASSWORD)
    student.goto(f"{base}/classroom/me/")
    assert _fits(student)
    assert_accessible(student, "on the student's home at 360 px")
    student.get_by_role("link", name=lesson.title).first.click()
    student.wait_for_url(f"{base}/classroom/lessons/{lesson.pk}/")
    assert "5" in student.locator("main").inner_text()  # the self-study minutes the text asks for
    assert _fits(student)
    assert_accessible(student, "in the lesson reader at 360 px")
    student.wait_for_timeout(4000)
    with student.expect_response(lambda r: "/signal/" in r.url):
        student.locator("[data-end-marker]").scroll_into_view_if_needed()
    student.locator(f"a[href$='/quizzes/{quiz.pk}/']").first.click()
    student.locator("form[action$='/start/'] button[type=submit]").click()
    student.wait_for_selector("#quiz-submit")
    assert _fits(student)
    assert_accessible(student, "on the quiz at 360 px")
    text = student.locator("main").inner_text()
    assert "小学题" not in text, "a 初二 student drew a primary-level question"
    attempt = Attempt.objects.get(student=world.student, quiz=quiz)
    assert {item["q"] for item in attempt.paper} == {q.pk for q in junior}
    assert attempt.deadline_at - attempt.started_at == datetime.timedelta(minutes=20)
    for question in junior:
        student.get_by_label(f"{question.text}·对").check()
    student.locator("#quiz-submit").click()
    student.wait_for_url("**/quizzes/attempt/*/result/")
    assert LessonProgress.objects.get(student=world.student, lesson=lesson).completed_at is not None
    assert student.watcher.errors == []

    # The teacher's grid: finished for him, "—" for the classmate not given the work.
    teacher.goto(f"{base}/classroom/classes/{world.class_a.pk}/")
    assert teacher.locator("tr", has_text=world.student.user.full_name).locator(".badge.ok").count() == 1
    assert teacher.locator("tr", has_text=left_out.user.full_name).locator(".badge").count() == 0
    assert_accessible(teacher, "on the class progress page")

    # The XLSX: a row per student on the first sheet, headed 姓名, and the long table on the second.
    response = teacher.request.get(f"{base}/classroom/classes/{world.class_a.pk}/export.xlsx")
    assert response.ok
    book = load_workbook(io.BytesIO(response.body()), read_only=True)
    first, second = book.worksheets[0], book.worksheets[1]
    rows = list(first.iter_rows(values_only=True))
    header = next(row for row in rows if row and "姓名" in row)
    names = [row[header.index("姓名")] for row in rows[rows.index(header) + 1 :] if row and any(row)]
    assert sorted(names) == sorted(["张三", "李四", "王芳", "赵强"])
    assert second.max_row >= 2

    # The class hour with its 签到表 photo, on one screen.
    teacher.goto(f"{base}/classroom/hours/new/?class={world.class_a.pk}&lesson={lesson.pk}")
    assert_accessible(teacher, "on the class-hour form")
    teacher.fill("input[name=students_present]", "4")
    teacher.fill("input[name=minutes]", "40")
    teacher.select_option("select[name=engagement]", "4")
    photo = io.BytesIO()
    Image.new("RGB", (120, 80), (31, 111, 92)).save(photo, format="JPEG")
    teacher.set_input_files(
        "input[name=files]", files=[{"name": "签到表.jpg", "mimeType": "image/jpeg", "buffer": photo.getvalue()}]
    )
    with teacher.expect_navigation():
        teacher.locator("main form.form button[type=submit]").click()
    assert teacher.locator(".error-summary").count() == 0
    assert ClassHourFile.objects.filter(original_name="签到表.jpg", log__lesson=lesson).count() == 1
    assert teacher.watcher.errors == []
