"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright's own browser download does not work on closed networks, so the system Chromium is launched
by path. Set CHROMIUM_PATH to use another binary.
"""

import os
import shutil

import pytest

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, give the browser tests a database file instead of Django's in-memory test database.

    An in-memory database lives inside one connection, so Django hands the test's connection to every thread of
    the live server, and requests that arrive together (the admin's editing-session pings and autosaves, the quiz
    page's answer saves) run on it at the same time: one of them can fail with "database table is locked" (Django
    ticket #29062). With a file each thread opens its own connection and concurrent requests wait for each other,
    as they do on the dev server (busy timeout, WAL and immediate transactions from config/settings/base.py).
    """
    from django.conf import settings

    for alias, database in settings.DATABASES.items():
        if database["ENGINE"] == "django.db.backends.sqlite3":
            folder = tmp_path_factory.mktemp("browser-db")
            database.setdefault("TEST", {})["NAME"] = str(folder / f"{alias}.sqlite3")


@pytest.fixture(scope="session")
def chromium_path():
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Chromium is not installed: `apt-get install -y chromium` (make browser needs it).")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make for set-up are
    # still synchronous and safe. Set here, not at import, so no other test inherits it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def wagtail_autosave_off(settings):
    """Turn off Wagtail 8's autosave of the page editor, for tests that walk a page through the workflow.

    Autosave posts the editor form in the background on timers of its own: it notes the form 2 s after it opens,
    compares every 500 ms and posts 500 ms after a change; on the create view the first autosave creates the page
    and moves the form to the edit view. A scripted editor who submits within a second or two races those posts:
    a submission still addressed to the create view after an autosave created the page is refused (the slug is
    taken), and an autosave can fire while the submission or the reviewer's approval is still on its way (the
    approve button adds fields to the form, which the next comparison takes for an edit). The setting is read on
    every request, and the live server runs in this process.
    """
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0


class PageWatcher:
    """Collects console errors and failed requests so a test can assert the page was clean."""

    def __init__(self, page):
        self.errors: list[str] = []
        page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))


def _new_page(browser, viewport):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.watcher = PageWatcher(page)
    return page


@pytest.fixture
def phone_page(browser):
    page = _new_page(browser, PHONE)
    yield page
    page.context.close()


@pytest.fixture
def desktop_page(browser):
    page = _new_page(browser, DESKTOP)
    yield page
    page.context.close()


@pytest.fixture
def new_page(browser):
    """Factory for extra pages (a second user in the same test)."""
    pages = []

    def make(viewport=PHONE):
        page = _new_page(browser, viewport)
        pages.append(page)
        return page

    yield make
    for page in pages:
        page.context.close()
