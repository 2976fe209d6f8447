import pytest

from .helpers import assert_accessible

# Every browser test restores the migrated rows (serialized_rollback), so their order does not matter.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.parametrize("page_fixture", ["phone_page", "desktop_page"])
def test_home_page_both_widths_language_switch_no_console_errors(request, live_server, page_fixture):
    page = request.getfixturevalue(page_fixture)
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("h1").inner_text() == "识毒 · 防毒 · 拒毒"
    # Nothing overflows a 360 px phone sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert_accessible(page, f"on the home page ({page_fixture})")

    page.get_by_role("button", name="English").click()
    page.wait_for_url(f"{live_server.url}/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Know drugs" in page.locator("h1").inner_text()
    assert_accessible(page, f"on the English home page ({page_fixture})")

    page.get_by_role("button", name="简体中文").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.watcher.errors == []


def test_skip_link_is_first_and_moves_focus(live_server, desktop_page):
    page = desktop_page
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
