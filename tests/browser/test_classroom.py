"""Classroom in a real browser: a teacher assigns a lesson with its quiz; a student reads it at 360 px, takes
the quiz and finishes; the teacher sees it, logs the class hour and uploads a photo for a 主题班会."""

import io

import pytest
from PIL import Image

from classroom.models import ActivityEvidence, ClassHourLog, LessonProgress
from lessons.tests.factories import make_lesson, make_module
from people.testing import PASSWORD, World
from quizzes.tests import factories as quiz_factories

from .helpers import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_assign_read_quiz_finish_log_and_upload(live_server, settings, tmp_path, desktop_page, new_page):
    settings.MEDIA_ROOT = tmp_path
    # A lesson of 5 minutes' self-study at 1% needs 3 s of reading: the rule is the real one, only the share is small.
    settings.QINGDUN = {**settings.QINGDUN, "MIN_READING_SHARE": 0.01}
    world = World()
    questions = [
        quiz_factories.question(text=f"第{i}题", options=((f"正确{i}", 100), (f"错误{i}", 0))) for i in range(2)
    ]
    quiz = quiz_factories.quiz(
        questions,
        title="拒绝技巧小测",
        live=True,
        open_to_all_students=False,
        shuffle_questions=False,
        shuffle_options=False,
        attempts_allowed=0,
    )
    lesson = make_lesson(make_module(), slug="refuse", reading_minutes=5, quiz=quiz)
    base = live_server.url

    # The teacher assigns the lesson to her class.
    teacher = desktop_page
    sign_in(teacher, base, world.teacher.username, PASSWORD)
    teacher.goto(f"{base}/classroom/assign/?class={world.class_a.pk}")
    assert_accessible(teacher, "on the assign page")
    teacher.check("input[name=kind][value=lesson]")
    teacher.select_option("select[name=lesson]", str(lesson.pk))
    teacher.fill("textarea[name=note]", "周五前读完并完成小测。")
    teacher.locator("form[data-assign-form] button[type=submit]").click()
    teacher.wait_for_url(f"{base}/classroom/classes/{world.class_a.pk}/")
    assert lesson.title in teacher.content()

    # The student reads it on a phone, reaches the end, takes the quiz and passes.
    student = new_page()
    student.on("dialog", lambda dialog: dialog.accept())
    sign_in(student, base, world.student.user.username, PASSWORD)
    student.goto(f"{base}/classroom/me/")
    assert _fits(student)
    assert_accessible(student, "on the student's assignments at 360 px")
    student.get_by_role("link", name=lesson.title).click()
    student.wait_for_url(f"{base}/classroom/lessons/{lesson.pk}/")
    assert _fits(student)
    assert_accessible(student, "in the lesson reader at 360 px")
    student.wait_for_timeout(4000)
    with student.expect_response(lambda r: "/signal/" in r.url):
        student.locator("[data-end-marker]").scroll_into_view_if_needed()
    progress = LessonProgress.objects.get(student=world.student, lesson=lesson)
    assert progress.reached_end_at is not None and progress.completed_at is None, "the quiz is still to pass"
    student.locator(f"a[href$='/quizzes/{quiz.pk}/']").click()
    student.locator("form[action$='/start/'] button[type=submit]").click()
    for i in range(2):
        student.get_by_label(f"正确{i}").check()
    student.locator("#quiz-submit").click()
    # The page submits in the background and moves on once the server has confirmed the submission.
    student.wait_for_url("**/quizzes/attempt/*/result/")
    progress.refresh_from_db()
    assert progress.completed_at is not None
    student.goto(f"{base}/classroom/me/")
    assert student.locator(".item-done").count() == 1
    assert student.watcher.errors == []

    # The teacher sees the student finished, logs the class hour and uploads a photo for a 主题班会.
    teacher.goto(f"{base}/classroom/classes/{world.class_a.pk}/")
    row = teacher.locator("tr", has_text=world.student.user.full_name)
    teacher.reload()
    assert row.locator(".badge.ok").count() == 1
    assert_accessible(teacher, "on the class progress page")
    teacher.goto(f"{base}/classroom/hours/new/?class={world.class_a.pk}&lesson={lesson.pk}")
    assert_accessible(teacher, "on the class-hour form")
    teacher.select_option("select[name=method]", "class_meeting")
    teacher.fill("input[name=students_present]", "2")
    teacher.fill("input[name=minutes]", "40")
    teacher.select_option("select[name=engagement]", "4")
    teacher.fill("textarea[name=parts_covered]", "导入、情景演练、小结")
    teacher.locator("main form.form button[type=submit]").click()
    teacher.wait_for_url(f"{base}/classroom/classes/{world.class_a.pk}/")
    assert ClassHourLog.objects.filter(school_class=world.class_a, lesson=lesson).count() == 1

    teacher.goto(f"{base}/classroom/activities/new/")
    assert_accessible(teacher, "on the activity form")
    teacher.select_option("select[name=type]", "class_meeting")
    teacher.fill("input[name=title]", "珍爱生命 远离毒品")
    teacher.check(f"input[name=classes][value='{world.class_a.pk}']")
    teacher.locator("main form.form button[type=submit]").click()
    teacher.wait_for_load_state()
    photo = io.BytesIO()
    Image.new("RGB", (120, 80), (31, 111, 92)).save(photo, format="JPEG")
    teacher.set_input_files(
        "input[name=files]", files=[{"name": "班会.jpg", "mimeType": "image/jpeg", "buffer": photo.getvalue()}]
    )
    teacher.locator("form[enctype] button[type=submit]").click()
    teacher.wait_for_load_state()
    assert ActivityEvidence.objects.filter(activity__title="珍爱生命 远离毒品", file_kind="jpeg").count() == 1
    assert teacher.locator("img[alt*='班会.jpg']").count() == 1
    # Reloaded so the flash message is gone: base.html's <ul role="status"> trips axe's listitem rule (reported).
    teacher.reload()
    assert_accessible(teacher, "on the activity page with its photo")
    assert teacher.watcher.errors == []
