"""HAProxy in front of gunicorn, saturated by page reads: the reads past capacity are shed with 429 and
Retry-After (JSON for JSON clients, a page otherwise) while sign-in and answer saves go through, and the app
sees the client's own address."""

import threading
import time

import pytest

from .helpers import Client, busy_json, django_json

SETUP = """
import json
from people.testing import World
from quizzes import services
from quizzes.tests import factories
world = World()
questions = [factories.question(text=f"边缘测试{i}") for i in range(3)]
quiz = factories.quiz(questions, title="边缘测试", live=True, attempts_allowed=0, shuffle_questions=False)
attempt = services.start_or_resume_attempt(world.student, quiz, check_access=False)
item = attempt.paper[1]
token = {option: name for name, option in attempt.answer_key[str(item["q"])]["t"].items()}[item["o"][0]]
print(json.dumps({"attempt": attempt.pk, "question": item["q"], "options": item["o"][:1], "tokens": [token],
                  "saver": world.student.user.username, "signer": world.student_2.user.username,
                  "addressed": world.student_b.user.username}))
"""

SIGNIN_ADDRESS = """
import json
from core.models import AuditEvent
event = AuditEvent.objects.filter(action="signin", actor_name={username!r}).latest("pk")
print(json.dumps({{"ip": event.ip_address}}))
"""

ANSWERS = """
import json
from quizzes.models import Answer
print(json.dumps(list(Answer.objects.filter(attempt_id={attempt}).values_list("question_id", "chosen"))))
"""

PASSWORD = "correct-horse-battery"  # people.testing.PASSWORD, the World's
LOAD_THREADS = 24
MAX_REQUESTS_PER_THREAD = 400  # a bound whatever the machine's speed


def sign_in(client: Client, username: str) -> int:
    status, _body, _headers = client.get("/signin/")
    assert status == 200
    status, _body, _headers = client.post_form("/signin/", {"username": username, "password": PASSWORD})
    return status


# A page of the lowest tier: the home page of an anonymous visitor (signed in, it is where sign-in lands, tier 1).
PAGE = "/"


@pytest.fixture(scope="module")
def stack(edge_stack):
    # Two requests at once reach the app; past 3 queued, page reads are refused; answers wait (up to 100 queued).
    return edge_stack(threads=4, server_maxconn=2, shed="100,8,3", queue_timeout="20s")


@pytest.fixture(scope="module")
def under_load(stack, edge_db):
    _app, edge = stack
    facts = django_json(SETUP, edge_db)
    saver = Client(edge.port)
    assert sign_in(saver, facts["saver"]) == 302
    assert Client(edge.port).get(PAGE)[0] == 200

    stop = threading.Event()
    reads: list[tuple] = []
    lock = threading.Lock()

    def read_pages(as_json: bool):
        client = Client(edge.port, timeout=30)
        headers = {"Accept": "application/json"} if as_json else {"Accept": "text/html"}
        for _ in range(MAX_REQUESTS_PER_THREAD):
            if stop.is_set():
                return
            status, body, response_headers = client.get(PAGE, headers=headers)
            with lock:
                reads.append((as_json, status, body, response_headers))

    threads = [threading.Thread(target=read_pages, args=(index % 2 == 0,)) for index in range(LOAD_THREADS)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.5)  # the queue fills and shedding starts
        signer = Client(edge.port)
        started = time.monotonic()
        signed_in = sign_in(signer, facts["signer"])
        saved = saver.post_json(
            f"/quizzes/attempt/{facts['attempt']}/answer/", {"question": facts["question"], "options": facts["tokens"]}
        )
        critical_seconds = time.monotonic() - started
        with lock:
            shed_while_critical = sum(1 for _j, status, _b, _h in reads if status == 429)
        time.sleep(0.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    statuses = [status for _j, status, _b, _h in reads]
    # The measurement, for `pytest -s`: what the saturating load got, and how long sign-in plus a save took.
    print(  # noqa: T201
        f"\nedge under load: {len(reads)} page reads, {statuses.count(429)} shed (429), {statuses.count(200)} served; "
        f"sign-in + answer save took {critical_seconds:.2f} s"
    )
    return {
        "facts": facts,
        "reads": reads,
        "signed_in": signed_in,
        "saved": saved,
        "critical_seconds": critical_seconds,
        "shed_while_critical": shed_while_critical,
    }


def test_past_capacity_a_json_client_gets_429_with_retry_after_in_json(under_load):
    shed = [(body, headers) for as_json, status, body, headers in under_load["reads"] if as_json and status == 429]
    assert shed, "the saturating load should have been shed"
    for body, headers in shed:
        assert busy_json(429, body, headers)["error"] == "busy"
        assert headers["Cache-Control"] == "no-store"
    # The app's own busy message, in Chinese at the bare path.
    assert "请等待" in busy_json(429, *shed[0])["message"]


def test_past_capacity_a_page_client_gets_a_small_page_that_reloads_itself(under_load):
    shed = [(body, headers) for as_json, status, body, headers in under_load["reads"] if not as_json and status == 429]
    assert shed
    body, headers = shed[0]
    assert headers["Content-Type"].startswith("text/html")
    assert headers["Retry-After"].isdigit() and 3 <= int(headers["Retry-After"]) <= 8  # tier 3's range
    assert headers["Refresh"] == headers["Retry-After"]
    assert f"请等待 {headers['Retry-After']} 秒后再试" in body


def test_sign_in_and_answer_save_get_through_while_page_reads_are_shed(under_load):
    statuses = [status for _j, status, _b, _h in under_load["reads"]]
    assert statuses.count(429) >= 10 and statuses.count(200) >= 1, statuses
    assert set(statuses) <= {200, 429}, "nothing else: no 5xx, no queue timeout"
    assert under_load["shed_while_critical"] >= 1, "the load was being shed while sign-in and the save were sent"
    assert under_load["signed_in"] == 302, "sign-in was refused under load"
    status, body, _headers = under_load["saved"]
    assert status == 200, f"the answer save was refused under load: {status} {body[:300]}"


def test_the_answer_saved_under_load_is_in_the_database(under_load, edge_db):
    facts = under_load["facts"]
    assert django_json(ANSWERS.format(attempt=facts["attempt"]), edge_db) == [[facts["question"], facts["options"]]]


def test_the_app_sees_the_clients_address_not_the_proxys_nor_a_forged_one(stack, under_load, edge_db):
    _app, edge = stack
    username = under_load["facts"]["addressed"]
    # 127.0.0.7 is loopback too, but not the proxy's 127.0.0.1; the forged header must not reach the app.
    client = Client(edge.port, source="127.0.0.7")
    forged = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    client.get("/signin/", headers=forged)
    status, _body, _headers = client.post_form("/signin/", {"username": username, "password": PASSWORD}, forged)
    assert status == 302
    assert django_json(SIGNIN_ADDRESS.format(username=username), edge_db) == {"ip": "127.0.0.7"}
