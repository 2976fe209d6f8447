"""An app node killed mid-exam loses no acknowledged answer (issue #20).

Twelve demo students take the district contest through the edge while one of the two app nodes is killed with
SIGKILL (master and workers, no chance to finish anything). Each student's page resends whatever the server did
not confirm, as quizzes.js does. Afterwards every answer the server acknowledged is on the student's paper as
the server shows it, and every attempt grades once.
"""

import http.client
import json
import os
import random
import re
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from .conftest import PASSWORD

JSON = {"Content-Type": "application/json", "Accept": "application/json"}
RETRYABLE = {429, 502, 503, 504}


def _send(client, path: str, payload: dict, tries: int = 40):
    """POST JSON until the server answers something other than overload or outage, as the quiz page does."""
    for _ in range(tries):
        try:
            answer = client.request("POST", path, data=None, headers=JSON, body=json.dumps(payload))
        except (OSError, http.client.HTTPException):  # the connection died with the node, or mid-answer
            time.sleep(0.3)
            continue
        if answer.status in RETRYABLE or answer.status >= 500:
            time.sleep(min(float(answer.headers.get("retry-after", "0.3") or 0.3), 1.0))
            continue
        return answer
    raise AssertionError(f"{path}: no answer after {tries} tries")


def _again(call, tries: int = 40):
    """Do `call` again after a 5xx or a dropped connection, as a student reloads a page that failed."""
    for _ in range(tries):
        try:
            answer = call()
        # The connection died with the node, mid-answer perhaps (RuntimeError: a sign-in it cut off).
        except (OSError, http.client.HTTPException, RuntimeError):
            time.sleep(0.3)
            continue
        if answer.status in RETRYABLE or answer.status >= 500:
            time.sleep(0.5)
            continue
        return answer
    raise AssertionError(f"no answer after {tries} tries")


def _paper(client, attempt_path: str) -> dict[int, list[str]]:
    page = _again(lambda: client.get(attempt_path))
    assert page.status == 200, page.status
    options: dict[int, list[str]] = {}
    for question, token in re.findall(r'name="q(\d+)" value="([^"]+)"', page.body):
        options.setdefault(int(question), []).append(token)
    return options, page.body


def _checked(body: str) -> dict[int, str]:
    found = {}
    for tag in re.findall(r"<input[^>]+>", body):
        match = re.search(r'name="q(\d+)" value="([^"]+)"', tag)
        if match and " checked" in tag:
            found[int(match.group(1))] = match.group(2)
    return found


def test_a_node_killed_mid_burst_loses_no_acknowledged_answer(topology):
    quiz_id = int(topology.psql("primary", "SELECT id FROM quizzes_quiz WHERE kind = 'contest' ORDER BY id LIMIT 1"))
    # The suite's own integers in the SQL: nothing from outside reaches these strings.
    unattempted = f"SELECT u.username FROM people_user u JOIN people_student s ON s.user_id = u.id WHERE NOT EXISTS (SELECT 1 FROM quizzes_attempt a WHERE a.student_id = s.id AND a.quiz_id = {quiz_id}) ORDER BY u.username LIMIT 12"  # noqa: E501, S608
    usernames = topology.psql("primary", unattempted).split()
    assert len(usernames) == 12
    acknowledged: dict[str, dict[int, str]] = {}
    acks = threading.Semaphore(0)
    rng = random.Random(20)  # noqa: S311 (which option a test student picks)
    choices_lock = threading.Lock()

    def student(username: str):
        client = topology.client()
        _again(lambda: client.sign_in(username, PASSWORD))
        started = _send(client, f"/quizzes/{quiz_id}/start/", {})
        assert started.status == 200, (started.status, started.body[:300])
        attempt_path = json.loads(started.body)["url"]
        options, _body = _paper(client, attempt_path)
        mine = acknowledged.setdefault(attempt_path, {})
        for question, tokens in options.items():
            with choices_lock:
                token = rng.choice(tokens)
            answer = _send(client, attempt_path + "answer/", {"question": question, "options": [token]})
            assert answer.status == 200, (answer.status, answer.body[:300])
            body = json.loads(answer.body)
            saved = body.get("saved")  # true for one answer; the list of saved questions for a batch
            if saved is True or (isinstance(saved, list) and question in saved):
                mine[question] = token
                acks.release()
            time.sleep(0.15)
        return client, attempt_path

    try:
        with ThreadPoolExecutor(max_workers=12) as pool:
            futures = [pool.submit(student, name) for name in usernames]
            for _ in range(25):  # a fifth of the answers are in: kill a node mid-burst
                assert acks.acquire(timeout=180), "the burst did not get going"
            node_pid = json.loads((topology.dir / "topology.json").read_text())["node1"]
            os.killpg(node_pid, signal.SIGKILL)
            results = [future.result(timeout=600) for future in futures]
    finally:
        topology.start()  # the node comes back, for the rest of the suite too: the paper is read from either
    total = sum(len(answers) for answers in acknowledged.values())
    assert total >= 100, f"only {total} answers acknowledged"
    for client, attempt_path in results:
        _options, body = _paper(client, attempt_path)
        assert _checked(body) == acknowledged[attempt_path], f"{attempt_path}: an acknowledged answer is missing"
        submitted = _send(client, attempt_path + "submit/", {"answers": []})
        assert submitted.status == 200 and json.loads(submitted.body).get("submitted") is True, submitted.body[:300]
    attempt_ids = ",".join(str(int(path.rstrip("/").rsplit("/", 1)[1])) for _client, path in results)
    tally = f"SELECT count(*), count(DISTINCT student_id), count(submitted_at) FROM quizzes_attempt WHERE quiz_id = {quiz_id} AND student_id IN (SELECT student_id FROM quizzes_attempt WHERE id IN ({attempt_ids}))"  # noqa: E501, S608
    counts = topology.psql("primary", tally)
    assert counts == "12|12|12", f"attempts, students, graded: {counts}"
