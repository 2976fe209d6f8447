"""The deadline rule (docs/quizzes.md, "Deadlines"): an answer chosen before the deadline counts however it was
delayed; nothing chosen after it counts; every response says which answers counted.

Each case is an attempt whose deadline passed `LATE_BY` ago (beyond the 10 s grace earlier versions gave saves in
flight), and the requests the quiz page sends then. The lease the page holds is the one the paper or a save gave it
before the deadline; `at` is when the student chose the answer, on the server's clock by that lease. The form
posts below carry the same fields as the page's JSON (`lease`, `at<question id>`), so they also show what earlier
versions did with the same requests.
"""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes import lease, services
from quizzes.models import Answer, Attempt, Flag

from . import factories as f

JSON = "application/json"
LATE_BY = datetime.timedelta(seconds=13)


@pytest.fixture
def student_client(client, world):
    client.force_login(world.student.user)
    return client


def _overdue(student, late_by=LATE_BY, questions=3) -> Attempt:
    """An attempt at a 10-minute quiz whose deadline passed `late_by` ago."""
    quiz = f.quiz(f.bank(questions), time_limit_minutes=10, shuffle_questions=False)
    started = timezone.now() - datetime.timedelta(minutes=10) - late_by
    return services.start_or_resume_attempt(student, quiz, now=started)


def _before(attempt, seconds) -> datetime.datetime:
    return attempt.deadline_at - datetime.timedelta(seconds=seconds)


def _ms(moment) -> int:
    return lease.milliseconds(moment)


def _save(client, attempt, answers, held_lease=None):
    body = {"lease": held_lease, "answers": answers}
    return client.post(reverse("quizzes:save", args=[attempt.pk]), data=json.dumps(body), content_type=JSON)


def _submit_form(client, attempt, answers: dict[int, tuple[list[str], datetime.datetime | None]], held_lease=None):
    """The submission as a form: q<id> per token, at<id> when the page stamped the answer, and the lease."""
    fields = {}
    for question_id, (tokens, at) in answers.items():
        fields[f"q{question_id}"] = tokens
        if at is not None:
            fields[f"at{question_id}"] = str(_ms(at))
    if held_lease:
        fields["lease"] = held_lease
    return client.post(reverse("quizzes:submit", args=[attempt.pk]), fields, HTTP_ACCEPT=JSON)


def _graded(attempt) -> dict[int, list[int]]:
    attempt.refresh_from_db()
    assert attempt.is_submitted
    return dict(Answer.objects.filter(attempt=attempt).exclude(chosen=[]).values_list("question_id", "chosen"))


def _refused(response) -> dict[int, str]:
    return {item["question"]: item["reason"] for item in response.json()["refused"]}


def test_a_choice_delayed_by_a_refusal_at_the_edge_still_counts(student_client, world):
    """Chosen 5 s before the deadline; the edge answered 429 (the app never saw it); the page sends it with the
    submission the deadline triggers, 13 s after it."""
    attempt = _overdue(world.student)
    paper_lease = lease.issue(attempt.pk, _before(attempt, 60))  # the paper, opened a minute before the deadline
    q, option = attempt.paper[0]["q"], attempt.paper[0]["o"][1]
    response = _submit_form(
        student_client, attempt, {q: ([f.token(attempt, q, option)], _before(attempt, 5))}, paper_lease
    )
    assert response.status_code == 200
    body = response.json()
    assert body["submitted"] is True and body["refused"] == [] and body["weighed"] == 1
    assert _graded(attempt) == {q: [option]}
    assert attempt.submitted_at == attempt.deadline_at
    # Counted on the page's word, so shown for review (classroom mirrors it as an integrity flag).
    assert Flag.LATE_ANSWERS in attempt.flags


def test_an_answer_saved_in_time_and_sent_again_late_raises_no_late_flag(student_client, world):
    attempt = _overdue(world.student)
    q, option = attempt.paper[0]["q"], attempt.paper[0]["o"][1]
    services.save_answer(attempt, q, [option], now=_before(attempt, 30))
    held = lease.issue(attempt.pk, _before(attempt, 30))
    response = _submit_form(student_client, attempt, {q: ([f.token(attempt, q, option)], _before(attempt, 30))}, held)
    assert response.json()["submitted"] is True
    attempt.refresh_from_db()
    assert Flag.LATE_ANSWERS not in attempt.flags, "the server had it before the deadline: nothing rests on the page"


def test_a_choice_delayed_by_a_server_error_still_counts(student_client, world):
    """The save reached the app 5 s before the deadline and failed (the database was down: nothing stored). Sent
    again 13 s after the deadline, the save is not discarded: the server says the attempt is overdue and waits
    for the submission, which carries it."""
    attempt = _overdue(world.student)
    held = lease.issue(attempt.pk, _before(attempt, 40))
    q, option = attempt.paper[1]["q"], attempt.paper[1]["o"][0]
    token = f.token(attempt, q, option)
    retried = _save(
        student_client, attempt, [{"question": q, "options": [token], "at": _ms(_before(attempt, 5))}], held
    )
    assert retried.status_code == 409
    assert retried.json()["error"] == "overdue"
    assert retried.json()["submit_url"] == reverse("quizzes:submit", args=[attempt.pk])
    attempt.refresh_from_db()
    assert not attempt.is_submitted and not Answer.objects.filter(attempt=attempt).exists()

    response = _submit_form(student_client, attempt, {q: ([token], _before(attempt, 5))}, held)
    assert response.json()["submitted"] is True
    assert _graded(attempt) == {q: [option]}


def test_a_choice_delayed_by_a_dropped_connection_still_counts(student_client, world):
    """Two answers before the deadline: the first save was stored but its response was lost (the page still holds
    the older lease and the answer), the second request never arrived. Four minutes after the deadline — far
    beyond any grace for requests in flight — the page submits both, with the lease it has."""
    attempt = _overdue(world.student, late_by=datetime.timedelta(minutes=4))
    held = lease.issue(attempt.pk, _before(attempt, 30))
    (q1, o1), (q2, o2) = ((item["q"], item["o"]) for item in attempt.paper[:2])
    services.save_choices(attempt, [services.Choice(q1, (f.token(attempt, q1, o1[0]),))], now=_before(attempt, 8))
    response = _submit_form(
        student_client,
        attempt,
        {
            q1: ([f.token(attempt, q1, o1[0])], _before(attempt, 8)),
            q2: ([f.token(attempt, q2, o2[2])], _before(attempt, 3)),
        },
        held,
    )
    assert response.json()["submitted"] is True and response.json()["weighed"] == 2
    assert _graded(attempt) == {q1: [o1[0]], q2: [o2[2]]}


def test_a_choice_after_the_deadline_does_not_count_and_the_answer_says_so(student_client, world):
    attempt = _overdue(world.student)
    held = lease.issue(attempt.pk, _before(attempt, 20))
    (q1, o1), (q2, o2) = ((item["q"], item["o"]) for item in attempt.paper[:2])
    response = _submit_form(
        student_client,
        attempt,
        {
            q1: ([f.token(attempt, q1, o1[0])], _before(attempt, 2)),  # in time
            q2: ([f.token(attempt, q2, o2[0])], attempt.deadline_at + datetime.timedelta(seconds=2)),  # late
        },
        held,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["closed"] is True and body["submitted"] is False and body["weighed"] == 1
    assert _refused(response) == {q2: "after_deadline"}
    assert body["refused"][0]["message"]
    assert _graded(attempt) == {q1: [o1[0]]}


def test_a_late_answer_without_proof_does_not_count(student_client, world):
    """Past the deadline an unsaved answer needs the page's lease and stamp: a bare form (no JavaScript), a lease
    of another attempt, a forged one or one issued after the deadline proves nothing."""
    attempts = [_overdue(world.student, questions=2)]
    other = _overdue(world.student_2, questions=2)
    q = attempts[0].paper[0]["q"]
    token = f.tokens(attempts[0], q)[0]
    at = _before(attempts[0], 5)
    held = lease.issue(attempts[0].pk, _before(attempts[0], 30))
    for presented, stamped in (
        (None, None),
        (None, at),
        (lease.issue(other.pk, _before(other, 30)), at),
        (held[:-2] + ("A" if held[-1] != "A" else "B") + held[-1], at),
        (lease.issue(attempts[0].pk, attempts[0].deadline_at + datetime.timedelta(seconds=1)), at),
        (held, None),  # the lease, but no moment of choice: it arrived late, so it is judged as chosen late
    ):
        attempt = attempts[-1]
        response = _submit_form(student_client, attempt, {q: ([token], stamped)}, presented)
        expected = "after_deadline" if presented is held else "no_lease"
        assert _refused(response) == {q: expected}, (presented, stamped)
        assert response.json()["submitted"] is False
        assert _graded(attempt) == {}
        attempts.append(_overdue(world.student, questions=2))
        q, token = attempts[-1].paper[0]["q"], f.tokens(attempts[-1], attempts[-1].paper[0]["q"])[0]
        at = _before(attempts[-1], 5)
        held = lease.issue(attempts[-1].pk, _before(attempts[-1], 30))


def test_a_lease_serves_one_late_submission(student_client, world):
    """The first late submission with a lease closes the attempt. The same lease again with another payload is
    refused and changes nothing; the same payload again (a retry whose answer was lost) is told it counted."""
    attempt = _overdue(world.student)
    held = lease.issue(attempt.pk, _before(attempt, 30))
    (q1, o1), (q2, o2) = ((item["q"], item["o"]) for item in attempt.paper[:2])
    first = {q1: ([f.token(attempt, q1, o1[0])], _before(attempt, 4))}
    assert _submit_form(student_client, attempt, first, held).json()["submitted"] is True

    another = {
        q1: ([f.token(attempt, q1, o1[1])], _before(attempt, 3)),
        q2: ([f.token(attempt, q2, o2[0])], _before(attempt, 2)),
    }
    reused = _submit_form(student_client, attempt, another, held)
    assert reused.status_code == 200 and reused.json()["submitted"] is False
    assert _refused(reused) == {q1: "closed", q2: "closed"}
    assert _graded(attempt) == {q1: [o1[0]]}

    replay = _submit_form(student_client, attempt, first, held)
    assert replay.json()["submitted"] is True and replay.json()["refused"] == []


def test_a_submission_carrying_an_unsaved_answer_weighs_it(student_client, world):
    """Before the deadline every posted answer counts, saved or not; after it, with the page's lease, too — the
    response never says "submitted" while dropping one."""
    quiz = f.quiz(f.bank(2), time_limit_minutes=10, shuffle_questions=False)
    attempt = services.start_or_resume_attempt(world.student, quiz)
    q, option = attempt.paper[0]["q"], attempt.paper[0]["o"][0]
    response = _submit_form(student_client, attempt, {q: ([f.token(attempt, q, option)], None)})
    assert response.json()["submitted"] is True and _graded(attempt) == {q: [option]}

    late = _overdue(world.student_2)
    student_client.force_login(world.student_2.user)
    held = lease.issue(late.pk, _before(late, 50))
    q, option = late.paper[2]["q"], late.paper[2]["o"][1]
    response = _submit_form(student_client, late, {q: ([f.token(late, q, option)], _before(late, 1))}, held)
    assert response.json()["submitted"] is True and _graded(late) == {q: [option]}


def test_the_page_json_submission_follows_the_same_rule(student_client, world):
    attempt = _overdue(world.student)
    held = lease.issue(attempt.pk, _before(attempt, 30))
    (q1, o1), (q2, o2) = ((item["q"], item["o"]) for item in attempt.paper[:2])
    body = {
        "lease": held,
        "answers": [
            {"question": q1, "options": [f.token(attempt, q1, o1[0])], "at": _ms(_before(attempt, 6))},
            {"question": q2, "options": [f.token(attempt, q2, o2[0])], "at": _ms(attempt.deadline_at) + 1500},
        ],
    }
    url = reverse("quizzes:submit", args=[attempt.pk])
    response = student_client.post(url, json.dumps(body), content_type=JSON, HTTP_ACCEPT=JSON)
    assert response.status_code == 200
    assert response.json()["submitted"] is False and _refused(response) == {q2: "after_deadline"}
    assert _graded(attempt) == {q1: [o1[0]]}
    assert student_client.post(url, "[", content_type=JSON, HTTP_ACCEPT=JSON).status_code == 400


def test_an_overdue_attempt_waits_for_its_page_then_is_graded(student_client, world):
    """Within the late window the paper shows locked and hands out no lease (one issued now proves nothing), saves
    are refused as overdue, and the attempt stays open; past the window any request grades it with what it has."""
    attempt = _overdue(world.student)
    page = student_client.get(reverse("quizzes:take", args=[attempt.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-overdue="1"' in html and "data-lease" not in html
    assert 'name="lease"' not in html and "disabled" in html
    attempt.refresh_from_db()
    assert not attempt.is_submitted

    fresh = services.start_or_resume_attempt(world.student_2, f.quiz(f.bank(1), time_limit_minutes=10))
    student_client.force_login(world.student_2.user)
    html = student_client.get(reverse("quizzes:take", args=[fresh.pk])).content.decode()
    assert "data-overdue" not in html and 'name="lease"' in html

    q = attempt.paper[0]["q"]
    past = attempt.deadline_at + services.LATE + datetime.timedelta(seconds=1)
    with pytest.raises(services.Overdue):
        services.save_choices(attempt, [services.Choice(q, tuple(f.tokens(attempt, q)[:1]))], now=past - services.LATE)
    with pytest.raises(services.AttemptClosed) as closed:
        services.save_choices(attempt, [services.Choice(q, tuple(f.tokens(attempt, q)[:1]))], now=past)
    assert not isinstance(closed.value, services.Overdue)
    assert _graded(attempt) == {}
    # A lease-backed submission arriving after the window finds the attempt graded and is told so.
    held = lease.issue(attempt.pk, _before(attempt, 10))
    outcome = services.submit_choices(
        attempt.pk,
        [services.Choice(q, tuple(f.tokens(attempt, q)[:1]), _before(attempt, 2))],
        lease=lease.read(held, attempt.pk),
        now=past,
    )
    assert outcome.refused == {q: "closed"}


def test_late_window_closes_by_command_and_lazily(world):
    attempt = _overdue(world.student)
    assert services.close_expired_attempts() == 0  # overdue, still waiting for its page
    assert services.close_expired_attempts(now=attempt.deadline_at + services.LATE + datetime.timedelta(seconds=1)) == 1
    attempt.refresh_from_db()
    assert attempt.is_submitted and attempt.submitted_at == attempt.deadline_at


def test_a_lease_names_its_attempt_and_cannot_be_forged():
    now = timezone.now()
    issued = lease.issue(7, now)
    read = lease.read(issued, 7)
    assert read.attempt_id == 7 and abs((read.issued_at - now).total_seconds()) < 0.002
    assert lease.read(issued, 8) is None
    assert lease.read(issued.replace(":", ".", 1), 7) is None
    for junk in (None, "", 7, ["x"], "x" * 300, "WzcsMV0:bad"):
        assert lease.read(junk, 7) is None
    assert lease.from_milliseconds(True) is None and lease.from_milliseconds("soon") is None
    assert lease.from_milliseconds(10**30) is None


def test_a_signed_out_submission_is_told_so_in_json(client, world):
    """The page keeps its answers on a 401; a redirect to the sign-in page would look like success to a script."""
    attempt = _overdue(world.student)
    url = reverse("quizzes:submit", args=[attempt.pk])
    response = client.post(url, "{}", content_type=JSON, HTTP_ACCEPT=JSON)
    assert response.status_code == 401 and response.json() == {"error": "signed_out"}
    assert client.post(url).status_code == 302  # a form is sent to sign in
    attempt.refresh_from_db()
    assert not attempt.is_submitted
