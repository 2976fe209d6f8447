import pytest

from people.testing import PASSWORD, World
from quizzes.models import Answer, Attempt
from quizzes.tests import factories as f

from .helpers import assert_accessible, sign_in

# serialized_rollback brings back what migrations created (the default locale, groups, the review workflow).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _choose(page, index: int) -> None:
    page.locator("fieldset[data-question]").nth(index).locator("label.option").first.click()


def _wait_saved(page) -> None:
    page.wait_for_selector("#quiz-save-status[data-state=msgSaved]")


def test_take_a_quiz_on_a_phone_through_a_network_drop(live_server, phone_page):
    world = World()
    quiz = f.quiz(f.bank(5), time_limit_minutes=20, title="课后小测：识毒")
    page = phone_page
    sign_in(page, live_server.url, world.student.user.username, PASSWORD)

    page.goto(f"{live_server.url}/quizzes/")
    page.get_by_role("link", name="课后小测：识毒").click()
    assert_accessible(page, "on the quiz page")
    page.locator("form[action$='/start/'] button[type=submit]").click()
    page.wait_for_selector("#quiz-paper")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert_accessible(page, "on the paper")

    _choose(page, 0)
    _wait_saved(page)
    attempt = Attempt.objects.get(quiz=quiz)
    assert Answer.objects.filter(attempt=attempt).count() == 1

    page.context.set_offline(True)
    _choose(page, 1)
    _choose(page, 2)
    page.wait_for_selector("#quiz-save-status[data-state=msgOffline]")
    assert page.locator("#quiz-save-status").inner_text().strip()
    assert Answer.objects.filter(attempt=attempt).count() == 1
    kept = f"Object.keys(JSON.parse(localStorage.getItem('qingdun-quiz-{attempt.pk}')).pending).length"
    assert page.evaluate(kept) == 2

    page.context.set_offline(False)
    _wait_saved(page)
    assert Answer.objects.filter(attempt=attempt).count() == 3

    # A reload resumes the same paper with the saved answers ticked.
    page.reload()
    assert page.locator("input:checked").count() == 3
    _choose(page, 3)
    _choose(page, 4)
    _wait_saved(page)
    page.locator("#quiz-submit").click()
    page.wait_for_url(f"**/quizzes/attempt/{attempt.pk}/result/")
    assert page.locator(".result-score").is_visible()
    attempt.refresh_from_db()
    assert attempt.is_submitted and attempt.max_score == 5
    assert_accessible(page, "on the result page")
    assert page.watcher.errors == [] or all("net::ERR_INTERNET_DISCONNECTED" in e for e in page.watcher.errors)
