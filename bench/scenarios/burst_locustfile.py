"""Exam-start burst (locust, headless): a school's students open the same quiz within seconds and submit.

Each simulated student opens the quiz, starts it, loads the paper, submits every answer and reads the result,
once. One request in five is sent twice, as a double tap or a retry after a lost answer would be. Every answer
is recorded (status, time, Retry-After) and written to $BENCH_OUT as JSON when locust quits.
"""

import itertools
import json
import os
import random
import threading

from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser

DATA = json.loads(open(os.environ["BENCH_DATA"], encoding="utf-8").read())  # noqa: SIM115 (read once at import)
RETRY_SHARE = float(os.environ.get("BENCH_RETRY_SHARE", "0.2"))
_students = iter(DATA["students"])
_lock = threading.Lock()
_done = itertools.count(1)
_records: dict[str, dict] = {}
_submitted: list[int] = []  # students whose submission the server confirmed (302 to the result)


def _record(name: str, response, exception, response_time: float) -> None:
    entry = _records.setdefault(name, {"times": [], "statuses": {}, "timeouts": 0, "errors": 0, "no_retry_after": 0})
    entry["times"].append(response_time)
    status = getattr(response, "status_code", 0) or 0
    entry["statuses"][str(status)] = entry["statuses"].get(str(status), 0) + 1
    if status == 0:  # no answer at all: a client timeout or a refused/reset connection
        text = repr(exception or getattr(response, "error", "")).lower()
        timed_out = "timeout" in text or "timed out" in text or response_time >= 0.99 * Student.network_timeout * 1000
        entry["timeouts" if timed_out else "errors"] += 1
    if status == 429 and not response.headers.get("Retry-After"):
        entry["no_retry_after"] += 1


@events.request.add_listener
def on_request(request_type, name, response_time, response_length, response=None, exception=None, **kwargs):
    _record(name, response, exception, response_time)


@events.quitting.add_listener
def on_quitting(environment, **kwargs):
    with open(os.environ["BENCH_OUT"], "w", encoding="utf-8") as handle:
        json.dump({"requests": _records, "users_done": next(_done) - 1, "submitted_ids": _submitted}, handle)


class Student(FastHttpUser):
    wait_time = constant(0)
    network_timeout = 30.0
    connection_timeout = 30.0

    def on_start(self):
        with _lock:
            self.me = next(_students, None)
        if self.me is None:
            raise StopUser
        self.headers = {"Cookie": self.me["cookie"], "Accept-Language": "zh-hans"}

    def _twice(self) -> bool:
        return random.random() < RETRY_SHARE  # noqa: S311

    def _get(self, path: str, name: str):
        with self.client.get(path, headers=self.headers, name=name, catch_response=True, allow_redirects=False) as r:
            r.success() if 0 < r.status_code < 500 else r.failure(str(r.status_code))
            return r

    def _post(self, path: str, name: str, data: dict):
        with self.client.post(
            path,
            data={**data, "csrfmiddlewaretoken": self.me["csrf"]},
            headers=self.headers,
            name=name,
            catch_response=True,
            allow_redirects=False,
        ) as r:
            r.success() if 0 < r.status_code < 500 else r.failure(str(r.status_code))
            return r

    @task
    def sit_the_exam(self):
        quiz = DATA["quiz_id"]
        self._get(f"/quizzes/{quiz}/", "detail")
        start = self._post(f"/quizzes/{quiz}/start/", "start", {})
        if self._twice():
            start = self._post(f"/quizzes/{quiz}/start/", "start (retry)", {})
        location = start.headers.get("Location", "") if start.status_code in (301, 302, 303) else ""
        if "/attempt/" in location:
            attempt_path = location[location.index("/quizzes/attempt/") :]
            self._get(attempt_path, "paper")
            answers = {f"q{question}": str(option) for question, option in DATA["answers"].items()}
            confirmed = self._post(f"{attempt_path}submit/", "submit", answers).status_code == 302
            if self._twice():
                confirmed = (
                    self._post(f"{attempt_path}submit/", "submit (retry)", answers).status_code == 302 or confirmed
                )
            if confirmed:
                _submitted.append(self.me["student_id"])
            self._get(f"{attempt_path}result/", "result")
        if next(_done) >= len(DATA["students"]):
            self.environment.runner.quit()
        raise StopUser
