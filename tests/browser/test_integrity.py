"""The integrity review queue in a real browser at 360 px: a school admin finds two students flagged on one
device, sees the evidence in words, is stopped by an empty reason (the error summary takes focus), then clears
the flag with a reason, and the audit trail and the flag's state say so."""

import pytest
from django.utils import timezone

from classroom.integrity.flags import raise_flag
from classroom.models import FlagRule, FlagStatus, IntegrityFlag, LessonProgress
from core.models import AuditEvent
from lessons.tests.factories import make_lesson, make_module
from people.testing import PASSWORD, World, make_student

from .helpers import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_school_admin_reviews_a_shared_device_flag_on_a_phone(live_server, phone_page):
    world = World()
    lesson = make_lesson(make_module(), slug="shared-device")
    other = make_student(world.class_a, "1009", "李四")
    now = timezone.now()
    for student in (world.student, other):
        progress = LessonProgress.objects.create(
            student=student, lesson=lesson, first_opened_at=now, last_seen_at=now, device_id="room-pc-7"
        )
        raise_flag(
            progress,
            FlagRule.SHARED_DEVICE,
            school=world.school,
            school_class=world.class_a,
            student=student,
            group="room-pc-7",
            evidence={"window_minutes": 10, "others": [{"id": 0, "name": "另一名学生"}]},
        )
    base = live_server.url
    page = phone_page
    sign_in(page, base, world.school_admin.username, PASSWORD)

    page.goto(f"{base}/classroom/integrity/")
    assert "多名学生使用同一设备" in page.content()
    assert "room-pc-7" not in page.content()  # the group shows as a short label, never the device id
    assert _fits(page)
    assert_accessible(page, "on the review queue at 360 px")

    flag = IntegrityFlag.objects.filter(student=world.student.pk).get()
    page.goto(f"{base}/classroom/integrity/{flag.pk}/")
    assert_accessible(page, "on a flag at 360 px")
    page.click("button[name=decision][value=clear]")
    page.wait_for_selector(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert_accessible(page, "on the refused decision")
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN

    page.fill("textarea[name=reason]", "机房第7号电脑，两人先后上课，已核实")
    page.click("button[name=decision][value=clear]")
    page.wait_for_load_state()
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CLEARED and flag.reviewed_by_id == world.school_admin.pk
    assert AuditEvent.objects.filter(action="integrity.cleared").count() == 1
    assert _fits(page)
