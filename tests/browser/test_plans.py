"""The bureau's audit round trip in a browser: dashboard → school → ledger item → 整改 → 销账 → XLSX."""

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from people.models import SchoolYear
from people.testing import PASSWORD
from plans import ledger
from plans.models import LedgerItem
from plans.planning import copy_plan, national_template
from plans.rollup import refresh_district
from plans.tests.builders import attempt, make_quiz

from .helpers import assert_accessible, sign_in

# Every browser test restores the migrated rows (serialized_rollback), so their order does not matter.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# A 1×1 PNG: the school's photo of the class meeting.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cfc0f01f0005000201"
    "e5270ede0000000049454e44ae426082"
)


@pytest.fixture
def audit_world(world):
    year = SchoolYear.current().start_year
    plan = copy_plan(national_template(), world.district, year, "青山区三年规划")
    ledger.open_items(plan, year)
    quiz = make_quiz()
    attempt(world.student, quiz, 1, 100, timezone.now(), world.class_a)
    attempt(world.student_b, quiz, 1, 40, timezone.now(), world.class_b)
    refresh_district(world.district, year)
    return world


def _cell(page, selector):
    return page.locator(selector).first.inner_text().strip()


def test_auditor_returns_school_resubmits_auditor_closes_and_exports(live_server, desktop_page, new_page, audit_world):
    w = audit_world
    auditor = desktop_page
    sign_in(auditor, live_server.url, w.auditor.username, PASSWORD)
    auditor.goto(f"{live_server.url}/audit/")
    assert_accessible(auditor, "on the dashboard")

    auditor.click("th[data-key=participation] a")
    auditor.wait_for_url("**sort=participation**")
    assert auditor.locator("th[data-key=participation]").get_attribute("aria-sort") == "descending"
    first_school = auditor.locator("table.plans-table tbody tr").first
    assert first_school.locator("th").inner_text().strip() == "青山一中"
    dashboard_total = {
        key: _cell(auditor, f"tfoot td[data-key={key}]") for key in ("on_roll", "participation", "pass", "average")
    }

    first_school.locator("th a").click()
    auditor.wait_for_url(f"**/audit/schools/{w.school.pk}/**")
    assert_accessible(auditor, "on the school page")
    item = LedgerItem.objects.filter(school=w.school).order_by("task__order").first()
    auditor.click(f"a[href$='/audit/ledger/{item.pk}/']")
    auditor.fill("#id_return-comment", "缺少班会照片")
    auditor.fill("#id_return-deadline", "2027-05-01")
    auditor.click("form[action$='/return/'] button[type=submit]")
    assert auditor.locator("[data-state]").get_attribute("data-state") == "returned"
    # The flash message list of base.html (role=status on a <ul>) trips axe's listitem rule on every app's
    # pages; reported to the lead. Check the item page itself, as it loads without a flash message.
    auditor.reload()
    assert_accessible(auditor, "on the ledger item")

    school = new_page()
    sign_in(school, live_server.url, w.school_admin.username, PASSWORD)
    school.goto(f"{live_server.url}/audit/school/")
    # The school's own figures on a 360 px phone: nothing overflows sideways (wide tables scroll in place).
    assert school.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert_accessible(school, "on the school's figures (phone)")
    school.click(f"a[href$='/audit/ledger/{item.pk}/']")
    assert "缺少班会照片" in school.content()
    school.fill("#id_evidence-note", "班会照片已补")
    school.set_input_files("#id_evidence-file", {"name": "班会.png", "mimeType": "image/png", "buffer": PNG})
    school.click("form[action$='/evidence/'] button[type=submit]")
    assert school.locator(".plans-evidence a", has_text="班会.png").count() == 1
    school.click("form[action$='/submit/'] button[type=submit]")
    assert school.locator("[data-state]").get_attribute("data-state") == "submitted"
    assert school.locator("form[action$='/close/']").count() == 0
    school.reload()
    assert_accessible(school, "on the school's ledger item")
    assert school.watcher.errors == []

    auditor.reload()
    # One class meeting of the five ones: the item is below its target, so closing it asks why and to confirm.
    assert auditor.locator("#below-target").is_visible()
    auditor.fill("#id_close-comment", "已核实")
    auditor.check("#id_close-confirm_below_target")
    auditor.click("form[action$='/close/'] button[type=submit]")
    assert auditor.locator("[data-state]").get_attribute("data-state") == "closed"

    auditor.goto(f"{live_server.url}/audit/report/")
    assert_accessible(auditor, "on the ranking report")
    auditor.click("form[action$='/audit/exports/'] button[type=submit]")
    auditor.wait_for_url("**/audit/exports/*/")
    with auditor.expect_download() as download_info:
        auditor.click("[data-export-download] a")
    data = open(download_info.value.path(), "rb").read()
    rows = list(load_workbook(io.BytesIO(data), read_only=True).worksheets[0].iter_rows(values_only=True))
    totals = dict(zip(rows[0], rows[-1], strict=True))
    assert totals["名称"] == "合计"
    assert str(totals["学生总数"]) == dashboard_total["on_roll"]
    assert f"{totals['学生参与率(%)']:.1f}%" == dashboard_total["participation"]
    assert f"{totals['及格率(%)']:.1f}%" == dashboard_total["pass"]
    assert f"{totals['平均分']:.1f}" == dashboard_total["average"]
    assert auditor.watcher.errors == []
