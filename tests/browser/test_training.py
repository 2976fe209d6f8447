"""师资 in a real browser: a teacher reads a training course on a 360 px phone, passes its test and earns its
hours; the school's "每校至少 N 名教师完成培训" figure on the school page moves for the school admin (on a
phone too), and the bureau reads the parents' acknowledgement rate class by class there. axe finds no serious
or critical violation on these pages."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from wagtail.models import Locale

from classroom import letters
from classroom.models import ParentLink
from lessons.models import ParentLetter, TrainingCoursePage
from lessons.tests.factories import chinese_index
from people.models import SchoolYear
from people.testing import PASSWORD, World
from plans import ledger
from plans.models import PlanTask, TaskKind, TaskTarget
from plans.planning import copy_plan, national_template
from plans.rollup import refresh_district
from quizzes.tests.factories import question

from .helpers import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TASK_TITLE = "每校至少1名教师完成培训"


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _course() -> TrainingCoursePage:
    page = TrainingCoursePage(
        title="不靠恐吓的预防教育",
        slug="training-browser",
        hours=Decimal("2.0"),
        pass_mark=60,
        body=[("paragraph", "<p>讲事实，练拒绝技能，不渲染恐怖画面。</p>")],
    )
    chinese_index().add_child(instance=page)
    for index, (text, right) in enumerate((("恐吓式宣传有效吗？", "无效"), ("拒绝技能要练习吗？", "要练习"))):
        q = question(text=text, options=((right, 100), ("说不清", 0)))
        page.test_questions.create(question=q, sort_order=index)
    page.save_revision().publish()
    return TrainingCoursePage.objects.get(pk=page.pk)


def _acknowledged_letter(world) -> None:
    """One of class A's two families has acknowledged (the parent's own journey is test_parent_letters')."""
    letter = ParentLetter(locale=Locale.get_default(), title="致家长的一封信", body="<p>请阅读。</p>")
    letter.save()
    letter.save_revision().publish()
    send = letters.send_letter(
        letter=letter,
        school_class=world.class_a,
        closes_on=timezone.localdate() + datetime.timedelta(days=7),
        by=world.teacher,
    )
    token = letters.links_for(send, [world.student])[world.student.pk]
    link = ParentLink.objects.get(digest=letters.digest_of(token))
    letters.acknowledge(link, parent_name="张妈妈", relationship="mother", answers=[])


def _training_figure(page) -> str:
    card = page.locator(".plans-targets li.card", has=page.locator("h3", has_text=TASK_TITLE))
    return card.locator(".plans-figure").inner_text()


def test_a_teacher_passes_a_course_and_the_schools_training_figure_moves(live_server, desktop_page, new_page):
    world = World()
    year = SchoolYear.current()
    plan = copy_plan(national_template(), world.district, year.start_year, "青山区三年规划")
    task = PlanTask.objects.create(plan=plan, order=50, kind=TaskKind.TRAINED_TEACHERS, title=TASK_TITLE)
    TaskTarget.objects.create(task=task, year_index=1, target=1)
    ledger.open_items(plan, year.start_year)
    course = _course()
    _acknowledged_letter(world)
    refresh_district(world.district, year.start_year)
    base = live_server.url
    school_page = f"{base}/audit/schools/{world.school.pk}/"

    admin = new_page()  # the school admin on a phone, 360 px
    sign_in(admin, base, world.school_admin.username, PASSWORD)
    admin.goto(school_page)
    assert _training_figure(admin).startswith("0.0%")
    assert _fits(admin), "the school page is wider than the phone"
    assert_accessible(admin, "on the school page before the training")

    teacher = new_page()  # a phone, 360 px
    sign_in(teacher, base, world.teacher.username, PASSWORD)
    teacher.goto(f"{base}/classroom/training/")
    assert_accessible(teacher, "on the training list")
    teacher.get_by_role("link", name=course.title).click()
    teacher.wait_for_url(re.compile(re.escape(course.url) + "$"))
    assert "讲事实，练拒绝技能" in teacher.content()
    assert _fits(teacher), "the course page is wider than the phone"
    assert_accessible(teacher, "on the course page")
    teacher.locator("main p.actions a.button").click()
    teacher.wait_for_url(re.compile(r"/classroom/training/\d+/$"))
    assert_accessible(teacher, "on the test")
    teacher.locator("main form button[type=submit]").click()  # nothing answered: the error summary
    teacher.wait_for_load_state()
    assert teacher.locator("main form").count() == 1
    teacher.get_by_label("无效").check()
    teacher.get_by_label("要练习").check()
    teacher.locator("main form button[type=submit]").click()
    teacher.locator("p.notice[role=status]").wait_for()
    assert teacher.locator("main form").count() == 0, "a pass closes the test"
    assert _fits(teacher)
    assert_accessible(teacher, "after passing")
    teacher.goto(f"{base}/classroom/training/")
    assert teacher.locator(f"a[href$='/classroom/training/{course.pk}/']").count() == 0, "passed: no test to take"

    admin.reload()
    assert _training_figure(admin).startswith("100.0%")
    assert _fits(admin)
    teacher_row = admin.locator(".plans-targets li.card", has=admin.locator("h3", has_text=TASK_TITLE))
    assert "1" in teacher_row.locator("p.hint").first.inner_text()

    # The bureau reads the family rate per class where the school's other class rates are.
    bureau = desktop_page
    sign_in(bureau, base, world.auditor.username, PASSWORD)
    bureau.goto(school_page)
    family = bureau.locator("table.plans-table tbody td[data-key=family]")
    assert family.all_inner_texts() == ["50.0%", "0.0%"]
    assert bureau.locator("table.plans-table tfoot td[data-key=family]").inner_text() == "33.3%"
    assert_accessible(bureau, "on the school page the bureau reads")
    for page in (admin, teacher, bureau):
        assert not page.watcher.errors, page.watcher.errors
