"""The answer-save hot path and what the quiz's script relies on when the server is busy: one statement on
PostgreSQL that refuses exactly what the general path refuses, JSON answers for start and submit, and the
admission ticket that keeps a refused answer or submission on time."""

import datetime
import json
import threading

import pytest
from django.db import connection, connections, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import admission
from quizzes import services
from quizzes.models import Answer, Attempt, QuestionKind

from . import factories as f

JSON = "application/json"


@pytest.fixture
def student_client(client, world):
    client.force_login(world.student.user)
    return client


def _save(client, attempt, question_id, options, **extra):
    return client.post(
        reverse("quizzes:save", args=[attempt.pk]),
        data=json.dumps({"question": question_id, "options": options}),
        content_type=JSON,
        **extra,
    )


def _quizzes_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "quizzes_" in q["sql"]]


def _ticket(path: str, sent: datetime.datetime) -> str:
    """The ticket the admission gate would have given a request to `path` refused at `sent`."""
    request = RequestFactory().post(path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(admission.time, "time", lambda: sent.timestamp())
        return admission._ticket(request)


def test_the_quick_save_refuses_what_the_general_path_refuses(student_client, world):
    single = f.question(text="单选")
    multiple = f.question(text="多选", kind=QuestionKind.MULTIPLE, options=(("甲", 50), ("乙", 50), ("丙", 0)))
    attempt = services.start_or_resume_attempt(world.student, f.quiz([single, multiple], shuffle_questions=False))
    (q1, o1), (q2, o2) = ((item["q"], item["o"]) for item in attempt.paper)
    t1, t2 = f.tokens(attempt, q1), f.tokens(attempt, q2)

    with CaptureQueriesContext(connection) as captured:
        saved = _save(student_client, attempt, q1, [t1[0]])
    assert saved.status_code == 200 and saved.json() == {"saved": True, "question": q1}
    if connection.vendor == "postgresql":
        assert len(_quizzes_queries(captured)) == 1  # ownership, deadline, paper and the upsert in one statement
    assert _save(student_client, attempt, q1, [t1[1]]).status_code == 200  # a changed answer replaces the first
    assert _save(student_client, attempt, q2, [t2[0], t2[1], t2[0]]).status_code == 200  # several, repeats once
    assert _save(student_client, attempt, q2, []).status_code == 200  # and none, to clear it
    assert dict(Answer.objects.filter(attempt=attempt).values_list("question_id", "chosen")) == {
        q1: [o1[1]],
        q2: [],
    }
    assert _save(student_client, attempt, q2, [t2[1], t2[0]]).status_code == 200
    assert Answer.objects.get(attempt=attempt, question_id=q2).chosen == sorted(o2[:2])  # ids, sorted
    assert _save(student_client, attempt, q2, []).status_code == 200

    assert _save(student_client, attempt, q1, [t1[0], t1[1]]).status_code == 400  # two for a single choice
    assert _save(student_client, attempt, q1, [t2[0]]).status_code == 400  # another question's option
    assert _save(student_client, attempt, q1, [o1[0]]).status_code == 400  # a database id names nothing
    assert _save(student_client, attempt, q1, [str(o1[0])]).status_code == 400
    assert _save(student_client, attempt, 999999, []).status_code == 400  # not on the paper
    assert _save(student_client, attempt, q1, ["x"]).status_code == 400
    assert _save(student_client, attempt, q1, [t1[0][:-1] + "#"]).status_code == 400  # a token's length, not one
    assert _save(student_client, attempt, 10**30, [t1[0]]).status_code == 400  # beyond any column's range
    assert _save(student_client, attempt, q1, [-(10**30)]).status_code == 400
    assert student_client.post(reverse("quizzes:save", args=[attempt.pk]), "{", content_type=JSON).status_code == 400
    other = Client()
    other.force_login(world.student_2.user)
    assert _save(other, attempt, q1, [t1[0]]).status_code == 404  # another student's attempt
    assert _save(other, attempt, q1, ["x"]).status_code == 404  # whatever the body
    assert dict(Answer.objects.filter(attempt=attempt).values_list("question_id", "chosen")) == {
        q1: [o1[1]],
        q2: [],
    }

    services.submit_attempt(attempt.pk)
    closed = _save(student_client, attempt, q1, [t1[0]])
    assert closed.status_code == 409 and closed.json()["error"] == "closed"
    assert Answer.objects.get(attempt=attempt, question_id=q1).chosen == [o1[1]]


def test_a_save_past_the_deadline_submits_the_attempt(student_client, world):
    quiz = f.quiz(f.bank(2), time_limit_minutes=10)
    attempt = services.start_or_resume_attempt(world.student, quiz, now=timezone.now() - datetime.timedelta(minutes=11))
    item = attempt.paper[0]
    response = _save(student_client, attempt, item["q"], f.tokens(attempt, item["q"])[:1])
    assert response.status_code == 409
    assert response.json()["result_url"] == reverse("quizzes:result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.is_submitted and not Answer.objects.filter(attempt=attempt).exclude(chosen=[]).exists()


def test_a_refused_save_retried_with_its_ticket_counts_from_when_it_was_first_sent(student_client, world):
    quiz = f.quiz(f.bank(2), time_limit_minutes=10)
    started = timezone.now() - datetime.timedelta(minutes=10, seconds=30)  # deadline 30 s ago, grace 10 s
    attempt = services.start_or_resume_attempt(world.student, quiz, now=started)
    item = attempt.paper[0]
    path = reverse("quizzes:save", args=[attempt.pk])
    # Refused by the gate 5 s before the deadline, sent again now: saved, as of then.
    sent = attempt.deadline_at - datetime.timedelta(seconds=5)
    response = _save(
        student_client, attempt, item["q"], f.tokens(attempt, item["q"])[:1], HTTP_ADMISSION_TICKET=_ticket(path, sent)
    )
    assert response.status_code == 200, response.content
    answer = Answer.objects.get(attempt=attempt, question_id=item["q"])
    assert answer.chosen == [item["o"][0]] and abs((answer.saved_at - sent).total_seconds()) < 0.01
    # A ticket for another attempt's path, or none, does not help.
    other = _ticket(reverse("quizzes:save", args=[attempt.pk + 1]), sent)
    second = attempt.paper[1]
    refused = _save(
        student_client, attempt, second["q"], f.tokens(attempt, second["q"])[:1], HTTP_ADMISSION_TICKET=other
    )
    assert refused.status_code == 409


def test_a_refused_submission_retried_with_its_ticket_keeps_its_answers(student_client, world):
    quiz = f.quiz(f.bank(3), time_limit_minutes=10)
    attempts = []
    for student in (world.student, world.student_2):
        attempts.append(
            services.start_or_resume_attempt(
                student, quiz, now=timezone.now() - datetime.timedelta(minutes=10, seconds=30)
            )
        )
    mine, theirs = attempts
    right = f.right_tokens(mine)
    path = reverse("quizzes:submit", args=[mine.pk])
    sent = mine.deadline_at - datetime.timedelta(seconds=2)
    posted = {f"q{q}": options for q, options in right.items()}
    response = student_client.post(path, posted, HTTP_ACCEPT=JSON, HTTP_ADMISSION_TICKET=_ticket(path, sent))
    assert response.status_code == 200
    assert response.json() == {"submitted": True, "result_url": reverse("quizzes:result", args=[mine.pk])}
    mine.refresh_from_db()
    assert mine.percent == 100 and abs((mine.submitted_at - sent).total_seconds()) < 0.01
    # Without a ticket the same late submission is graded on what was saved in time: nothing.
    student_client.force_login(world.student_2.user)
    posted = {f"q{q}": options for q, options in f.right_tokens(theirs).items()}
    student_client.post(reverse("quizzes:submit", args=[theirs.pk]), posted)
    theirs.refresh_from_db()
    assert theirs.percent == 0


def test_start_and_submit_answer_the_script_in_json(student_client, world):
    quiz = f.quiz(f.bank(2))
    started = student_client.post(reverse("quizzes:start", args=[quiz.pk]), HTTP_ACCEPT=JSON)
    assert started.status_code == 200
    attempt = Attempt.objects.get(quiz=quiz, student=world.student)
    assert started.json() == {"url": reverse("quizzes:take", args=[attempt.pk])}
    assert "qd_device" in started.cookies
    # Starting again resumes the same attempt, as a double tap would.
    assert student_client.post(reverse("quizzes:start", args=[quiz.pk]), HTTP_ACCEPT=JSON).json() == started.json()
    submitted = student_client.post(reverse("quizzes:submit", args=[attempt.pk]), {}, HTTP_ACCEPT=JSON)
    assert submitted.json()["result_url"] == reverse("quizzes:result", args=[attempt.pk])
    # Without JavaScript the same views redirect.
    other = f.quiz(f.bank(1), title="another")
    assert student_client.post(reverse("quizzes:start", args=[other.pk])).status_code == 302


def test_the_quiz_pages_declare_their_priority_at_the_gate(world):
    factory = RequestFactory()
    expected = {
        ("post", reverse("quizzes:save", args=[1])): admission.CRITICAL,
        ("post", reverse("quizzes:submit", args=[1])): admission.CRITICAL,
        ("post", reverse("quizzes:start", args=[1])): admission.NORMAL,
        ("get", reverse("quizzes:detail", args=[1])): admission.NORMAL,
        ("get", reverse("quizzes:take", args=[1])): admission.NORMAL,
        ("get", reverse("quizzes:result", args=[1])): admission.NORMAL,
        ("get", "/en" + reverse("quizzes:take", args=[1])): admission.NORMAL,
        ("get", reverse("quizzes:index")): admission.LOW,
        ("get", "/healthz"): admission.EXEMPT,
        ("get", "/static/qingdun/js/quizzes.js"): admission.EXEMPT,
        ("get", "/no/such/page/"): admission.LOW,
        ("post", "/no/such/page/"): admission.NORMAL,
    }
    for (method, path), priority in expected.items():
        assert admission.priority_of(getattr(factory, method)(path)) == priority, path


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between two real connections (PostgreSQL)")
def test_an_answer_never_lands_on_an_attempt_being_graded():
    """A save racing a submission waits for the submission's row lock, then sees the attempt closed."""
    from people.testing import World

    world = World()
    attempt = services.start_or_resume_attempt(world.student, f.quiz(f.bank(2)))
    item = attempt.paper[0]
    locked, graded = threading.Event(), threading.Event()
    outcome = {}

    def grade_slowly():
        try:
            with transaction.atomic():
                Attempt.objects.select_for_update().get(pk=attempt.pk)
                locked.set()
                graded.wait(5)
                Attempt.objects.filter(pk=attempt.pk).update(submitted_at=timezone.now(), score=0)
        finally:
            connections.close_all()

    def save():
        try:
            locked.wait(5)
            outcome["saved"] = services.save_answer_quickly(
                world.student.user.pk, attempt.pk, item["q"], f.tokens(attempt, item["q"])[:1], now=timezone.now()
            )
        finally:
            connections.close_all()

    grader, saver = threading.Thread(target=grade_slowly), threading.Thread(target=save)
    grader.start()
    saver.start()
    saver.join(0.5)
    assert saver.is_alive(), "the save must wait for the submission's lock"
    graded.set()
    grader.join(5)
    saver.join(5)
    assert outcome["saved"] == (False, None)
    assert not Answer.objects.filter(attempt=attempt).exists()
