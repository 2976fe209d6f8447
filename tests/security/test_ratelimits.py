"""Rate limits on sign-in, quiz answer saving and submission, and imports: 429 with a clear, translated
message and Retry-After, and nothing written by the refused request."""

import json
import time

from django.urls import reverse

from core.ratelimit import hit
from quizzes.models import Answer, Attempt

from .conftest import client_for


def exhaust(scope: str, ident: str, limit: int, window: int) -> None:
    """Use up a limit as `limit` earlier requests would have, away from a window's edge."""
    if window - time.time() % window < 5:
        time.sleep(window - time.time() % window + 0.1)
    for _ in range(limit):
        hit(scope, ident, limit, window)


def assert_limited(response, json_body=False):
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    message = response.json()["message"] if json_body else response.content.decode()
    assert "请求过于频繁" in message, message


def _first_question(attempt):
    """The first question, one of its options' ids, and that option's token (what the page posts)."""
    item = attempt.paper[0]
    names = {option: token for token, option in attempt.answer_key[str(item["q"])]["t"].items()}
    return item["q"], item["o"][:1], [names[item["o"][0]]]


def test_answer_saving_is_limited_per_student(fresh):
    attempt = fresh.own.attempt
    client = client_for(fresh, "student")
    url = reverse("quizzes:save", args=[attempt.pk])
    question, options, tokens = _first_question(attempt)
    body = json.dumps({"question": question, "options": tokens})
    if 60 - time.time() % 60 < 20:
        time.sleep(60 - time.time() % 60 + 0.1)
    statuses = [client.post(url, body, content_type="application/json").status_code for _ in range(240)]
    assert set(statuses) == {200}
    refused = client.post(url, json.dumps({"question": question, "options": []}), content_type="application/json")
    assert_limited(refused, json_body=True)
    assert Answer.objects.get(attempt=attempt, question_id=question).chosen == options, "the refused save wrote"


def test_submission_is_limited(fresh):
    attempt = fresh.own.attempt
    exhaust("quiz-submit", f"u:{fresh.own.student_user.pk}", 30, 60)
    response = client_for(fresh, "student").post(reverse("quizzes:submit", args=[attempt.pk]))
    assert_limited(response)
    assert Attempt.objects.get(pk=attempt.pk).submitted_at is None


def test_roster_import_is_limited(fresh):
    exhaust("roster_import", f"u:{fresh.own.admin.pk}", 30, 3600)
    response = client_for(fresh, "school_admin").post(reverse("people:roster_upload", args=[fresh.own.school.code]))
    assert_limited(response)


def test_question_import_is_limited(fresh):
    exhaust("quiz-import", f"u:{fresh.own.teacher.pk}", 20, 600)
    response = client_for(fresh, "teacher").post(reverse("quizzes:import"))
    assert_limited(response)


def test_sign_in_locks_the_account_after_five_wrong_passwords(fresh):
    client = client_for(fresh, "anonymous")
    username = fresh.world.teacher_b.username
    statuses = [
        client.post(reverse("people:login"), {"username": username, "password": "wrong-password"}).status_code
        for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks the account
    response = client.post(reverse("people:login"), {"username": username, "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "people/locked_out.html" in [t.name for t in response.templates]


def test_sign_in_flood_from_one_address_is_slowed(fresh):
    client = client_for(fresh, "anonymous")
    if 60 - time.time() % 60 < 20:
        time.sleep(60 - time.time() % 60 + 0.1)
    statuses = [
        client.post(reverse("people:login"), {"username": f"guess-{n}", "password": "123456"}).status_code
        for n in range(120)
    ]
    assert 429 in statuses
    refused = statuses.index(429)
    assert set(statuses[refused:]) == {429}, "once limited, the address stays limited for the window"
