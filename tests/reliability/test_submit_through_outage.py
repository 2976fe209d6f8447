"""Acceptance (issue #15): a quiz on a 360 px phone, the database stopped while an answer is chosen and Submit is
pressed, then started again: every answer chosen is in the graded attempt.

A real gunicorn on PostgreSQL (production settings) and Debian's Chromium driven by Playwright, as the browser
tests launch it. The page keeps the answers the server could not confirm on the device, says so in its status
line, and sends the submission again by itself until the server grades it.
"""

import os
import shutil

import pytest

from .conftest import start_postgres, stop_postgres
from .helpers import django_json

SETUP = """
import json
from people.testing import World
from quizzes.tests import factories
world = World()
questions = [factories.question(text=f"断电测试{{i}}") for i in range(3)]
quiz = factories.quiz(questions, title="断电测试", live=True, time_limit_minutes={minutes}, shuffle_questions=False)
print(json.dumps({{"quiz": quiz.pk, "username": world.student.user.username}}))
"""

PHONE = {"width": 360, "height": 740}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"]

GRADED = """
import json
from quizzes.models import Answer, Attempt
from quizzes.tests import factories
attempt = Attempt.objects.get(quiz_id={quiz})
chosen = dict(Answer.objects.filter(attempt=attempt).exclude(chosen=[]).values_list("question_id", "chosen"))
tokens = {{item["q"]: factories.tokens(attempt, item["q"]) for item in attempt.paper}}
print(json.dumps({{"submitted": attempt.is_submitted, "order": [item["q"] for item in attempt.paper],
                  "chosen": {{str(q): [factories.token(attempt, q, o) for o in c] for q, c in chosen.items()}}}}))
"""


@pytest.fixture
def chromium():
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Chromium is not installed: `apt-get install -y chromium`.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _wait_status(page, *states: str) -> None:
    page.wait_for_selector(", ".join(f"#quiz-save-status[data-state={state}]" for state in states))


def _choose(page, index: int, option: int) -> str:
    box = page.locator("fieldset[data-question]").nth(index).locator("input").nth(option)
    box.check()
    return box.get_attribute("value")


def _open_paper(server, facts, context, errors):
    """Sign in and start the quiz on a phone; the page and the attempt's id."""
    # localhost, not 127.0.0.1: production's cookies are Secure, and Chromium keeps those from a plain-HTTP
    # localhost only.
    base = server.url.replace("127.0.0.1", "localhost")
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base}/signin/")
    page.fill("input[name=username]", facts["username"])
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/signin/" not in url)
    page.goto(f"{base}/quizzes/{facts['quiz']}/")
    page.locator("form[action$='/start/'] button[type=submit]").click()
    page.wait_for_selector("#quiz-paper")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    return page, page.locator("#quiz-paper").get_attribute("data-attempt")


def test_answers_chosen_and_submitted_while_the_database_is_down_are_graded(throwaway_db, server_factory, chromium):
    _name, env = throwaway_db
    facts = django_json(SETUP.format(minutes=20), env)
    server = server_factory(env).start()
    context = chromium.new_context(viewport=PHONE, locale="zh-CN")
    errors = []
    try:
        page, attempt = _open_paper(server, facts, context, errors)

        chosen = {0: _choose(page, 0, 1)}
        _wait_status(page, "msgSaved")

        stop_postgres()
        try:
            chosen[1] = _choose(page, 1, 2)
            # The save fails: the answer stays on the device and the status line says so.
            _wait_status(page, "msgError", "msgBusy")
            chosen[2] = _choose(page, 2, 0)
            page.locator("#quiz-submit").click()
            _wait_status(page, "msgSubmitRetry", "msgBusy")
            status = page.locator("#quiz-save-status")
            assert status.is_visible() and status.inner_text().strip()
            assert status.get_attribute("aria-live") == "polite"
            assert f"/quizzes/attempt/{attempt}/" in page.url and "/result/" not in page.url
            kept = page.evaluate(f"JSON.parse(localStorage.getItem('qingdun-quiz-{attempt}'))")
            assert kept["submitting"] is True and set(kept["pending"]) >= {
                page.locator("fieldset[data-question]").nth(i).get_attribute("data-question") for i in (1, 2)
            }
            page.wait_for_timeout(3000)  # a few retries while the database is still down
            assert "/result/" not in page.url
        finally:
            start_postgres()

        page.wait_for_url(f"**/quizzes/attempt/{attempt}/result/", timeout=90_000)
        assert page.evaluate(f"localStorage.getItem('qingdun-quiz-{attempt}')") is None
    finally:
        context.close()

    graded = django_json(GRADED.format(quiz=facts["quiz"]), env)
    assert graded["submitted"]
    expected = {str(graded["order"][index]): [token] for index, token in chosen.items()}
    assert graded["chosen"] == expected
    assert not errors, errors


def test_an_answer_chosen_before_the_deadline_counts_when_the_database_is_back_after_it(
    throwaway_db, server_factory, chromium
):
    """A one-minute quiz: the database stops, the student chooses an answer, the clock runs out (the page locks
    and submits, and keeps retrying), the database comes back well past the deadline — beyond the 10 s grace that
    earlier versions gave — and the answer, stamped before the deadline under the page's lease, is graded."""
    _name, env = throwaway_db
    facts = django_json(SETUP.format(minutes=1), env)
    server = server_factory(env).start()
    context = chromium.new_context(viewport=PHONE, locale="zh-CN")
    errors = []
    try:
        page, attempt = _open_paper(server, facts, context, errors)
        chosen = {0: _choose(page, 0, 1)}
        _wait_status(page, "msgSaved")
        stop_postgres()
        try:
            chosen[1] = _choose(page, 1, 0)
            _wait_status(page, "msgError", "msgBusy")
            # The clock runs out: the paper locks (nothing chosen from now on can count) and the page submits.
            page.wait_for_selector("fieldset[data-question][disabled]", timeout=90_000)
            _wait_status(page, "msgSubmitRetry", "msgBusy")
            assert page.locator("fieldset[data-question]").nth(2).locator("input").first.is_disabled()
            page.wait_for_timeout(15_000)
            assert "/result/" not in page.url
        finally:
            start_postgres()
        page.wait_for_url(f"**/quizzes/attempt/{attempt}/result/", timeout=90_000)
    finally:
        context.close()

    graded = django_json(GRADED.format(quiz=facts["quiz"]), env)
    assert graded["submitted"]
    assert graded["chosen"] == {str(graded["order"][index]): [token] for index, token in chosen.items()}
    assert not errors, errors
