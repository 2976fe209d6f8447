"""告家长书 in a real browser: a teacher sends a letter to her class; a parent with no account opens the
student's QR link on a 360 px phone, reads it, acknowledges and does the home activity; the teacher sees the
rate move. axe finds no serious or critical violation on these pages."""

import datetime
import re

import pytest
from django.utils import timezone
from wagtail.models import Locale

from lessons.models import ParentLetter
from people.testing import PASSWORD, World

from .helpers import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_send_scan_acknowledge_and_see_the_rate(live_server, desktop_page, new_page):
    world = World()
    letter = ParentLetter(
        locale=Locale.get_default(),
        title="致家长的一封信",
        body="<p>请和孩子一起读这封信，并聊一聊如何拒绝来历不明的饮料。</p>",
        activity_intro="读完后聊十分钟。",
        questions=[("question", "孩子学到了什么？"), ("question", "遇到有人劝说时怎么做？")],
    )
    letter.save()
    letter.save_revision().publish()
    base = live_server.url

    teacher = desktop_page
    sign_in(teacher, base, world.teacher.username, PASSWORD)
    teacher.goto(f"{base}/classroom/classes/{world.class_a.pk}/letters/")
    assert_accessible(teacher, "on the class's letters page")
    teacher.select_option("select[name=letter]", str(letter.pk))
    closes = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    teacher.fill("input[name=closes_on]", closes)
    teacher.locator("main form button[type=submit]").click()
    teacher.wait_for_url(re.compile(r"/classroom/letters/\d+/$"))
    assert "2 人中 0 人已签收" in teacher.content()
    assert_accessible(teacher, "on the sending page")

    # The student's own page shows the parent's QR code and its address; the parent opens it on a phone.
    student = new_page()
    sign_in(student, base, world.student.user.username, PASSWORD)
    student.goto(f"{base}/classroom/me/parents/")
    assert_accessible(student, "on the student's parent-letter page")
    link = student.locator("figure.slip-qr figcaption").first.inner_text().strip()
    assert "/p/" in link
    assert student.locator("figure.slip-qr svg").count() == 1

    parent = new_page()
    parent.goto(link)
    assert _fits(parent), "the parent's page is wider than the phone"
    body = parent.content()
    assert "致家长的一封信" in body and "张三" not in body and "三" in body
    assert_accessible(parent, "on the parent's page")
    parent.fill("input[name=parent_name]", "张妈妈")
    parent.select_option("select[name=relationship]", "mother")
    parent.fill("textarea[name=answer_1]", "不喝来历不明的饮料")
    parent.fill("textarea[name=answer_2]", "说不，然后离开，告诉老师")
    parent.locator("main form button[type=submit]").click()
    parent.wait_for_url(re.compile(r"\?done=1$"))
    assert "张妈妈" in parent.content()
    assert_accessible(parent, "after acknowledging")
    assert _fits(parent)

    teacher.reload()
    content = teacher.content()
    assert "张妈妈" in content and "不喝来历不明的饮料" in content
    assert "2 人中 1 人已签收" in content
    teacher.goto(f"{base}/classroom/classes/{world.class_a.pk}/letters/")
    assert "50.0%" in teacher.content()
    for page in (teacher, student, parent):
        assert not page.watcher.errors, page.watcher.errors
