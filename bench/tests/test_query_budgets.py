"""Query-count budgets of the paths the benchmark loads; timings live only in the bench suite.

Each budget is the count today: a change that adds a query per request shows up here before it shows up as a
slower benchmark. Counts include the session and user lookups every signed-in request makes.
"""

import json

import pytest
from django.test import Client

from bench.generator.district import SAVE_QUIZ_TITLE
from bench.prepare import baseline_path
from lessons.tests.factories import make_lesson, make_module
from people.models import Student
from quizzes import services
from quizzes.models import Attempt, Quiz

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]

SAVE_BUDGET = 9
# 16 before issue #13, plus 11 statements of the shared sliding-window limit on submission (database cache:
# lock, read, write, cull counts; none with Redis) and 7 of the integrity rules for an attempt the paper's timing
# flags as too fast (answers counted, school, class, student, the flag written in its savepoints). The rules run
# in a task (classroom.tasks): the tests' immediate backend runs it inline, reading the attempt once more (35);
# with production's task backend the request writes the task's row instead of the rules' statements.
SUBMIT_BUDGET = 35
PAPER_BUDGET = 11
# The lesson page from its response cache (lessons/page_cache.py): session, user, the render generation (the
# database cache; none with Redis) and the reader's roles (2). No routing, no restriction check.
LESSON_BUDGET = 5
# The baseline routes as Wagtail serves any page (site, one query per path level, view restrictions), then the
# shell's session, user and roles: 14.
BASELINE_BUDGET = 14


@pytest.fixture
def district(generate_district):
    generate_district(schools=1, students_per_school=30, attempts_per_student=0, seed=21)
    students = list(Student.objects.filter(user__must_change_password=False).select_related("user").order_by("pk"))
    return {"students": students, "quiz": Quiz.objects.get(title=SAVE_QUIZ_TITLE)}


def signed_in(user, warm_path: str) -> Client:
    """A signed-in client past its first request: budgets are for the steady state, not for the session's
    once-a-minute last-activity write."""
    client = Client()
    client.force_login(user)
    client.get(warm_path)
    return client


def first_option(attempt: Attempt, question: int) -> int:
    return int(next(iter(attempt.answer_key[str(question)]["w"])))


def first_token(attempt: Attempt, question: int) -> str:
    """What the page posts for an option: the paper's token, never the id."""
    return next(iter(attempt.answer_key[str(question)]["t"]))


def test_answer_save_query_budget(district, django_assert_max_num_queries):
    student = district["students"][0]
    attempt = services.start_or_resume_attempt(student, district["quiz"], check_access=False)
    client = signed_in(student.user, f"/quizzes/attempt/{attempt.pk}/")
    url = f"/quizzes/attempt/{attempt.pk}/answer/"
    for question in attempt.question_ids[:3]:
        body = json.dumps({"question": question, "options": [first_token(attempt, question)]})
        with django_assert_max_num_queries(SAVE_BUDGET):
            response = client.post(url, body, content_type="application/json")
        assert response.status_code == 200, response.content
    assert attempt.answers.count() == 3


def test_submission_query_budget_does_not_grow_with_questions(district, django_assert_max_num_queries):
    student = district["students"][1]
    attempt = services.start_or_resume_attempt(student, district["quiz"], check_access=False)
    assert len(attempt.question_ids) == 30
    for question in attempt.question_ids:
        services.save_answer(attempt, question, [first_option(attempt, question)])
    client = signed_in(student.user, f"/quizzes/attempt/{attempt.pk}/")
    with django_assert_max_num_queries(SUBMIT_BUDGET):
        response = client.post(f"/quizzes/attempt/{attempt.pk}/submit/", {})
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None and attempt.answers.count() == 30


def test_quiz_paper_query_budget(district, django_assert_max_num_queries):
    student = district["students"][2]
    attempt = services.start_or_resume_attempt(student, district["quiz"], check_access=False)
    client = signed_in(student.user, f"/quizzes/attempt/{attempt.pk}/")
    with django_assert_max_num_queries(PAPER_BUDGET):
        response = client.get(f"/quizzes/attempt/{attempt.pk}/")
    assert response.status_code == 200


def test_lesson_page_and_baseline_query_budgets(district, django_assert_num_queries, django_assert_max_num_queries):
    lesson = make_lesson(make_module(slug="bench-module"), slug="bench-lesson")
    client = signed_in(district["students"][0].user, lesson.url)  # also fills per-process caches (Site, locales)
    with django_assert_num_queries(LESSON_BUDGET):  # exactly: a query fewer means a check was skipped
        response = client.get(lesson.url)
    assert response.status_code == 200
    with django_assert_max_num_queries(BASELINE_BUDGET):
        baseline = client.get(baseline_path(lesson))
    assert baseline.status_code == 200
    assert lesson.title in baseline.content.decode()


# The exam start's way to the first question (issue #15), on the tests' database cache and sessions: with
# Redis, production's set-up, the rate limits' and sessions' cache statements go (bench.steps counts 17, 9 and 16
# there). Exact: a query fewer means a check was skipped, one more is paid by every student of a room signing
# in at once.
# The slip's POST: the per-network limit (12 on the database cache), the code and the staff check, two audit
# events (the district read from her row, which her roles brought), axes' reset of her attempts (a slip's
# sign-in had no lockout check to count them; people.lockout), the last sign-in and the code's use, the
# student's roles and row, where she lands (the school year, as in a test's transaction; the assignments of her
# classes, asked in one statement; the sitting), and the session written once, with the sign-in (3, a savepoint
# around its INSERT; core.sessions).
SLIP_SIGN_IN_BUDGET = 27
# The quiz's page she lands on: session, user, roles and row, the quiz, whether it is hers (the contest is open
# to all students, the first rule, so the class rules' lookups are not asked), her attempts and allowances. No
# home page before it.
LANDING_BUDGET = 8
# Start: session, user, the per-student limit (12 on the database cache), roles and row, the quiz, her open
# attempt, whether it is hers (1), her attempts counted, allowances, her class this year (school year, enrollment:
# a test's transaction never holds the year, people.models.organisations; production reads it once a minute),
# the paper drawn (questions, rules, question rows, options) and the attempt written (3).
START_BUDGET = 30


def test_exam_start_query_budgets(district, rf, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser
    from django.utils import timezone

    from bench.generator.district import BURST_QUIZ_TITLE
    from bench.prepare import open_sitting
    from people import slip_codes

    quiz = Quiz.objects.get(title=BURST_QUIZ_TITLE)
    open_sitting(quiz)
    student = district["students"][3]
    issuing = rf.post("/")
    issuing.user = AnonymousUser()
    codes, _ = slip_codes.issue([student], request=issuing, target="test", now=timezone.now())
    client = Client()
    path = f"/signin/slip/{codes[student.pk]}/"
    client.get(path)
    with django_assert_num_queries(SLIP_SIGN_IN_BUDGET):
        signed = client.post(path)
    assert signed.status_code == 302 and signed["Location"] == f"/quizzes/{quiz.pk}/"
    with django_assert_num_queries(LANDING_BUDGET):
        assert client.get(signed["Location"]).status_code == 200
    with django_assert_num_queries(START_BUDGET):
        started = client.post(f"/quizzes/{quiz.pk}/start/", HTTP_ACCEPT="application/json")
    assert started.status_code == 200 and "/attempt/" in started.json()["url"]
