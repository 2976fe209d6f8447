"""The exam-start burst's client and its checks: a lost answer's request goes again without its cookies, a 429
is waited out and resent, the right option is found on the paper, and the database check catches an answer
the server confirmed but does not hold."""

import asyncio
import json
import random
import time

import httpx
import pytest

from bench import burst
from bench.generator.district import BURST_QUIZ_TITLE
from bench.runner import burst_attempts, summarise_burst
from people.models import Student
from quizzes import services
from quizzes.models import Quiz


def browser_on(handler, retry_share=0.0) -> burst.Browser:
    transport = httpx.MockTransport(handler)
    return burst.Browser("http://127.0.0.1:9", transport, burst.Stats(), random.Random(1), retry_share)


def test_a_lost_answer_is_sent_again_and_its_cookies_are_not_kept():
    seen = []

    def handler(request):
        seen.append(request.headers.get("cookie", ""))
        return httpx.Response(200, headers={"Set-Cookie": f"sessionid=s{len(seen)}; Path=/"}, text="ok")

    browser = browser_on(handler, retry_share=1.0)  # every request goes twice
    response = asyncio.run(browser.send("GET", "/a/", "a"))
    assert response.status_code == 200 and len(seen) == 2
    assert "sessionid" not in seen[1]  # the first answer never reached the student: nor did its cookie
    assert browser.cookies["sessionid"] == "s2"
    assert browser.stats.requests["a (lost answer)"]["statuses"] == {"200": 1}
    assert browser.duplicated == 1 and browser.sent == 2


def test_a_429_is_waited_out_and_the_same_request_sent_again():
    bodies = []

    def handler(request):
        bodies.append(request.content)
        if len(bodies) == 1:
            return httpx.Response(429, headers={"Retry-After": "0"}, json={"error": "busy"})
        return httpx.Response(200, json={"saved": True})

    browser = browser_on(handler)
    browser.cookies["csrftoken"] = "t"
    response = asyncio.run(browser.send("POST", "/save/", "answer", json_body={"question": 1, "options": ["x"]}))
    assert response.json() == {"saved": True}
    assert bodies[0] == bodies[1]
    assert browser.stats.requests["answer"]["statuses"] == {"429": 1, "200": 1}
    assert browser.stats.requests["answer"]["no_retry_after"] == 0


def test_a_refusal_without_retry_after_is_counted():
    calls = []

    def handler(request):
        calls.append(1)
        return httpx.Response(503 if len(calls) == 1 else 200)

    browser = browser_on(handler)  # a 503 that names no Retry-After: not the edge's shedding
    burst.NO_RETRY_AFTER_WAIT, saved = 0.0, burst.NO_RETRY_AFTER_WAIT
    try:
        asyncio.run(browser.send("GET", "/", "home"))
    finally:
        burst.NO_RETRY_AFTER_WAIT = saved
    assert browser.stats.requests["home"]["no_retry_after"] == 1
    assert browser.stats.requests["home"]["shed_503"] == 0


def test_the_right_option_is_found_on_the_paper_by_its_text():
    paper = (
        '<input type="radio" name="q7" value="tokA"> <span>毒品</span>'
        '<input type="radio" name="q7" value="tokB"> <span>拒绝 &amp; 远离</span>'
        '<input type="radio" name="q8" value="tokC"> <span>是</span>'
    )
    assert burst.answers_on(paper, {"7": "拒绝 & 远离", "8": "否"}) == {7: ["tokB"], 8: ["tokC"]}


def test_the_summary_counts_errors_and_the_token_paths_first_question():
    run = {
        "seconds": 10.0,
        "requests": {
            "paper": {"times": [1.0, 2.0], "statuses": {"200": 2}, "timeouts": 0, "errors": 0, "no_retry_after": 0},
            "answer": {
                "times": [1.0, 1.0, 1.0],
                "statuses": {"200": 2, "502": 1, "503": 1},
                "timeouts": 0,
                "errors": 0,
                "no_retry_after": 0,
                "shed_503": 1,
            },
        },
        "students": [
            {"path": "token", "arrival_origin": 0.0, "first_question_s": 2.0, "saves_confirmed_at": [3.0, 4.0],
             "submitted": True, "signed_in_s": 1.0},
            {"path": "password", "arrival_origin": 1.0, "first_question_s": 3.0, "saves_confirmed_at": [5.0],
             "submitted": True, "signed_in_s": 2.0},
            {"path": "token", "arrival_origin": 1.0, "failed_at": "start", "signed_in_s": 1.0},
        ],
    }  # fmt: skip
    results, notes = {}, {}
    summarise_burst(run, results, notes)
    # The 502 is an error; the 503 with Retry-After is the edge shedding, counted apart.
    assert results["burst.server_errors"] == 1 and results["burst.errors"] == 1
    assert results["burst.503_with_retry_after"] == 1
    assert results["burst.unfinished"] == 1 and notes["burst.unfinished"] == "stopped at: start 1"
    assert results["burst.token.first_question_p95_ms"] == 2000.0
    # Three answers confirmed between the first paper (t = 2 s) and the last confirmation (t = 6 s).
    assert results["burst.answers_confirmed"] == 3 and results["burst.answers_per_second"] == 0.75


@pytest.mark.django_db
def test_the_database_check_finds_a_confirmed_answer_the_database_does_not_hold(generate_district):
    generate_district(schools=1, students_per_school=10, attempts_per_student=0, seed=31)
    quiz = Quiz.objects.get(title=BURST_QUIZ_TITLE)
    students = list(Student.objects.filter(user__must_change_password=False).order_by("pk")[:2])
    outcomes = []
    for student in students:
        attempt = services.start_or_resume_attempt(student, quiz, check_access=False)
        questions = attempt.question_ids[:2]
        tokens = {str(q): [next(iter(attempt.answer_key[str(q)]["t"]))] for q in questions}
        services.save_tokens(attempt, questions[0], tokens[str(questions[0])])
        # The client says the server confirmed both answers; only the first is in the database.
        outcomes.append({"student_id": student.pk, "chosen": tokens, "answers_confirmed": questions})
    fixtures = {"burst_outcomes": outcomes, "burst_student_ids": [s.pk for s in students], "burst_quiz_id": quiz.pk}
    checked = burst_attempts(fixtures)
    assert checked["burst.answers_lost"] == 2 and checked["burst.answer_mismatch"] == 2
    assert checked["burst.attempts_duplicated"] == 0

    attempt = services.start_or_resume_attempt(students[0], quiz, check_access=False)
    question = attempt.question_ids[1]
    services.save_tokens(attempt, question, outcomes[0]["chosen"][str(question)])
    assert burst_attempts(fixtures)["burst.answers_lost"] == 1


def test_answers_chosen_together_go_in_one_save_with_the_lease_and_the_submission_carries_the_newest():
    posts = []

    def handler(request):
        body = json.loads(request.content)
        posts.append((request.url.path, body))
        if request.url.path.endswith("/answer/"):
            saved = [answer["question"] for answer in body["answers"]]
            return httpx.Response(200, json={"saved": saved, "refused": [], "lease": "L2", "server_time": 2000})
        return httpx.Response(200, json={"closed": True, "submitted": True, "weighed": 3, "refused": []})

    paper = '<form class="quiz-paper" id="quiz-paper" data-server-time="1000" data-lease="L1">'

    async def sitting():
        protocol = burst.AnswerProtocol(browser_on(handler), "/quizzes/attempt/5/", paper)
        protocol.BATCH_DELAY = 0.01
        for question in (1, 2, 3):
            protocol.choose(question, [f"t{question}"])
        await protocol.settle()
        submitted = await protocol.submit({1: ["t1"], 2: ["t2"], 3: ["t3"]})
        return protocol, submitted

    protocol, submitted = asyncio.run(sitting())
    (save_path, save), (submit_path, submit) = posts
    assert save_path == "/quizzes/attempt/5/answer/" and save["lease"] == "L1"
    assert [a["question"] for a in save["answers"]] == [1, 2, 3] and all(a["at"] >= 1000 for a in save["answers"])
    assert sorted(protocol.saved_at) == [1, 2, 3] and not protocol.pending
    # The save's answer renewed the lease; confirmed answers go without their stamp.
    assert submit_path == "/quizzes/attempt/5/submit/" and submit["lease"] == "L2"
    assert submit["answers"] == [{"question": q, "options": [f"t{q}"]} for q in (1, 2, 3)]
    assert submitted


def test_a_submission_that_weighed_less_than_it_carried_is_not_confirmed():
    def handler(request):
        return httpx.Response(
            200, json={"closed": True, "submitted": False, "refused": [{"question": 2, "reason": "after_deadline"}]}
        )

    async def sitting():
        protocol = burst.AnswerProtocol(browser_on(handler), "/quizzes/attempt/5/", "")
        return protocol, await protocol.submit({2: ["t2"]})

    protocol, submitted = asyncio.run(sitting())
    assert not submitted and protocol.refused == [{"question": 2, "reason": "after_deadline"}]


def test_students_arrive_room_by_room_each_room_over_its_fill():
    from types import SimpleNamespace

    from bench.prepare import ROOM_SIZE, burst_students
    from bench.presets import PRESETS

    preset = PRESETS["quick"]
    people = [
        SimpleNamespace(pk=index, user=SimpleNamespace(get_username=lambda index=index: f"s{index}"))
        for index in range(4 * ROOM_SIZE)
    ]
    rows = burst_students(people, preset, seed=3, issue_codes=False)["students"]
    rooms: dict[str, list[float]] = {}
    for row in rows:
        rooms.setdefault(row["room"], []).append(row["arrives_s"])
    assert len(rooms) == 4 and all(len(times) == ROOM_SIZE for times in rooms.values())
    for times in rooms.values():
        # A room's forty arrive within its fill, spread over it (not within the same second)...
        assert max(times) - min(times) <= preset.burst_room_fill_s
        assert max(times) - min(times) > preset.burst_room_fill_s / 2
    # ... and the rooms start at different moments, all within the start spread.
    starts = sorted(min(times) for times in rooms.values())
    assert starts[-1] - starts[0] > 1.0
    assert max(row["arrives_s"] for row in rows) <= preset.burst_rooms_start_s + preset.burst_room_fill_s
    # The sign-in scenario: everyone at once.
    assert {row["arrives_s"] for row in burst_students(people, preset, 3, False, arrival_s=0)["students"]} == {0}


def test_the_summary_reports_how_loaded_the_client_itself_was():
    run = {"seconds": 100.0, "requests": {}, "students": [],
           "client": {"cpu_seconds": 40.0, "loop_lag_p50_ms": 1.0, "loop_lag_p95_ms": 9.0, "loop_lag_p99_ms": 30.0,
                      "loop_lag_max_ms": 80.0}}  # fmt: skip
    results = {}
    summarise_burst(run, results, {})
    assert results["burst.client_core_share"] == 0.4
    assert results["burst.client_loop_lag_p95_ms"] == 9.0 and results["burst.client_loop_lag_max_ms"] == 80.0


def test_the_clients_event_loop_lag_is_measured():
    async def measure():
        lags: list[float] = []
        watcher = asyncio.ensure_future(burst._watch_loop(lags))
        await asyncio.sleep(0.12)
        busy_since = time.perf_counter()
        while time.perf_counter() - busy_since < 0.2:  # the loop is busy: nothing else runs
            pass
        await asyncio.sleep(0.12)
        watcher.cancel()
        return burst._lag_summary(lags)

    summary = asyncio.run(measure())
    assert summary["loop_lag_max_ms"] >= 100  # the busy stretch made a sleeper wake at least that late
