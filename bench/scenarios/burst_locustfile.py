"""Exam-start burst (locust, headless): a school's students open the same quiz within seconds and submit.

Each simulated student does what the quiz page's script does (site/static/qingdun/js/quizzes.js): opens the
quiz, starts it (asking for JSON), loads the paper, submits every answer (asking for JSON) and reads the result,
once. Like a student who knows the answers, it finds each right option on the paper by its text and posts that
option's token (the paper names options by per-attempt tokens, never by id). One request in five is sent
twice, as a double tap or a retry after a lost answer would be.

A 429 is a handled answer, as it is for the real client: the student waits the Retry-After the server gave (plus
up to half a second), sends the same request again, with the Admission-Ticket the server gave if any, until it
goes through or locust stops. Every answer is recorded (status, time, whether a 429 had Retry-After) and written
to $BENCH_OUT as JSON when locust quits, with the students whose submission the server confirmed.
"""

import html
import itertools
import json
import os
import random
import re
import threading
import time

from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser

DATA = json.loads(open(os.environ["BENCH_DATA"], encoding="utf-8").read())  # noqa: SIM115 (read once at import)
RETRY_SHARE = float(os.environ.get("BENCH_RETRY_SHARE", "0.2"))
NO_RETRY_AFTER_WAIT = 5.0  # what the real client waits when a 429 says nothing (the budget counts those)
_students = iter(DATA["students"])
_lock = threading.Lock()
_done = itertools.count(1)
_records: dict[str, dict] = {}
_submitted: list[int] = []  # students whose submission the server confirmed (its JSON names the result)
_waited = {"seconds": 0.0, "retries": 0}
# An option on the paper (site/templates/quizzes/_question.html): its question, its token and its text.
_OPTION = re.compile(r'name="q(\d+)" value="([^"]+)"[^>]*>\s*<span>([^<]*)</span>')


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
        json.dump(
            {
                "requests": _records,
                "users_done": next(_done) - 1,
                "submitted_ids": _submitted,
                "retries_after_429": _waited["retries"],
                "seconds_waited_after_429": round(_waited["seconds"], 1),
            },
            handle,
        )


def answers_on(paper: str) -> dict[str, str]:
    """The form to post: per question on the paper, the token of the right option (DATA["answers"] holds its
    text), or of the first option when the text is not found."""
    answers = {}
    for question, token, text in _OPTION.findall(paper):
        key = f"q{question}"
        if key not in answers or html.unescape(text).strip() == DATA["answers"].get(question):
            answers[key] = token
    return answers


def retry_after(response) -> float:
    try:
        return max(0.0, float(response.headers.get("Retry-After")))
    except (TypeError, ValueError):
        return NO_RETRY_AFTER_WAIT


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

    def _send(self, method: str, path: str, name: str, data: dict | None = None, json_answer: bool = False):
        """One request as the real client sends it: again after each 429, once Retry-After has passed."""
        headers = dict(self.headers)
        if json_answer:
            headers["Accept"] = "application/json"
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self.me["csrf"]}
        while True:
            with self.client.request(
                method, path, data=data, headers=headers, name=name, catch_response=True, allow_redirects=False
            ) as response:
                response.success() if 0 < response.status_code < 500 else response.failure(str(response.status_code))
            if response.status_code != 429:
                return response
            ticket = response.headers.get("Admission-Ticket")
            if ticket:
                headers["Admission-Ticket"] = ticket
            pause = retry_after(response) + random.uniform(0, 0.5)  # noqa: S311
            _waited["retries"] += 1
            _waited["seconds"] += pause
            time.sleep(pause)  # cooperative: locust runs users as gevent greenlets

    def _start(self, quiz: int, name: str) -> str:
        response = self._send("POST", f"/quizzes/{quiz}/start/", name, data={}, json_answer=True)
        try:
            url = response.json().get("url", "") if response.status_code == 200 else ""
        except ValueError:
            url = ""
        return url if "/attempt/" in url else ""

    def _submit(self, attempt_path: str, answers: dict, name: str) -> bool:
        response = self._send("POST", f"{attempt_path}submit/", name, data=answers, json_answer=True)
        try:
            return response.status_code == 200 and "result_url" in response.json()
        except ValueError:
            return False

    @task
    def sit_the_exam(self):
        quiz = DATA["quiz_id"]
        self._send("GET", f"/quizzes/{quiz}/", "detail")
        url = self._start(quiz, "start")
        if self._twice():
            url = self._start(quiz, "start (retry)") or url
        if url:
            attempt_path = url[url.index("/quizzes/attempt/") :]
            paper = self._send("GET", attempt_path, "paper")
            answers = answers_on(paper.text or "")
            confirmed = self._submit(attempt_path, answers, "submit")
            if self._twice():
                confirmed = self._submit(attempt_path, answers, "submit (retry)") or confirmed
            if confirmed:
                _submitted.append(self.me["student_id"])
            self._send("GET", f"{attempt_path}result/", "result")
        if next(_done) >= len(DATA["students"]):
            self.environment.runner.quit()
        raise StopUser
