"""Admission control (core/admission.py): the gate with real threads, Retry-After, tickets, and the middleware
in front of real views."""

import datetime
import random
import threading
import time

import pytest
from django.test import Client, RequestFactory, override_settings

from core import admission
from core.admission import CRITICAL, LOW, NORMAL, RANK, Gate, RetryAdvice

from . import admission_urls as views


def _start(target, *args):
    """Run target(*args) in a thread; the returned dict gets "result" (or "error") when it ends."""
    outcome = {}

    def run():
        try:
            outcome["result"] = target(*args)
        except Exception as error:  # noqa: BLE001 (reported by the test)
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    outcome["thread"] = thread
    return outcome


def _wait_until(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.005)


# --- The gate ---------------------------------------------------------------------------------------------------


def test_no_more_holders_than_slots_and_every_slot_comes_back():
    gate = Gate(slots=3)
    holding, most, lock = 0, 0, threading.Lock()
    outcomes = []

    def visit(rank):
        nonlocal holding, most
        if not gate.enter(rank, wait=0.05, room=5):
            return False
        with lock:
            holding += 1
            most = max(most, holding)
        time.sleep(random.uniform(0, 0.004))  # noqa: S311
        with lock:
            holding -= 1
        gate.leave()
        return True

    for _ in range(200):
        outcomes.append(_start(visit, random.choice([0, 1, 2])))  # noqa: S311
    for outcome in outcomes:
        outcome["thread"].join(10)
    assert all("error" not in outcome for outcome in outcomes)
    assert most <= 3
    assert any(outcome["result"] for outcome in outcomes)
    assert (gate.in_use, gate.waiting) == (0, 0)


def test_full_gate_refuses_at_once_without_a_room():
    gate = Gate(slots=1)
    assert gate.enter(RANK[LOW], wait=5, room=0)
    started = time.monotonic()
    assert not gate.enter(RANK[CRITICAL], wait=5, room=0)
    assert time.monotonic() - started < 0.5
    gate.leave()
    assert gate.enter(RANK[LOW], wait=0, room=0)


def test_waiters_get_the_slot_most_important_first_then_oldest():
    gate = Gate(slots=1)
    assert gate.enter(RANK[LOW], wait=0, room=4)
    order, lock = [], threading.Lock()

    def wait_then_note(name, rank):
        if gate.enter(rank, wait=5, room=4):
            with lock:
                order.append(name)
            gate.leave()

    waiters = []
    for count, (name, rank) in enumerate((("low", RANK[LOW]), ("start", RANK[NORMAL]), ("save-1", RANK[CRITICAL]))):
        waiters.append(_start(wait_then_note, name, rank))
        _wait_until(lambda n=count + 1: gate.waiting == n)
    waiters.append(_start(wait_then_note, "save-2", RANK[CRITICAL]))
    _wait_until(lambda: gate.waiting == 4)
    gate.leave()
    for waiter in waiters:
        waiter["thread"].join(5)
    assert order == ["save-1", "save-2", "start", "low"]
    assert (gate.in_use, gate.waiting) == (0, 0)


def test_an_answer_takes_the_place_of_a_less_important_waiter_never_the_reverse():
    gate = Gate(slots=1)
    assert gate.enter(RANK[NORMAL], wait=0, room=2)
    start = _start(gate.enter, RANK[NORMAL], 5, 2)
    page = _start(gate.enter, RANK[LOW], 5, 2)
    _wait_until(lambda: gate.waiting == 2)
    # A page view finds the room full of requests at least as important: refused at once.
    assert not gate.enter(RANK[LOW], wait=5, room=2)
    # An answer takes the page view's place; the page view is refused now, not after its wait.
    answer = _start(gate.enter, RANK[CRITICAL], 5, 2)
    page["thread"].join(1)
    assert page["result"] is False
    _wait_until(lambda: gate.waiting == 2)
    # Another answer takes the start's place: a start is refused before an answer ever is.
    second = _start(gate.enter, RANK[CRITICAL], 5, 2)
    start["thread"].join(1)
    assert start["result"] is False
    # An answer finding the room full of answers is refused like any other, and no answer made way for it...
    assert not gate.enter(RANK[CRITICAL], wait=0.05, room=2)
    # ...unless answers have a bigger room (the threads kept free to refuse others), as the middleware gives them.
    third = _start(gate.enter, RANK[CRITICAL], 5, 3)
    _wait_until(lambda: gate.waiting == 3)
    assert not gate.enter(RANK[NORMAL], wait=5, room=2)
    for waiter in (answer, second, third):
        gate.leave()
        waiter["thread"].join(1)
        assert waiter["result"] is True
    gate.leave()
    assert (gate.in_use, gate.waiting) == (0, 0)


def test_a_wait_runs_out():
    gate = Gate(slots=1)
    assert gate.enter(RANK[LOW], wait=0, room=3)
    started = time.monotonic()
    assert not gate.enter(RANK[LOW], wait=0.1, room=3)
    assert 0.09 <= time.monotonic() - started < 1
    assert gate.waiting == 0
    gate.leave()
    assert gate.in_use == 0


# --- Retry-After ------------------------------------------------------------------------------------------------


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_retry_after_is_jittered_within_its_range_and_capped():
    advice = RetryAdvice({CRITICAL: (1, 2), LOW: (3, 8)}, {CRITICAL: 5, LOW: 60}, clock=Clock())
    seconds = {advice.refused(LOW) for _ in range(300)}
    assert seconds <= set(range(3, 9)) and len(seconds) >= 4
    assert {advice.refused(CRITICAL) for _ in range(100)} <= {1, 2}


def test_retry_after_stretches_while_refusals_outnumber_admissions_and_recovers():
    clock = Clock()
    advice = RetryAdvice({NORMAL: (2, 2), CRITICAL: (1, 1)}, {NORMAL: 60, CRITICAL: 5}, clock=clock)

    def second(admitted, refused):
        for _ in range(admitted):
            advice.admitted()
        for _ in range(refused):
            advice.refused(NORMAL)
        clock.now += 1

    second(5, 10)  # as many refused as a process can take: no change
    assert advice.refused(NORMAL) == 2
    for _ in range(3):  # three overloaded seconds: 30 refusals for 5 admissions each
        second(5, 30)
    assert advice.refused(NORMAL) == 16  # 2 s × 2 × 2 × 2
    assert advice.refused(CRITICAL) == 5  # answers come back soon whatever the load
    second(10, 0)  # a calm second (with the two refusals above) halves it
    assert advice.refused(NORMAL) == 8
    second(10, 0)
    clock.now += 2  # and so does each second without a request
    advice.admitted()
    assert advice.refused(NORMAL) == 2


# --- Queue time and tickets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "waited"),
    [
        ("t=1700000000.5", 1.5),  # nginx: $msec
        ("1700000000500", 1.5),  # milliseconds
        ("1700000000500000", 1.5),  # microseconds
        ("", None),
        ("t=soon", None),
        ("t=1700000009", None),  # in the future: clocks apart, ignored
    ],
)
def test_queue_time_from_the_proxy_header(value, waited):
    request = RequestFactory().get("/", HTTP_X_REQUEST_START=value)
    assert admission.queued_seconds(request, "X-Request-Start", now=1700000002.0) == waited
    assert admission.queued_seconds(request, "", now=1700000002.0) is None


def test_a_ticket_keeps_the_first_time_for_its_own_path_only():
    factory = RequestFactory()
    first = factory.post("/quizzes/attempt/7/submit/")
    ticket = admission._ticket(first)
    retry = factory.post("/quizzes/attempt/7/submit/", HTTP_ADMISSION_TICKET=ticket)
    sent = admission.first_sent(retry)
    assert sent is not None and abs(sent.timestamp() - time.time()) < 5
    # A second refusal of the retry keeps the first time.
    assert admission._ticket(retry) == ticket
    assert admission.first_sent(factory.post("/quizzes/attempt/8/submit/", HTTP_ADMISSION_TICKET=ticket)) is None
    forged = ticket.replace(ticket.split(":")[0].rsplit("|", 1)[1], "1.000")
    assert admission.first_sent(factory.post("/quizzes/attempt/7/submit/", HTTP_ADMISSION_TICKET=forged)) is None


def test_an_old_ticket_is_not_honoured(monkeypatch):
    factory = RequestFactory()
    ticket = admission._ticket(factory.post("/a/"))
    later = time.time() + admission.TICKET_MAX_AGE + 1
    monkeypatch.setattr(admission.time, "time", lambda: later)
    assert admission.first_sent(factory.post("/a/", HTTP_ADMISSION_TICKET=ticket)) is None


# --- The middleware -----------------------------------------------------------------------------------------------

ON = {"ENABLED": True, "CONCURRENCY": 1, "QUEUE": 0, "CRITICAL_QUEUE": 0}


@pytest.fixture
def held():
    """Views hold until the test ends (or calls views.release.set())."""
    views.release.clear()
    while views.entered.acquire(blocking=False):
        pass
    yield
    views.release.set()


def _get(path, **extra):
    return _start(lambda: Client().get(path, **extra))


pytestmark = pytest.mark.urls("core.tests.admission_urls")


def test_off_unless_switched_on(held):
    first = _get("/page/")
    views.entered.acquire(timeout=5)
    views.release.set()
    assert Client().get("/page/").status_code == 200
    first["thread"].join(5)


@override_settings(QINGDUN_ADMISSION=ON)
def test_past_capacity_the_answer_is_a_quick_429_with_retry_after(held):
    first = _get("/page/")
    assert views.entered.acquire(timeout=5)
    started = time.monotonic()
    client = Client()
    page = client.get("/page/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert time.monotonic() - started < 1
    assert page.status_code == 429
    assert 3 <= int(page["Retry-After"]) <= 60
    assert page["Refresh"] == page["Retry-After"]  # the busy page reloads itself: a GET is safe to repeat
    assert page["Cache-Control"] == "no-store"
    assert page["Content-Security-Policy"] == "default-src 'none'"
    assert "Admission-Ticket" not in page
    assert page["Content-Type"].startswith("text/html")
    posted = client.post("/quick/", {}, HTTP_ACCEPT="application/json")
    assert posted.status_code == 429 and "Refresh" not in posted
    body = posted.json()
    assert body["error"] == "busy" and body["retry_after"] == int(posted["Retry-After"])
    # The health check and static files are never held.
    assert client.get("/health/").status_code == 200
    views.release.set()
    first["thread"].join(5)
    assert first["result"].status_code == 200
    assert client.get("/quick/").status_code == 200


@override_settings(QINGDUN_ADMISSION={**ON, "QUEUE": 1, "CRITICAL_QUEUE": 1})
def test_an_answer_waits_for_a_slot_and_takes_a_page_views_place(held):
    holder = _get("/page/")
    assert views.entered.acquire(timeout=5)
    waiting_page = _get("/page/")
    time.sleep(0.2)  # the page view is in the waiting room
    answer = _start(lambda: Client().post("/answer/", {}))
    waiting_page["thread"].join(5)
    assert waiting_page["result"].status_code == 429
    views.release.set()
    answer["thread"].join(5)
    holder["thread"].join(5)
    assert (answer["result"].status_code, holder["result"].status_code) == (200, 200)


@override_settings(QINGDUN_ADMISSION=ON)
def test_a_refused_answer_gets_a_ticket_that_its_retry_carries(held):
    holder = _get("/page/")
    assert views.entered.acquire(timeout=5)
    refused = Client().post("/answer/", {}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 429 and int(refused["Retry-After"]) <= 5
    ticket = refused["Admission-Ticket"]
    retry = RequestFactory().post("/answer/", HTTP_ADMISSION_TICKET=ticket)
    assert admission.first_sent(retry) <= datetime.datetime.now(datetime.UTC)
    views.release.set()
    holder["thread"].join(5)


@override_settings(QINGDUN_ADMISSION=ON)
def test_a_streamed_response_holds_its_slot_until_it_is_sent(held):
    def read_stream():
        response = Client().get("/stream/")
        return response.status_code, b"".join(response.streaming_content)

    streaming = _start(read_stream)
    assert views.entered.acquire(timeout=5)  # the view returned; its body is being produced
    assert Client().get("/quick/").status_code == 429
    views.release.set()
    streaming["thread"].join(5)
    assert streaming["result"] == (200, b"ab")
    assert Client().get("/quick/").status_code == 200


@override_settings(QINGDUN_ADMISSION=ON)
def test_a_file_being_sent_holds_no_slot():
    download = Client().get("/download/")  # not read yet, as by a slow phone
    assert Client().get("/quick/").status_code == 200
    assert b"".join(download.streaming_content) == b"a file"


@override_settings(QINGDUN_ADMISSION={**ON, "QUEUE_TIME_HEADER": "X-Request-Start"})
def test_a_request_that_waited_too_long_at_the_proxy_is_refused_before_any_work():
    client = Client()
    stale = f"t={time.time() - 30:.3f}"
    fresh = f"t={time.time():.3f}"
    assert client.get("/quick/", HTTP_X_REQUEST_START=stale).status_code == 429
    assert client.get("/quick/", HTTP_X_REQUEST_START=fresh).status_code == 200
