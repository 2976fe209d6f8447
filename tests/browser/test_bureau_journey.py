"""The bureau's year in a browser, as the people do it (issue 17's journey).

A city officer reads her counties' ranking on a phone; a county officer adds 告家长书 to her plan, asks for it in
a task, opens the year's ledger, returns a school's item for rectification (整改) and publishes a 通报; the school's
administrator finds the 通报 and the returned item with its deadline on her home page, uploads a PDF and submits;
the county officer closes the item below its target, which takes a reason and a confirmation. axe checks every
page; the phone pages must not overflow 360 px. The clock is stopped on one day, so the school year, the deadline
and "overdue" do not depend on when the test runs.
"""

import datetime
import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from people.models import RoleKind, SchoolClass, SchoolYear
from people.testing import PASSWORD, RegionWorld, frozen_time, make_role_user, make_student
from plans.models import Bulletin, LedgerItem, LedgerState, PlanActivityType, TaskKind
from plans.planning import copy_plan, national_template
from plans.rollup import refresh_district
from plans.tests.builders import attempt, make_quiz

from .helpers import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# The 2026–2027 school year. The deadline is two weeks on from the stopped clock (and already past on the day this
# test was written), so the home page's "not overdue" shows the live server reads the stopped clock too.
TODAY = datetime.datetime(2026, 11, 16, 10, 0)
DEADLINE = datetime.date(2026, 11, 30)


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _pdf() -> bytes:
    """A small real PDF: the photographed sign-off sheet of the letter to parents."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    sheet = canvas.Canvas(out, pagesize=A4)
    sheet.drawString(72, 760, "Parent letter sign-off sheet, class 8-1")
    sheet.showPage()
    sheet.save()
    return out.getvalue()


def _named(user, full_name: str):
    user.full_name = full_name
    user.save(update_fields=["full_name"])
    return user


@pytest.fixture
def stopped_clock():
    with frozen_time(TODAY) as moment:
        yield moment


@pytest.fixture
def journey(stopped_clock):
    world = RegionWorld()
    year = SchoolYear.current()
    assert year.start_year == 2026
    # 甲市二区 does better than 甲市一区, so the ranking is not the counties' code order.
    quiz = make_quiz()
    for school, percent in ((world.schools[0], 30), (world.schools[3], 100)):
        school_class = SchoolClass.objects.create(school=school, school_year=year, grade=8, number=1)
        attempt(make_student(school_class, f"{school.code}-1"), quiz, 1, percent, timezone.now(), school_class)
    world.plan = copy_plan(national_template(), world.county_a1, year.start_year, "甲市一区禁毒教育三年规划")
    copy_plan(national_template(), world.county_a2, year.start_year, "甲市二区禁毒教育三年规划")
    for county in (world.county_a1, world.county_a2):
        refresh_district(county, year.start_year)
    world.school = world.schools[0]
    world.school_admin = _named(
        make_role_user(RoleKind.SCHOOL_ADMIN, school=world.school, username="rw1_admin"), "王芳"
    )
    _named(world.city_officer, "陈静")
    _named(world.county_officer, "李敏")
    return world


def test_city_ranks_county_plans_publishes_school_rectifies_county_closes(
    live_server, phone_page, desktop_page, new_page, journey
):
    w = journey
    base = live_server.url

    # --- The city officer, on her phone: her counties ranked, 甲市二区 first. -----------------------------------
    city = phone_page
    sign_in(city, base, w.city_officer.username, PASSWORD)
    city.goto(f"{base}/audit/regions/")
    assert_accessible(city, "on the list of regions (phone)")
    city.click(f"a[href$='/audit/regions/{w.city_a.pk}/']")
    city.wait_for_url(f"**/audit/regions/{w.city_a.pk}/")
    assert city.locator("th[data-key=rank]").inner_text().strip().startswith("排名")
    rows = city.locator("table.plans-table tbody tr")
    assert [rows.nth(i).locator("th").inner_text().strip() for i in range(rows.count())] == [
        w.county_a2.name,
        w.county_a1.name,
    ]
    assert [rows.nth(i).locator("td").first.inner_text().strip() for i in range(rows.count())] == ["1", "2"]
    assert _fits(city), "the city's ranking is wider than the phone"
    assert_accessible(city, "on the city's ranking (phone)")
    assert city.watcher.errors == []

    # --- The county officer: 告家长书 into her plan, asked for by the five ones. --------------------------------
    county = desktop_page
    sign_in(county, base, w.county_officer.username, PASSWORD)
    county.goto(f"{base}/audit/")
    county.click("nav.plans-subnav a[href$='/audit/plans/']")
    county.wait_for_url("**/audit/plans/")
    county.click(f"a[href$='/audit/plans/{w.plan.pk}/']")
    county.wait_for_url(f"**/audit/plans/{w.plan.pk}/")
    assert_accessible(county, "on the plan editor")
    version = w.plan.version
    county.fill("#id_label_zh", "告家长书")
    county.fill("#id_label_en", "Letter to parents")
    county.fill("#id_code", "parent-letter")
    county.click("form[action$='/activity-types/'] button[type=submit]")
    county.wait_for_url(re.compile(r"#activity-types$"))
    kind = PlanActivityType.objects.get(plan=w.plan)
    assert (kind.label_zh, kind.code, kind.year_indexes) == ("告家长书", "parent-letter", [])
    assert "告家长书 / Letter to parents" in county.locator("#activity-types + p + ul").inner_text()
    history = county.locator(".plans-history li").first
    assert "李敏" in history.locator("summary").inner_text()
    assert_accessible(county, "on the plan after adding an activity type")

    five = w.plan.tasks.get(kind=TaskKind.ACTIVITIES)
    county.click(f"a[href$='/audit/tasks/{five.pk}/']")
    county.wait_for_url(f"**/audit/tasks/{five.pk}/")
    assert_accessible(county, "on the task editor")
    county.get_by_label("告家长书", exact=True).check()
    county.click("main form button[type=submit]")
    county.wait_for_url(f"**/audit/plans/{w.plan.pk}/")
    assert "告家长书" in county.locator(f"#task-{five.pk}").inner_text()
    w.plan.refresh_from_db()
    assert w.plan.version == version + 2  # one version for the new type, one for the task

    county.click("form[action$='/do/open/'] button[type=submit]")
    expect(county.locator(".messages .success")).to_have_text(re.compile(r"已开立 \d+ 个台账事项"))
    item = LedgerItem.objects.get(school=w.school, task=five)
    assert item.state == LedgerState.OPEN

    # --- She returns the school's item for rectification (整改) with a deadline. ------------------------------------
    county.click("nav.plans-subnav a[href$='/audit/ledger/']")
    county.wait_for_url("**/audit/ledger/")
    assert_accessible(county, "on the ledger")
    county.locator("tbody tr", has_text=w.school.name).filter(has_text=five.title).locator("a").click()
    county.wait_for_url(f"**/audit/ledger/{item.pk}/")
    county.fill("#id_return-comment", "请补交告家长书的家长签收表")
    county.fill("#id_return-deadline", DEADLINE.isoformat())
    county.click("form[action$='/return/'] button[type=submit]")
    expect(county.locator("[data-state]")).to_have_attribute("data-state", "returned")
    assert_accessible(county, "on the returned item")

    # --- She writes the 通报 and publishes it. -------------------------------------------------------------------
    county.click("nav.plans-subnav a[href$='/audit/bulletins/']")
    county.wait_for_url("**/audit/bulletins/")
    assert_accessible(county, "on the bulletins")
    county.fill("#id_title", "关于2026学年第一学期禁毒教育工作情况的通报")
    county.fill("#id_period_label", "2026—2027学年第一学期")
    county.fill("#id_body", "<p>各校要对照三年规划，查漏补缺。</p><script>alert(1)</script>")
    county.click("main form button[type=submit]")
    county.wait_for_url(re.compile(r"/audit/bulletins/\d+/$"))
    bulletin = Bulletin.objects.get(district=w.county_a1)
    assert county.locator(".plans-report th", has_text="排名").count() == 1
    rectification = county.locator("#bulletin-rectification").inner_text()
    assert w.school.name in rectification and DEADLINE.isoformat() in rectification
    assert_accessible(county, "on the draft bulletin")
    county.click("form[action$='/publish/'] button[type=submit]")
    expect(county.locator("form[action$='/publish/']")).to_have_count(0)
    bulletin.refresh_from_db()
    assert bulletin.is_published and w.school in bulletin.schools.all()
    assert "<script>" not in county.content().split('id="bulletin-title"')[1]
    assert county.watcher.errors == []

    # --- The school's administrator, on her phone: the 通报 and the 整改 item on her home. ---------------------------
    school = new_page()
    sign_in(school, base, w.school_admin.username, PASSWORD)
    school.goto(f"{base}/")
    panel = school.locator("#panel-bulletins").locator("xpath=..")
    assert bulletin.title in panel.inner_text()
    returned = school.locator("#panel-rectification").locator("xpath=..")
    assert five.title in returned.inner_text() and DEADLINE.isoformat() in returned.inner_text()
    assert returned.locator(".badge.bad").count() == 0  # the deadline is still ahead
    assert _fits(school), "the school's home is wider than the phone"
    assert_accessible(school, "on the school's home (phone)")

    panel.locator(f"a[href$='/audit/bulletins/{bulletin.pk}/']").click()
    school.wait_for_url(f"**/audit/bulletins/{bulletin.pk}/")
    assert "各校要对照三年规划" in school.locator(".plans-bulletin-body").inner_text()
    assert w.school.name in school.locator("#bulletin-rectification").inner_text()
    assert school.locator("form[action$='/publish/']").count() == 0
    assert _fits(school), "the 通报 is wider than the phone"
    assert_accessible(school, "on the published bulletin (phone)")

    school.goto(f"{base}/")
    returned = school.locator("#panel-rectification").locator("xpath=..")
    returned.locator(f"a[href$='/audit/ledger/{item.pk}/']").click()
    school.wait_for_url(f"**/audit/ledger/{item.pk}/")
    assert "请补交告家长书的家长签收表" in school.locator("[role=note]").first.inner_text()
    assert_accessible(school, "on the returned item (phone)")
    school.fill("#id_evidence-note", "家长签收表已扫描")
    school.set_input_files(
        "#id_evidence-file", {"name": "家长签收表.pdf", "mimeType": "application/pdf", "buffer": _pdf()}
    )
    school.click("form[action$='/evidence/'] button[type=submit]")
    expect(school.locator(".plans-evidence a", has_text="家长签收表.pdf")).to_have_count(1)
    school.fill("#id_submit-comment", "已整改")
    school.click("form[action$='/submit/'] button[type=submit]")
    expect(school.locator("[data-state]")).to_have_attribute("data-state", "submitted")
    assert school.locator("form[action$='/close/']").count() == 0
    assert _fits(school), "the ledger item is wider than the phone"
    assert_accessible(school, "on the submitted item (phone)")
    school.goto(f"{base}/")
    assert school.locator("#panel-rectification").locator("xpath=..").locator("a").count() == 0
    assert school.watcher.errors == []

    # --- The county closes the item (销账): below target, so a reason and a confirmation. --------------------------
    county.goto(f"{base}/audit/ledger/{item.pk}/")
    with county.expect_download() as download:
        county.click(".plans-evidence a:has-text('家长签收表.pdf')")
    assert open(download.value.path(), "rb").read().startswith(b"%PDF-")
    assert county.locator("#below-target").is_visible()
    assert_accessible(county, "on the submitted item")
    county.fill("#id_close-comment", "签收表齐全，活动已补做")
    county.click("form[action$='/close/'] button[type=submit]")
    # Unconfirmed: refused with the reason why in the error summary, which takes focus; the item stays submitted
    # and the reason she typed is still in its field.
    expect(county.locator(".error-summary")).to_be_focused()
    expect(county.locator("[data-state]")).to_have_attribute("data-state", "submitted")
    expect(county.locator("#id_close-comment")).to_have_value("签收表齐全，活动已补做")
    # The refusal is answered 400 (the form is refused, the page is the form again), which the browser logs.
    assert county.watcher.errors == ["Failed to load resource: the server responded with a status of 400 (Bad Request)"]
    county.watcher.errors.clear()
    county.check("#id_close-confirm_below_target")
    county.click("form[action$='/close/'] button[type=submit]")
    expect(county.locator("[data-state]")).to_have_attribute("data-state", "closed")
    history = county.locator("section[aria-labelledby=history-heading] tbody").inner_text()
    assert "签收表齐全，活动已补做" in history
    assert "李敏" in history and "王芳" in history
    item.refresh_from_db()
    assert item.state == LedgerState.CLOSED
    assert_accessible(county, "on the closed item")
    assert county.watcher.errors == []
