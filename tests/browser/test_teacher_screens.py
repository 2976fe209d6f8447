"""The teacher's screens at 360 px in a real browser: the home summary, the progress grid (short titles with the
whole title on focus, the name column kept in view), the class-hour form's error summary taking focus, a
class-hour log with its 签到表 photo, and the filtered log; axe on each page."""

import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image

from classroom import services
from classroom.models import ClassHourFile, LessonProgress
from lessons.tests.factories import make_lesson, make_module
from people.testing import PASSWORD, World

from .helpers import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_teacher_screens_on_a_phone(live_server, settings, tmp_path, phone_page):
    settings.MEDIA_ROOT = tmp_path
    world = World()
    module = make_module()
    today = timezone.localdate()
    lessons = [make_lesson(module, slug=f"l{i}", title=f"认识毒品第{i}课：常见毒品及其危害") for i in range(5)]
    for i, lesson in enumerate(lessons):
        services.assign(
            world.teacher,
            [world.class_a],
            lesson=lesson,
            starts_on=today - datetime.timedelta(days=9),
            due_on=today + datetime.timedelta(days=i - 2),
        )
    now = timezone.now()
    LessonProgress.objects.create(
        student=world.student,
        lesson=lessons[0],
        first_opened_at=now,
        last_seen_at=now,
        active_seconds=600,
        completed_at=now,
    )
    base = live_server.url
    page = phone_page
    sign_in(page, base, world.teacher.username, PASSWORD)

    page.goto(f"{base}/")
    assert "10%" in page.locator(".class-summaries").inner_text(), "1 of 10 student tasks finished"
    assert page.locator(".class-summaries .badge.bad").count() == 1, "overdue work is marked"
    assert _fits(page)
    assert_accessible(page, "on the teacher's home at 360 px")

    page.goto(f"{base}/classroom/classes/{world.class_a.pk}/")
    assert_accessible(page, "on the progress grid at 360 px")
    heading = page.locator(".progress-table thead .col-title").first
    assert heading.locator("[aria-hidden=true]").inner_text() == "认识毒品第0课…"
    tip = page.locator(".progress-table thead .col-tip").first
    assert not tip.is_visible()
    heading.focus()
    assert tip.is_visible() and tip.inner_text() == lessons[0].title
    # Scrolled sideways, the student's name stays where it was.
    wrap = page.locator(".table-wrap").last
    name = page.locator(".progress-table tbody th[scope=row]").first
    before = name.bounding_box()["x"]
    wrap.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    assert wrap.evaluate("el => el.scrollLeft") > 0, "the grid is wider than the phone"
    assert abs(name.bounding_box()["x"] - before) < 1
    assert _fits(page)

    # A form sent with mistakes: the summary at the top takes focus and links to the field.
    page.goto(f"{base}/classroom/hours/new/?class={world.class_a.pk}")
    page.fill("input[name=minutes]", "")
    page.locator("main form.form button[type=submit]").click()
    page.wait_for_selector(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert_accessible(page, "on the class-hour form with errors")
    page.locator(".error-summary a[href='#id_minutes']").click()
    assert page.evaluate("document.activeElement.id") == "id_minutes"

    # The class hour with its sign-in sheet photo, on one screen.
    page.select_option("select[name=lesson]", str(lessons[0].pk))
    page.fill("input[name=students_present]", "2")
    page.fill("input[name=minutes]", "40")
    page.select_option("select[name=engagement]", "4")
    photo = io.BytesIO()
    Image.new("RGB", (120, 80), (31, 111, 92)).save(photo, format="JPEG")
    page.set_input_files(
        "input[name=files]", files=[{"name": "签到表.jpg", "mimeType": "image/jpeg", "buffer": photo.getvalue()}]
    )
    with page.expect_navigation():
        page.locator("main form.form button[type=submit]").click()
    assert page.locator(".error-summary").count() == 0, page.locator(".error-summary").inner_text()
    # (A redirect keeps the fragment the error link left in the address.)
    assert page.url.split("#")[0] == f"{base}/classroom/classes/{world.class_a.pk}/"
    assert ClassHourFile.objects.filter(original_name="签到表.jpg", file_kind="jpeg").count() == 1

    page.goto(f"{base}/classroom/hours/?school_class={world.class_a.pk}")
    assert page.locator("tbody tr").count() == 1
    assert page.locator("a[href*='/classroom/hours/export.xlsx?school_class=']").count() == 1
    assert _fits(page)
    assert_accessible(page, "on the filtered class-hour log at 360 px")
    assert page.watcher.errors == []
