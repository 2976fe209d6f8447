"""Tier 1 (the way to the first question) is refused on its own requests in flight, never on a queue that the
lower tiers fill: a room saving answers must not turn the next room's sign-in away (deploy/haproxy/edge.cfg,
"Shedding"; the exam-start bench of issue #15 found it doing so)."""

import threading
import time

import pytest

from .helpers import Client

LOAD_THREADS = 24
MAX_REQUESTS_PER_THREAD = 400  # a bound whatever the machine's speed
# Tier 2 (a result page: a signed-out reader is sent to sign in, cheaply, by the app itself).
TIER2 = "/quizzes/attempt/999999/result/"
TIER1 = "/signin/"  # the sign-in page
TIER3 = "/"  # an anonymous visitor's home page


@pytest.fixture(scope="module")
def stack(edge_stack):
    # Two requests at once reach the app. Tier 1 and tier 3 are refused past 4, answers wait up to 200 queued.
    return edge_stack(threads=4, server_maxconn=2, shed="4,200,4", queue_timeout="20s")


def _hammer(port: int, path: str, stop: threading.Event, statuses: list[int], lock: threading.Lock) -> None:
    client = Client(port, timeout=30)
    for _ in range(MAX_REQUESTS_PER_THREAD):
        if stop.is_set():
            return
        status, _body, _headers = client.get(path)
        with lock:
            statuses.append(status)


def _under(port: int, path: str, probe) -> tuple[list[int], list]:
    """`probe()` a few times while LOAD_THREADS clients keep `path` busy; (the load's statuses, the probes')."""
    stop, lock, statuses = threading.Event(), threading.Lock(), []
    threads = [threading.Thread(target=_hammer, args=(port, path, stop, statuses, lock)) for _ in range(LOAD_THREADS)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.5)  # the queue fills
        probes = []
        for _ in range(5):
            probes.append(probe())
            time.sleep(0.1)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    return statuses, probes


def test_a_queue_of_answers_does_not_refuse_sign_in(stack):
    _app, edge = stack

    def probe():
        sign_in_page = Client(edge.port).get(TIER1)[0]
        page_read = Client(edge.port).get(TIER3)[0]
        return sign_in_page, page_read

    load, probes = _under(edge.port, TIER2, probe)
    assert 429 not in load, "the answers' tier waits in the queue: its length is 200"
    # The same length refuses a page read (the queue really is past 4) and lets the sign-in page through.
    assert [read for _sign_in, read in probes].count(429) >= 1, f"the queue never passed 4: {probes}"
    assert [sign_in for sign_in, _read in probes] == [200] * len(probes), probes


def test_tier_one_is_still_refused_past_its_own_length(stack):
    _app, edge = stack
    load, probes = _under(edge.port, TIER1, lambda: Client(edge.port).get(TIER1)[0])
    assert load.count(429) >= 1, "24 sign-in pages at once, 2 in the app: more than 4 wait, so some are refused"
    assert load.count(200) >= 1
    assert set(probes) <= {200, 429}
