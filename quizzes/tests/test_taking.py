import datetime
import json
import re
from contextlib import contextmanager

import pytest
from django.core import signing
from django.core.management import call_command
from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.models import Answer, Attempt, Flag, Option, Question
from quizzes.paper import TOKEN_LENGTH

from . import factories as f


@pytest.fixture
def student_client(client, world):
    client.force_login(world.student.user)
    return client


def _start(client, quiz) -> Attempt:
    response = client.post(reverse("quizzes:start", args=[quiz.pk]))
    assert response.status_code == 302, response.content
    return Attempt.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))


def _save(client, attempt, question_id, options):
    return client.post(
        reverse("quizzes:save", args=[attempt.pk]),
        data=json.dumps({"question": question_id, "options": options}),
        content_type="application/json",
    )


def test_served_paper_has_no_answer_key_or_explanation(student_client, world):
    questions = [
        f.question(text=f"问题{i}", options=((f"对的{i}", 100), (f"错的{i}", 0)), explanation=f"秘密解析{i}")
        for i in range(3)
    ]
    quiz = f.quiz(questions)
    attempt = _start(student_client, quiz)
    html = student_client.get(reverse("quizzes:take", args=[attempt.pk])).content.decode()
    assert "问题0" in html and "对的0" in html
    for i in range(3):
        assert f"秘密解析{i}" not in html
        assert f"反馈{0}" not in html
    lowered = html.lower()
    for marker in ("is-correct", 'correct"', "data-correct", "weight", "answer_key", "✓"):
        assert marker not in lowered, marker
    # The option values are the attempt's tokens, all alike, and the right one is not distinguishable by its markup.
    right = Option.objects.get(text="对的0")
    wrong = Option.objects.get(text="错的0")
    values = re.findall(r'<input[^>]*name="q\d+" value="([^"]*)"', html)
    assert len(values) == 6 and {len(value) for value in values} == {TOKEN_LENGTH}
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", value) for value in values)
    assert not {str(option.pk) for option in Option.objects.all()} & set(values)
    right_token = f.token(attempt, right.question_id, right.pk)
    wrong_token = f.token(attempt, wrong.question_id, wrong.pk)
    tag_right = re.search(rf'<input[^>]*value="{right_token}"[^>]*>', html).group(0)
    tag_wrong = re.search(rf'<input[^>]*value="{wrong_token}"[^>]*>', html).group(0)
    assert tag_right.replace(right_token, "") == tag_wrong.replace(wrong_token, "")
    label = r'<li>\s*<label class="option">\s*{}\s*<span>{}</span>\s*</label>\s*</li>'
    assert re.search(label.format(re.escape(tag_right), "对的0"), html)
    assert re.search(label.format(re.escape(tag_wrong), "错的0"), html)
    # The JSON the paper talks to says nothing about correctness either.
    body = _save(student_client, attempt, right.question_id, [right_token]).json()
    assert set(body) <= {"saved", "question", "remaining", "lease", "server_time"}
    # The lease only names the attempt and the server's time (quizzes.lease); the same for any answer.
    assert signing.loads(body["lease"], salt="qingdun.quizzes.lease") == [attempt.pk, body["server_time"]]


def test_autosave_then_resume_shows_the_same_paper_and_answers(student_client, world):
    quiz = f.quiz(f.bank(6), shuffle_options=True)
    attempt = _start(student_client, quiz)
    first = attempt.paper[0]
    tokens = f.tokens(attempt, first["q"])
    assert _save(student_client, attempt, first["q"], [tokens[1]]).status_code == 200
    answer = Answer.objects.get(attempt=attempt, question_id=first["q"])
    assert answer.chosen == [first["o"][1]] and answer.saved_at is not None
    # Changing the answer is an upsert, not a second row.
    _save(student_client, attempt, first["q"], [tokens[2]])
    assert Answer.objects.filter(attempt=attempt).count() == 1
    # Reopening (a reload, or pressing start again) resumes the same attempt with the same order.
    again = _start(student_client, quiz)
    assert again.pk == attempt.pk
    html = student_client.get(reverse("quizzes:take", args=[attempt.pk])).content.decode()
    order = re.findall(r'name="q\d+" value="([^"]+)"', html)
    assert order == [token for item in attempt.paper for token in f.tokens(attempt, item["q"])]
    assert re.search(rf'value="{tokens[2]}" checked', html)


def test_save_rejects_options_of_another_question_and_other_students(student_client, client, world):
    quiz = f.quiz(f.bank(2))
    attempt = _start(student_client, quiz)
    q1, q2 = attempt.paper
    t1, t2 = f.tokens(attempt, q1["q"]), f.tokens(attempt, q2["q"])
    assert _save(student_client, attempt, q1["q"], [t2[0]]).status_code == 400
    assert _save(student_client, attempt, 999999, [t1[0]]).status_code == 400
    assert _save(student_client, attempt, q1["q"], [t1[0], t1[1]]).status_code == 400
    assert _save(student_client, attempt, q1["q"], [q1["o"][0]]).status_code == 400  # an option's id
    client.logout()
    client.force_login(world.student_2.user)
    assert _save(client, attempt, q1["q"], [t1[0]]).status_code == 404
    assert client.get(reverse("quizzes:take", args=[attempt.pk])).status_code == 404
    assert client.get(reverse("quizzes:result", args=[attempt.pk])).status_code == 404


def test_submit_grades_on_the_server_and_is_idempotent(student_client, world):
    quiz = f.quiz(f.bank(4), pass_percent=50)
    attempt = _start(student_client, quiz)
    right = f.right_tokens(attempt)
    for item in attempt.paper[:3]:
        _save(student_client, attempt, item["q"], right[item["q"]])
    url = reverse("quizzes:submit", args=[attempt.pk])
    assert student_client.post(url).status_code == 302
    attempt.refresh_from_db()
    assert (attempt.score, attempt.max_score, attempt.percent, attempt.passed) == (3, 4, 75, True)
    first_submitted = attempt.submitted_at
    # A retry, a double tap or a second tab changes nothing, even with different answers posted.
    wrong = {f"q{item['q']}": f.tokens(attempt, item["q"])[-1] for item in attempt.paper}
    student_client.post(url, wrong)
    attempt.refresh_from_db()
    assert attempt.score == 3 and attempt.submitted_at == first_submitted
    assert Attempt.objects.filter(quiz=quiz).count() == 1
    # Saving after submission is refused.
    assert _save(student_client, attempt, attempt.paper[0]["q"], right[attempt.paper[0]["q"]]).status_code == 409


def test_form_posted_without_javascript_is_graded(student_client, world):
    quiz = f.quiz(f.bank(3))
    attempt = _start(student_client, quiz)
    right = f.right_tokens(attempt)
    data = {f"q{q}": options for q, options in right.items()}
    student_client.post(reverse("quizzes:submit", args=[attempt.pk]), data)
    attempt.refresh_from_db()
    assert attempt.percent == 100
    assert Answer.objects.filter(attempt=attempt, credit=1).count() == 3


def test_a_form_naming_options_by_id_earns_nothing(student_client, world):
    quiz = f.quiz(f.bank(3))
    attempt = _start(student_client, quiz)
    data = {f"q{q}": options for q, options in f.right_options(attempt).items()}
    student_client.post(reverse("quizzes:submit", args=[attempt.pk]), data)
    attempt.refresh_from_db()
    assert attempt.is_submitted and attempt.percent == 0
    assert not Answer.objects.filter(attempt=attempt).exclude(chosen=[]).exists()


def test_result_shows_answers_only_as_the_quiz_allows(student_client, world):
    q = f.question(explanation="冰毒即甲基苯丙胺，因外观似冰得名。")
    for setting, shown in (("after_submit", True), ("never", False), ("after_close", False)):
        quiz = f.quiz([q], show_answers=setting, title=setting)
        attempt = _start(student_client, quiz)
        student_client.post(reverse("quizzes:submit", args=[attempt.pk]))
        html = student_client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
        assert ("外观似冰" in html) is shown, setting
    closed = f.quiz([q], show_answers="after_close", title="closed")
    attempt = _start(student_client, closed)
    student_client.post(reverse("quizzes:submit", args=[attempt.pk]))
    closed.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    closed.save()
    assert "外观似冰" in student_client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()


def test_deadline_submits_lazily_and_by_command(world):
    quiz = f.quiz(f.bank(3), time_limit_minutes=10)
    start = timezone.now() - datetime.timedelta(minutes=30)
    attempt = services.start_or_resume_attempt(world.student, quiz, now=start)
    assert attempt.deadline_at == start + datetime.timedelta(minutes=10)
    item = attempt.paper[0]
    services.save_answer(attempt, item["q"], [item["o"][0]], now=start + datetime.timedelta(minutes=1))
    # Any request after the deadline finalises the attempt; a late save is refused and changes nothing.
    with pytest.raises(services.AttemptClosed):
        services.save_answer(attempt, attempt.paper[1]["q"], [attempt.paper[1]["o"][0]])
    attempt.refresh_from_db()
    assert attempt.is_submitted and Flag.AUTO_SUBMITTED in attempt.flags
    assert attempt.submitted_at == attempt.deadline_at
    assert Answer.objects.filter(attempt=attempt).exclude(chosen=[]).count() == 1

    other = services.start_or_resume_attempt(world.student_2, quiz, now=start)
    assert call_command("close_expired_attempts") is None
    other.refresh_from_db()
    assert other.is_submitted and other.score == 0


def test_deadline_never_runs_past_closing_time(world):
    now = timezone.now()
    quiz = f.quiz(f.bank(1), time_limit_minutes=60, closes_at=now + datetime.timedelta(minutes=5))
    attempt = services.start_or_resume_attempt(world.student, quiz, now=now)
    assert attempt.deadline_at == quiz.closes_at


def test_take_page_after_the_late_window_goes_to_result(student_client, world):
    quiz = f.quiz(f.bank(2), time_limit_minutes=1)
    past_late = services.LATE + datetime.timedelta(minutes=2)
    attempt = services.start_or_resume_attempt(world.student, quiz, now=timezone.now() - past_late)
    response = student_client.get(reverse("quizzes:take", args=[attempt.pk]))
    assert response.status_code == 302 and response.url == reverse("quizzes:result", args=[attempt.pk])


def test_attempt_limits(world):
    quiz = f.quiz(f.bank(2), attempts_allowed=2)
    for number in (1, 2):
        attempt = services.start_or_resume_attempt(world.student, quiz)
        assert attempt.number == number
        services.submit_attempt(attempt.pk)
    with pytest.raises(services.NoAttemptsLeft):
        services.start_or_resume_attempt(world.student, quiz)
    unlimited = f.quiz(f.bank(1), attempts_allowed=0, title="unlimited")
    for _ in range(4):
        services.submit_attempt(services.start_or_resume_attempt(world.student, unlimited).pk)
    assert Attempt.objects.filter(quiz=unlimited).count() == 4


def test_best_or_last_attempt_counts(world):
    quiz = f.quiz(f.bank(2), attempts_allowed=0)
    scores = []
    for right_count in (2, 0):
        attempt = services.start_or_resume_attempt(world.student, quiz)
        right = f.right_options(attempt)
        for item in attempt.paper[:right_count]:
            services.save_answer(attempt, item["q"], right[item["q"]])
        scores.append(services.submit_attempt(attempt.pk).percent)
    assert scores == [100, 0]
    assert services.counting_attempt(world.student, quiz).percent == 100
    quiz.counting = "last"
    quiz.save()
    assert services.counting_attempt(world.student, quiz).percent == 0


def test_quiz_availability_rules_and_opening_times(world, student_client):
    closed_to_all = f.quiz(f.bank(1), open_to_all_students=False, title="assigned only")
    with pytest.raises(services.NotAvailable):
        services.start_or_resume_attempt(world.student, closed_to_all)
    assert student_client.get(reverse("quizzes:detail", args=[closed_to_all.pk])).status_code == 404
    assert student_client.post(reverse("quizzes:start", args=[closed_to_all.pk])).status_code == 404

    from django.db.models import Q

    from quizzes import access

    access.register_rule("test_school_rule", lambda student: Q(title="assigned only") & Q(pk__gt=0))
    try:
        assert services.start_or_resume_attempt(world.student, closed_to_all).pk
    finally:
        access.unregister_rule("test_school_rule")

    later = f.quiz(f.bank(1), opens_at=timezone.now() + datetime.timedelta(days=1), title="later")
    with pytest.raises(services.NotAvailable):
        services.start_or_resume_attempt(world.student, later)
    draft = f.quiz(f.bank(1), title="draft quiz")
    draft.live = False
    draft.save()
    with pytest.raises(services.NotAvailable):
        services.start_or_resume_attempt(world.student, draft)


def test_non_students_cannot_start_and_anonymous_is_sent_to_sign_in(client, world):
    quiz = f.quiz(f.bank(1))
    client.force_login(world.teacher)
    assert client.post(reverse("quizzes:start", args=[quiz.pk])).status_code == 403
    client.logout()
    response = client.post(reverse("quizzes:start", args=[quiz.pk]))
    assert response.status_code == 302 and "signin" in response.url
    attempt = services.start_or_resume_attempt(world.student, quiz)
    assert (
        _save(client, attempt, attempt.paper[0]["q"], f.tokens(attempt, attempt.paper[0]["q"])[:1]).status_code == 401
    )


def test_a_draft_question_is_never_served(world):
    live = f.question(text="已发布的题目")
    draft = f.question(text="草稿题目", live=False)
    quiz = f.quiz([live, draft], rules=[{"count": 5, "category": f.category()}])
    attempt = services.start_or_resume_attempt(world.student, quiz)
    assert draft.pk not in attempt.question_ids
    assert sorted(attempt.question_ids) == [live.pk]
    # A live question with an unpublished draft edit is served as published.
    live.text = "未发布的修改"
    live.save_revision()
    assert Question.objects.get(pk=live.pk).text == "已发布的题目"


def test_submission_writes_the_quiz_flags_and_start_leaves_devices_to_classroom(world):
    quiz = f.quiz(f.bank(5))
    now = timezone.now()
    attempt = services.start_or_resume_attempt(world.student, quiz, now=now, device_id="pc-1")
    right = f.right_options(attempt)
    for item in attempt.paper:
        services.save_answer(attempt, item["q"], right[item["q"]], now=now)
    done = services.submit_attempt(attempt.pk, now=now + datetime.timedelta(seconds=4))
    assert Flag.TOO_FAST in done.flags and done.percent == 100  # shown, not punished
    # Three students on one device: quizzes records the device and raises nothing at the start.
    services.start_or_resume_attempt(world.student_2, quiz, now=now, device_id="pc-1", network="n" * 32)
    third = services.start_or_resume_attempt(world.student_b, quiz, now=now, device_id="pc-1", network="n" * 32)
    assert third.flags == [] and (third.device_id, third.network) == ("pc-1", "n" * 32)
    slow = services.start_or_resume_attempt(world.other_student, quiz, now=now, device_id="pc-2")
    right = f.right_options(slow)
    for item in slow.paper[:3]:  # three answers: too few for a pattern of positions to mean anything
        services.save_answer(slow, item["q"], right[item["q"]], now=now)
    assert services.submit_attempt(slow.pk, now=now + datetime.timedelta(minutes=5)).flags == []
    empty = services.submit_attempt(third.pk, now=now + datetime.timedelta(minutes=5))
    assert empty.flags == [Flag.EMPTY_ANSWERS]


@contextmanager
def quizzes_queries_only():
    """Count what quizzes does; other apps' receivers of Attempt's post_save keep their own budgets."""
    saved = post_save.receivers
    post_save.receivers = []
    post_save.sender_receivers_cache.clear()
    try:
        yield
    finally:
        post_save.receivers = saved
        post_save.sender_receivers_cache.clear()


def test_query_budget_for_save_and_submit(world, django_assert_max_num_queries, client):
    quiz = f.quiz(f.bank(30))
    attempt = services.start_or_resume_attempt(world.student, quiz)
    right = f.right_options(attempt)
    with django_assert_max_num_queries(1):
        services.save_answer(attempt, attempt.paper[0]["q"], right[attempt.paper[0]["q"]])
    for item in attempt.paper[1:]:
        services.save_answer(attempt, item["q"], right[item["q"]])
    # lock + read answers + one upsert of all 30 + attempt update (+ savepoint and release in tests)
    with quizzes_queries_only(), django_assert_max_num_queries(6):
        graded = services.submit_attempt(attempt.pk)
    assert graded.percent == 100
    # With answers posted by a form the count stays the same.
    second = f.quiz(f.bank(30), title="second")
    attempt = services.start_or_resume_attempt(world.student, second)
    with quizzes_queries_only(), django_assert_max_num_queries(6):
        services.submit_attempt(attempt.pk, f.right_options(attempt))
    # Over HTTP quizzes reads the attempt (scoped to the signed-in student) and upserts: two queries on top of
    # whatever authentication and session middleware cost; on PostgreSQL one statement does both.
    third = f.quiz(f.bank(3), title="third")
    attempt = services.start_or_resume_attempt(world.student, third)
    client.force_login(world.student.user)
    with CaptureQueriesContext(connection) as captured:
        assert (
            _save(client, attempt, attempt.paper[0]["q"], f.tokens(attempt, attempt.paper[0]["q"])[:1]).status_code
            == 200
        )
    ours = [q["sql"] for q in captured.captured_queries if "quizzes_" in q["sql"]]
    if connection.vendor == "postgresql":
        assert len(ours) == 1 and "INSERT INTO quizzes_answer" in ours[0]
    else:
        assert len(ours) == 2 and ours[1].startswith("INSERT")


def test_student_quiz_list_and_detail(student_client, world):
    quiz = f.quiz(f.bank(1), title="全区禁毒知识竞赛")
    f.quiz(f.bank(1), open_to_all_students=False, title="别班的测验")
    html = student_client.get(reverse("quizzes:index")).content.decode()
    assert "全区禁毒知识竞赛" in html and "别班的测验" not in html
    assert student_client.get(reverse("quizzes:detail", args=[quiz.pk])).status_code == 200
