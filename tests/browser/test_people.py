"""A school admin imports a roster (one bad row, fixed, imported), prints sign-in slips, and a new student signs in."""

import pytest

from people.models import RoleKind, SchoolKind
from people.testing import PASSWORD, make_role_user, make_school

from .helpers import assert_accessible, sign_in

# Every browser test restores the migrated rows (serialized_rollback), so their order does not matter.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HEADER = "姓名,学号,性别,年级,班级\n"
BAD = HEADER + "张小明,20260001,男,初一,1班\n,20260002,女,初一,1班\n李小红,20260003,女,初一,2班\n"
FIXED = HEADER + "张小明,20260001,男,初一,1班\n王芳,20260002,女,初一,1班\n李小红,20260003,女,初一,2班\n"


def _upload(page, base, code, content: str):
    page.goto(f"{base}/school/{code}/import/")
    page.set_input_files(
        "input[type=file]", files=[{"name": "roster.csv", "mimeType": "text/csv", "buffer": content.encode("gbk")}]
    )
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def test_school_admin_imports_roster_prints_slips_and_student_signs_in(live_server, desktop_page, new_page):
    school = make_school(code="330177", kind=SchoolKind.JUNIOR, name="青山三中")
    admin = make_role_user(RoleKind.SCHOOL_ADMIN, school=school, username="admin_330177")
    page = desktop_page
    base = live_server.url

    sign_in(page, base, admin.username, PASSWORD)
    page.goto(f"{base}/school/")
    assert page.url.endswith(f"/school/{school.code}/")

    _upload(page, base, school.code, BAD)
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    rows = page.locator(".problem-table tbody tr")
    assert rows.count() == 1
    assert rows.first.locator("td").first.inner_text() == "3"  # the empty name is on spreadsheet row 3
    assert_accessible(page, "on the roster preview with a problem")

    _upload(page, base, school.code, FIXED)
    assert page.locator(".error-summary").count() == 0
    assert_accessible(page, "on the clean roster preview")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/school/{school.code}/")
    assert page.locator("table tbody tr").count() == 2  # classes 1 and 2 of 初一

    page.locator("a[href$='/slips/']").first.click()
    page.wait_for_load_state()
    assert "/slips/" in page.url
    slips = page.locator(".slip")
    assert slips.count() == 2
    assert_accessible(page, "on the sign-in slips")
    first = slips.first
    username = first.locator("[data-sign-in-name]").inner_text().strip()
    password = first.locator("[data-initial-password]").inner_text().strip()
    assert username == "330177-20260001" and len(password) == 8
    assert page.watcher.errors == []

    student_page = new_page()
    sign_in(student_page, base, username, password)
    # The school asks students to choose their own password at the first sign-in.
    assert student_page.url.endswith("/account/password/")
    student_page.fill("input[name=old_password]", password)
    student_page.fill("input[name=new_password1]", "my own long password 7")
    student_page.fill("input[name=new_password2]", "my own long password 7")
    student_page.click("main button[type=submit]")
    student_page.wait_for_load_state()
    assert student_page.url == f"{base}/"

    page.reload()
    assert page.locator(".slip").first.locator("[data-initial-password]").count() == 0
