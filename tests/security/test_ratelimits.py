"""Rate limits on sign-in, quiz answer saving and submission, and imports: 429 with a clear, translated
message and Retry-After, and nothing written by the refused request. And the sign-in lockout: slow for a
guesser, harmless for the student whose name is guessed.

The limiter's clock is held still (core.ratelimit.clock) wherever a test sends many requests, so a loaded
machine that takes longer than a minute cannot change the outcome."""

import json

import pytest
from django.urls import reverse

from core import ratelimit
from people.security import NAME_FAILURE_LIMIT
from people.testing import PASSWORD
from people.views.accounts import SIGN_IN_LIMIT
from quizzes.models import Answer, Attempt

from .conftest import client_for

NOW = 1_800_000_000.0


@pytest.fixture
def still_clock(monkeypatch):
    monkeypatch.setattr(ratelimit, "clock", lambda: NOW)


def exhaust(scope: str, ident: str, limit: int, window: int) -> None:
    """Use up a limit as `limit` earlier requests would have."""
    for _ in range(limit):
        ratelimit.hit(scope, ident, limit, window, now=NOW)


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


def test_answer_saving_is_limited_per_student(fresh, still_clock):
    attempt = fresh.own.attempt
    client = client_for(fresh, "student")
    url = reverse("quizzes:save", args=[attempt.pk])
    question, options, tokens = _first_question(attempt)
    body = json.dumps({"question": question, "options": tokens})
    statuses = [client.post(url, body, content_type="application/json").status_code for _ in range(240)]
    assert set(statuses) == {200}
    refused = client.post(url, json.dumps({"question": question, "options": []}), content_type="application/json")
    assert_limited(refused, json_body=True)
    assert Answer.objects.get(attempt=attempt, question_id=question).chosen == options, "the refused save wrote"


def test_submission_is_limited(fresh, still_clock):
    attempt = fresh.own.attempt
    exhaust("quiz-submit", f"u:{fresh.own.student_user.pk}", 30, 60)
    response = client_for(fresh, "student").post(reverse("quizzes:submit", args=[attempt.pk]))
    assert_limited(response)
    assert Attempt.objects.get(pk=attempt.pk).submitted_at is None


def test_roster_import_is_limited(fresh, still_clock):
    exhaust("roster_import", f"u:{fresh.own.admin.pk}", 30, 3600)
    response = client_for(fresh, "school_admin").post(reverse("people:roster_upload", args=[fresh.own.school.code]))
    assert_limited(response)


def test_question_import_is_limited(fresh, still_clock):
    exhaust("quiz-import", f"u:{fresh.own.teacher.pk}", 20, 600)
    response = client_for(fresh, "teacher").post(reverse("quizzes:import"))
    assert_limited(response)


def test_sign_in_flood_from_one_network_is_slowed(fresh, still_clock):
    client = client_for(fresh, "anonymous")
    statuses = [
        client.post(reverse("people:login"), {"username": f"guess-{n}", "password": "123456"}).status_code
        for n in range(120)
    ]
    assert statuses.count(200) == SIGN_IN_LIMIT
    refused = statuses.index(429)
    assert set(statuses[refused:]) == {429}, "once limited, the network stays limited for the window"


# --- lockout: per name and network, plus a per-name limit that spares her own networks ----------------------

HOME = "192.0.2.10"  # where the student signed in before
SCHOOL = "192.0.2.200"  # where a classmate signed in before; she never did
STRANGER = "198.51.100.66"


def _sign_in(client, username, password, address):
    return client.post(reverse("people:login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def _signed_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def test_five_wrong_passwords_lock_the_name_only_on_their_network(fresh, client):
    username = fresh.world.teacher_b.username
    statuses = [_sign_in(client, username, "wrong-password", STRANGER).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # brute force from one network: locked at the fifth
    locked = _sign_in(client, username, PASSWORD, STRANGER)
    assert locked.status_code == 429 and "_auth_user_id" not in client.session
    assert "people/locked_out.html" in [t.name for t in locked.templates]
    assert _signed_in(_sign_in(client, username, PASSWORD, HOME)), "a stranger locked her out of her own network"


def test_axes_keeps_a_network_hash_never_the_address(fresh, client):
    from axes.models import AccessAttempt

    _sign_in(client, fresh.world.teacher_b.username, "wrong-password", STRANGER)
    (stored,) = AccessAttempt.objects.values_list("ip_address", flat=True)
    assert stored != STRANGER and stored.startswith("2001:db8:")  # the documentation prefix: not an address


def test_a_sign_in_is_audited_once_and_axes_keeps_no_second_trail(fresh, client):
    from axes.models import AccessLog

    from core.models import AuditEvent

    assert _signed_in(_sign_in(client, fresh.world.teacher_b.username, PASSWORD, HOME))
    assert AuditEvent.objects.filter(action="signin", actor=fresh.world.teacher_b).count() == 1
    assert not AccessLog.objects.exists()  # AXES_DISABLE_ACCESS_LOG: the audit log is the one record


def _axes_statements(queries) -> int:
    return sum("axes_accessattempt" in q["sql"] for q in queries)


def test_a_right_password_at_the_first_try_costs_axes_only_its_lockout_check(fresh, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert _signed_in(_sign_in(client, fresh.world.teacher_b.username, PASSWORD, HOME))
    assert _axes_statements(queries.captured_queries) == 1  # people.lockout: nothing to reset, nothing swept


def test_a_right_password_after_wrong_ones_starts_the_count_again(fresh, client):
    from axes.models import AccessAttempt

    username = fresh.world.teacher_b.username
    assert [_sign_in(client, username, "wrong-password", STRANGER).status_code for _ in range(4)] == [200] * 4
    assert _signed_in(_sign_in(client, username, PASSWORD, STRANGER))
    assert not AccessAttempt.objects.filter(username=username).exists()
    client.logout()
    statuses = [_sign_in(client, username, "wrong-password", STRANGER).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]


def test_an_expired_attempt_left_by_a_right_password_never_adds_to_a_new_count(fresh, client):
    import datetime

    from axes.models import AccessAttempt
    from django.utils import timezone

    username = fresh.world.teacher_b.username
    _sign_in(client, username, "wrong-password", STRANGER)
    old = timezone.now() - datetime.timedelta(hours=1)  # past the 15-minute cool-off
    AccessAttempt.objects.filter(username=username).update(attempt_time=old, failures_since_start=4)
    assert _signed_in(_sign_in(client, username, PASSWORD, STRANGER))
    assert AccessAttempt.objects.filter(username=username, attempt_time=old).exists()  # left for the next failure
    client.logout()
    assert _sign_in(client, username, "wrong-password", STRANGER).status_code == 200  # not the fifth
    assert list(AccessAttempt.objects.filter(username=username).values_list("failures_since_start", flat=True)) == [1]


def test_a_slip_sign_in_resets_the_attempts_as_axes_does(fresh, client):
    from axes.models import AccessAttempt
    from django.test import RequestFactory

    from people import slip_codes

    student = fresh.world.student
    for _ in range(3):
        _sign_in(client, student.user.username, "wrong-password", STRANGER)
    assert AccessAttempt.objects.filter(username=student.user.username).exists()
    issuing = RequestFactory().post("/")
    issuing.user = fresh.world.teacher
    codes, _expires = slip_codes.issue([student], request=issuing, target="test")
    response = client.post(reverse("people:slip_sign_in", args=[codes[student.pk]]), REMOTE_ADDR=STRANGER)
    assert _signed_in(response)
    assert not AccessAttempt.objects.filter(username=student.user.username).exists()


def _spread_attack(username, tries):
    """One wrong password from each of `tries` networks: the same client, so cookies do not help the attacker."""
    from django.test import Client

    attacker = Client()
    return [_sign_in(attacker, username, "wrong-password", f"203.0.{n // 250}.{n % 250 + 1}") for n in range(tries)]


def test_guesses_spread_over_many_networks_are_slowed_by_the_per_name_limit(fresh, client):
    student = fresh.world.student.user
    responses = _spread_attack(student.username, NAME_FAILURE_LIMIT + 20)
    statuses = [r.status_code for r in responses]
    assert statuses == [200] * NAME_FAILURE_LIMIT + [429] * 20, "more passwords were checked than the limit"
    paused = responses[-1]
    assert "people/sign_in_paused.html" in [t.name for t in paused.templates]
    assert 0 < int(paused["Retry-After"]) <= 3600 + 600
    # Even the right password does not get in from yet another network while the name is under attack.
    guessed = _sign_in(client, student.username, PASSWORD, "203.0.9.9")
    assert guessed.status_code == 429 and "_auth_user_id" not in client.session


def test_a_strangers_wrong_passwords_do_not_lock_a_student_out_of_her_own_networks(fresh):
    from django.test import Client

    student, classmate = fresh.world.student.user, fresh.world.student_2.user
    assert _signed_in(_sign_in(Client(), student.username, PASSWORD, HOME))
    assert _signed_in(_sign_in(Client(), classmate.username, PASSWORD, SCHOOL))
    for victim in (student, classmate):
        _spread_attack(victim.username, NAME_FAILURE_LIMIT + 5)
        for _ in range(5):  # and the stranger locks the name on his own network as well
            _sign_in(Client(), victim.username, "wrong-password", STRANGER)
    assert _signed_in(_sign_in(Client(), student.username, PASSWORD, HOME)), "her home network"
    assert _signed_in(_sign_in(Client(), student.username, PASSWORD, SCHOOL)), "her school's network"
    assert _signed_in(_sign_in(Client(), classmate.username, PASSWORD, SCHOOL))
    # Another school's student has no claim on that network.
    other = fresh.world.other_student.user
    _spread_attack(other.username, NAME_FAILURE_LIMIT)
    assert _sign_in(Client(), other.username, PASSWORD, SCHOOL).status_code == 429
