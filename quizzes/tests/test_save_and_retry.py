"""The answer-save hot path and what the quiz's script relies on: one statement on PostgreSQL, for one answer or a
batch, that refuses exactly what the general path refuses, a fresh lease with every save, and JSON answers for
start and submit. The deadline rules are in test_deadlines.py."""

import json
import threading

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizzes import lease, services
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


def test_the_quick_save_refuses_what_the_general_path_refuses(student_client, world):
    single = f.question(text="单选")
    multiple = f.question(text="多选", kind=QuestionKind.MULTIPLE, options=(("甲", 50), ("乙", 50), ("丙", 0)))
    attempt = services.start_or_resume_attempt(world.student, f.quiz([single, multiple], shuffle_questions=False))
    (q1, o1), (q2, o2) = ((item["q"], item["o"]) for item in attempt.paper)
    t1, t2 = f.tokens(attempt, q1), f.tokens(attempt, q2)

    with CaptureQueriesContext(connection) as captured:
        saved = _save(student_client, attempt, q1, [t1[0]])
    assert saved.status_code == 200
    body = saved.json()
    assert {key: body[key] for key in ("saved", "question")} == {"saved": True, "question": q1}
    assert lease.read(body["lease"], attempt.pk) is not None and isinstance(body["server_time"], int)
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


def _batch(client, attempt, answers, **fields):
    body = {"answers": [{"question": q, "options": options} for q, options in answers], **fields}
    return client.post(reverse("quizzes:save", args=[attempt.pk]), data=json.dumps(body), content_type=JSON)


def test_a_batch_saves_every_valid_answer_in_one_statement_and_names_the_rest(student_client, world):
    single = f.question(text="单选")
    multiple = f.question(text="多选", kind=QuestionKind.MULTIPLE, options=(("甲", 50), ("乙", 50), ("丙", 0)))
    third = f.question(text="第三题")
    quiz = f.quiz([single, multiple, third], shuffle_questions=False, time_limit_minutes=10)
    attempt = services.start_or_resume_attempt(world.student, quiz)
    (q1, o1), (q2, o2), (q3, o3) = ((item["q"], item["o"]) for item in attempt.paper)
    t1, t2, t3 = f.tokens(attempt, q1), f.tokens(attempt, q2), f.tokens(attempt, q3)

    with CaptureQueriesContext(connection) as captured:
        response = _batch(student_client, attempt, [(q1, [t1[0]]), (q2, [t2[1], t2[0]]), (q1, [t1[1]])])
    assert response.status_code == 200, response.content
    body = response.json()
    assert sorted(body["saved"]) == [q1, q2] and body["refused"] == []  # q1 twice: the later choice wins
    assert 0 < body["remaining"] <= 600
    issued = lease.read(body["lease"], attempt.pk)
    assert issued is not None and lease.read(body["lease"], attempt.pk + 1) is None
    if connection.vendor == "postgresql":
        assert len(_quizzes_queries(captured)) == 1  # the whole batch in one statement
    assert dict(Answer.objects.filter(attempt=attempt).values_list("question_id", "chosen")) == {
        q1: [o1[1]],
        q2: sorted(o2[:2]),
    }

    # A batch with answers that name nothing of the paper saves the others and says which were refused and why.
    mixed = _batch(
        student_client, attempt, [(q1, [t1[0], t1[1]]), (q3, [t3[0]]), (999999, []), (q2, [t1[0]]), (q1, ["x"])]
    )
    assert mixed.status_code == 200
    body = mixed.json()
    assert body["saved"] == [q3]
    assert {item["question"]: item["reason"] for item in body["refused"]} == {
        q1: "invalid",
        999999: "invalid",
        q2: "invalid",
    }
    assert all(item["message"] for item in body["refused"])
    assert dict(Answer.objects.filter(attempt=attempt).values_list("question_id", "chosen")) == {
        q1: [o1[1]],
        q2: sorted(o2[:2]),
        q3: [o3[0]],
    }
    # An empty batch saves nothing and renews the lease (the page's heartbeat); an unreadable one is 400.
    assert _batch(student_client, attempt, []).json()["saved"] == []
    for broken in ({"answers": "all"}, {"answers": [{"options": []}]}, {"answers": [{"question": q1, "options": [1]}]}):
        response = student_client.post(reverse("quizzes:save", args=[attempt.pk]), broken, content_type=JSON)
        assert response.status_code == 400, broken
    too_many = [(q1, [t1[0]])] * (services.MAX_BATCH + 1)
    assert _batch(student_client, attempt, too_many).status_code == 400
    other = Client()
    other.force_login(world.student_2.user)
    assert _batch(other, attempt, [(q1, [t1[0]])]).status_code == 404
    assert other.post(reverse("quizzes:save", args=[attempt.pk]), "{", content_type=JSON).status_code == 404


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
    assert submitted.json() == {
        "closed": True,
        "submitted": True,
        "weighed": 0,
        "refused": [],
        "result_url": reverse("quizzes:result", args=[attempt.pk]),
    }
    # Without JavaScript the same views redirect.
    other = f.quiz(f.bank(1), title="another")
    assert student_client.post(reverse("quizzes:start", args=[other.pk])).status_code == 302


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
            choice = services.Choice(item["q"], tuple(f.tokens(attempt, item["q"])[:1]))
            outcome["saved"] = services.save_choices_quickly(
                world.student.user.pk, attempt.pk, [choice], now=timezone.now()
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
    assert outcome["saved"] == (False, None, [])
    assert not Answer.objects.filter(attempt=attempt).exists()
