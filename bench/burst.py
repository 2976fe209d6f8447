"""The exam-start burst's client: students sign in, start the quiz, answer it and submit, through the edge.

    python -m bench burst-client DATA OUT      (the runner starts it, pinned to the client core)

An asyncio client on httpx's transport (no cookie jar: each student keeps her own cookies, as her browser would).
Students come in computer rooms: a room's students share one source address (127.10.<room>.1 on loopback, one
school network behind one router), so the per-network sign-in limits count them as production does. Each
student, at her arrival time:

1. signs in, by the QR code on her slip (GET /signin/slip/<code>/, then the button's POST) or by password
   through the real form (GET /signin/, POST name and password: Argon2id, as in production), and follows the
   redirect: to the quiz's page, where sign-in lands a student whose exam is the one sitting open to her
   (core.navigation's landing), or to the home page, from which she opens the quiz;
2. starts it (asking for JSON) and loads the paper: "first question on screen" is the paper's
   200, timed from her first sign-in request;
3. answers every question (the right option, found on the paper by its text; the paper names options by
   per-attempt tokens), a short think time apart, and submits; then reads the result.

A share of requests (20% by default) is sent twice, as a flaky network makes a browser do: the first answer is
dropped unread (its cookies too) and the same request goes again. A 429 or 503 with Retry-After is a handled
answer: the student waits what it says (plus up to half a second) and sends the same request again, as the
quiz page does and a refused page's Refresh header makes the browser do.

How answers and the submission travel is in `AnswerProtocol` (one small class, the wire protocol of
docs/quizzes.md); everything else is the browser's part. OUT gets, per request name, statuses and times; per
student, the timings and what the server confirmed (answers saved, submission), for bench.runner to check
against the database.
"""

import asyncio
import html
import json
import random
import re
import resource
import signal
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urljoin, urlsplit

import httpx

TIMEOUT = 60.0  # a browser waits about this long before it gives up on an answer
NO_RETRY_AFTER_WAIT = 5.0  # what the quiz page waits when a refusal or an error names no Retry-After
MAX_FAILURES = 3  # errors (resets, timeouts, 5xx other than 503) a request survives before the student gives up
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_QUIZ_PAGE = re.compile(r"(/en)?/quizzes/\d+/")
# An option on the paper (site/templates/quizzes/_question.html): its question, its token and its text.
_OPTION = re.compile(r'name="q(\d+)" value="([^"]+)"[^>]*>\s*<span>([^<]*)</span>')


@dataclass
class Stats:
    """Per request name: statuses, times (ms), answers that were not answers (timeouts, resets), refusals
    without Retry-After, and 503s with it (shedding, like a 429, not an error)."""

    requests: dict = field(default_factory=dict)

    def add(self, name: str, status: int, ms: float, error: str = "", retry_after: bool = True) -> None:
        entry = self.requests.setdefault(
            name, {"times": [], "statuses": {}, "timeouts": 0, "errors": 0, "no_retry_after": 0, "shed_503": 0}
        )
        entry["times"].append(round(ms, 1))
        entry["statuses"][str(status)] = entry["statuses"].get(str(status), 0) + 1
        if status == 0:
            entry["timeouts" if "timeout" in error.lower() else "errors"] += 1
        if status in (429, 503) and not retry_after:
            entry["no_retry_after"] += 1
        elif status == 503:
            entry["shed_503"] += 1  # the edge's queue timed out (or the app is down): come back after Retry-After


class Browser:
    """One student's browser: her cookies, her room's connection pool, the edge's Retry-After honoured."""

    def __init__(self, base: str, transport: httpx.AsyncHTTPTransport, stats: Stats, rng: random.Random, retry_share):
        self.base, self.transport, self.stats, self.rng, self.retry_share = base, transport, stats, rng, retry_share
        self.cookies: dict[str, str] = {"django_language": "zh-hans"}
        self.sent = 0
        self.duplicated = 0

    def csrf(self) -> str:
        return self.cookies.get("csrftoken", "")

    async def _once(self, method: str, path: str, headers: dict, body: bytes | None, name: str):
        headers = {
            "Host": urlsplit(self.base).netloc,
            "Accept-Language": "zh-hans",
            "User-Agent": "qingdun-bench",
            **headers,
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = httpx.Request(method, urljoin(self.base, path), headers=headers, content=body)
        started = time.perf_counter()
        self.sent += 1
        try:
            response = await asyncio.wait_for(self.transport.handle_async_request(request), TIMEOUT)
            await asyncio.wait_for(response.aread(), TIMEOUT)
        except TimeoutError:
            self.stats.add(name, 0, (time.perf_counter() - started) * 1000, "timeout")
            return None
        except httpx.HTTPError as error:
            self.stats.add(name, 0, (time.perf_counter() - started) * 1000, repr(error))
            return None
        has_retry_after = bool(response.headers.get("retry-after"))
        self.stats.add(name, response.status_code, (time.perf_counter() - started) * 1000, retry_after=has_retry_after)
        return response

    def _keep_cookies(self, response: httpx.Response) -> None:
        for header in response.headers.get_list("set-cookie"):
            for key, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value

    async def send(
        self, method: str, path: str, name: str, *, form: dict | None = None, json_body=None, accept_json=False
    ) -> httpx.Response | None:
        """The request as the page sends it: twice now and then (the first answer lost), again after each 429 or
        503 once Retry-After has passed, and again after an error (counted) up to MAX_FAILURES times. None when
        the network never answered (a timeout, a reset) the last time."""
        headers, body = {}, None
        if accept_json:
            headers["Accept"] = "application/json"
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode({**form, "csrfmiddlewaretoken": self.csrf()}, doseq=True).encode()
        elif json_body is not None:
            headers["Content-Type"] = "application/json"
            headers["X-CSRFToken"] = self.csrf()
            body = json.dumps(json_body).encode()
        if method != "GET":
            headers["Origin"] = self.base
            headers["Referer"] = urljoin(self.base, path)
        failures = 0
        while True:
            if self.rng.random() < self.retry_share:
                # A flaky network: the request reached the server, its answer did not reach the student.
                self.duplicated += 1
                await self._once(method, path, headers, body, name + " (lost answer)")
            response = await self._once(method, path, headers, body, name)
            shed = response is not None and response.status_code in (429, 503)
            broken = response is None or (response.status_code >= 500 and not shed)
            if not shed and not broken:
                self._keep_cookies(response)
                return response
            if broken:
                # A reset, a timeout or a 5xx (all counted as errors): the page resends after a while, a few times.
                failures += 1
                if failures > MAX_FAILURES:
                    return response
            retry = response.headers.get("retry-after") if response is not None else None
            try:
                pause = max(0.0, float(retry))
            except (TypeError, ValueError):
                pause = NO_RETRY_AFTER_WAIT
            await asyncio.sleep(pause + self.rng.uniform(0, 0.5))

    async def follow(self, response: httpx.Response, name: str) -> httpx.Response | None:
        """Follow redirects as the browser does (GET)."""
        hops = 0
        while response is not None and response.status_code in (301, 302, 303) and hops < 5:
            location = response.headers["location"]
            response = await self.send("GET", urlsplit(location).path or "/", name)
            hops += 1
        return response


class AnswerProtocol:
    """How the quiz page sends answers and the submission: the wire protocol of docs/quizzes.md ("Deadlines"),
    as site/static/qingdun/js/quizzes.js speaks it. The one part of the client to adjust when it changes.

    The paper carries a lease (`data-lease`) and the server's clock (`data-server-time`). A chosen answer waits
    in `pending` with `at`, the moment it was chosen on the server's clock; BATCH_DELAY after a change every
    pending answer goes in one save, and what changed while a save was on its way goes in the next one at
    once. A 200 names the questions saved (or refused) and renews the lease. The submission carries every
    answer with the latest lease; `submitted` is true only when every answer in it was weighed."""

    BATCH_DELAY = 0.7  # the page's: changes made together go in one request
    MAX_BATCH = 200
    _LEASE = re.compile(r'id="quiz-paper"[^>]*?data-lease="([^"]*)"|data-lease="([^"]*)"[^>]*?id="quiz-paper"')
    _SERVER_TIME = re.compile(r'data-server-time="(\d+)"')

    def __init__(self, browser: Browser, attempt_path: str, paper: str):
        self.browser, self.attempt_path = browser, attempt_path
        match = self._LEASE.search(paper)
        self.lease = html.unescape(next(g for g in match.groups() if g is not None)) if match else None
        clock = self._SERVER_TIME.search(paper)
        self._renew_clock(int(clock.group(1)) if clock else int(time.time() * 1000))
        self.pending: dict[int, dict] = {}
        self.saved_at: dict[int, float] = {}  # question → when the server confirmed its latest choice (monotonic)
        self.refused: list[dict] = []
        self._flusher: asyncio.Task | None = None

    def _renew_clock(self, server_ms: int) -> None:
        self._server_ms, self._since = server_ms, time.monotonic()

    def server_now(self) -> int:
        return self._server_ms + int((time.monotonic() - self._since) * 1000)

    def _renew(self, body: dict) -> None:
        if isinstance(body.get("lease"), str):
            self.lease = body["lease"]
        if isinstance(body.get("server_time"), int):
            self._renew_clock(body["server_time"])

    def choose(self, question: int, tokens: list[str]) -> None:
        self.pending[question] = {"options": tokens, "at": self.server_now()}
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush(self.BATCH_DELAY))

    async def _flush(self, delay: float) -> None:
        await asyncio.sleep(delay)
        while self.pending:
            batch = dict(list(self.pending.items())[: self.MAX_BATCH])
            answers = [{"question": q, **entry} for q, entry in batch.items()]
            response = await self.browser.send(
                "POST", f"{self.attempt_path}answer/", "answer", json_body={"lease": self.lease, "answers": answers},
                accept_json=True,
            )  # fmt: skip
            if response is None or response.status_code != 200:
                return  # the submission carries what is still pending
            body = response.json()
            self._renew(body)
            done = set(body.get("saved") or [])
            self.refused += body.get("refused") or []
            now = time.monotonic()
            for question in done | {item["question"] for item in body.get("refused") or []}:
                if question in batch and self.pending.get(question) is batch[question]:
                    del self.pending[question]  # unless the student changed it while it was on its way
                if question in done:
                    self.saved_at[question] = now

    async def settle(self) -> None:
        """Wait for the save in flight (as a student reads her paper over before pressing Submit)."""
        if self._flusher is not None:
            await self._flusher

    async def submit(self, answers: dict[int, list[str]]) -> bool:
        body = {
            "lease": self.lease,
            "answers": [
                {"question": q, "options": tokens, **({"at": self.pending[q]["at"]} if q in self.pending else {})}
                for q, tokens in answers.items()
            ],
        }
        response = await self.browser.send(
            "POST", f"{self.attempt_path}submit/", "submit", json_body=body, accept_json=True
        )
        if response is None or response.status_code != 200:
            return False
        try:
            result = response.json()
        except ValueError:
            return False
        self.refused += result.get("refused") or []
        return result.get("closed") is True and result.get("submitted") is True


def answers_on(paper: str, right: dict[str, str]) -> dict[int, list[str]]:
    """Per question on the paper, the token of the right option (`right` holds its text), else the first."""
    answers: dict[int, list[str]] = {}
    for question, token, text in _OPTION.findall(paper):
        key = int(question)
        if key not in answers or html.unescape(text).strip() == right.get(question):
            answers[key] = [token]
    return answers


async def sign_in(browser: Browser, student: dict, land: bool = True) -> tuple[str, httpx.Response | None]:
    """Signed in when the POST answers its redirect with a session; the student's browser then follows it to
    where sign-in lands her. (the step landed on, its page), or with `land` false ("", the POST's redirect);
    the response is None when she is not signed in."""
    if student.get("code"):
        path = f"/signin/slip/{student['code']}/"
        page = await browser.send("GET", path, "signin slip page")
        if page is None or page.status_code != 200:
            return "", None
        response = await browser.send("POST", path, "signin slip", form={})  # the button posts the form
    else:
        page = await browser.send("GET", "/signin/", "signin form page")
        if page is None or page.status_code != 200:
            return "", None
        response = await browser.send(
            "POST",
            "/signin/",
            "signin password",
            form={"username": student["username"], "password": student["password"]},
        )
    if response is None or response.status_code != 302 or "sessionid" not in browser.cookies:
        return "", None
    if not land:
        return "", response
    step = landing_step(response.headers.get("location", ""))
    landing = await browser.follow(response, step)
    if landing is None or landing.status_code != 200 or "sessionid" not in browser.cookies:
        return "", None
    return step, landing


def landing_step(location: str) -> str:
    """The step a sign-in's redirect leads to: the quiz's page when her exam is the one open to her
    (core.navigation's landing), else the home page."""
    path = urlsplit(location).path
    return "quiz detail" if _QUIZ_PAGE.fullmatch(path) else "home"


async def sit(browser: Browser, student: dict, data: dict, outcome: dict) -> None:
    began = time.perf_counter()
    landed, landing = await sign_in(browser, student, land=not data.get("signin_only"))
    if landing is None:
        outcome["failed_at"] = "signin"
        return
    outcome["signed_in_s"] = time.perf_counter() - began
    if data.get("signin_only"):
        return
    quiz = data["quiz_id"]
    outcome["landed"] = landed
    if landed != "quiz detail":
        detail = await browser.send("GET", f"/quizzes/{quiz}/", "quiz detail")
        if detail is None or detail.status_code != 200:
            outcome["failed_at"] = "detail"
            return
    start = await browser.send("POST", f"/quizzes/{quiz}/start/", "start", form={}, accept_json=True)
    try:
        url = start.json().get("url", "") if start is not None and start.status_code == 200 else ""
    except ValueError:
        url = ""
    if "/attempt/" not in url:
        outcome["failed_at"] = "start"
        return
    attempt_path = urlsplit(url).path
    outcome["attempt"] = int(attempt_path.rstrip("/").rsplit("/", 1)[-1])
    paper = await browser.send("GET", attempt_path, "paper")
    if paper is None or paper.status_code != 200:
        outcome["failed_at"] = "paper"
        return
    outcome["first_question_s"] = time.perf_counter() - began
    answers = answers_on(paper.text, data["answers"])
    protocol = AnswerProtocol(browser, attempt_path, paper.text)
    outcome["chosen"] = {str(q): t for q, t in answers.items()}
    for question, tokens in answers.items():
        await asyncio.sleep(browser.rng.uniform(*data["think_s"]))
        protocol.choose(question, tokens)
    await protocol.settle()
    outcome["answers_confirmed"] = sorted(protocol.saved_at)
    # On the run's clock, like arrival_origin: when the server confirmed each answer.
    offset = time.monotonic() - time.perf_counter() + began
    outcome["saves_confirmed_at"] = sorted(round(t - offset, 3) for t in protocol.saved_at.values())
    outcome["submitted"] = await protocol.submit(answers)
    outcome["refused"] = protocol.refused
    outcome["done_s"] = time.perf_counter() - began
    result = await browser.send("GET", f"{attempt_path}result/", "result")
    if result is None or result.status_code != 200:
        outcome["failed_at"] = "result"


async def run(data: dict) -> dict:
    rng = random.Random(data.get("seed", 1))
    stats = Stats()
    transports: dict[str, httpx.AsyncHTTPTransport] = {}
    outcomes: list[dict] = []
    tasks = []
    origin = time.perf_counter()
    for student in data["students"]:
        room = student["room"]
        if room not in transports:
            # One pool per room, its own source address; keep-alive to the edge, as browsers keep it.
            transports[room] = httpx.AsyncHTTPTransport(
                local_address=room, limits=httpx.Limits(max_connections=None, max_keepalive_connections=100)
            )
        browser = Browser(data["base_url"], transports[room], stats, random.Random(rng.random()), data["retry_share"])
        outcome = {"student_id": student["student_id"], "path": "token" if student.get("code") else "password"}
        outcomes.append(outcome)

        async def one(browser=browser, student=student, outcome=outcome):
            await asyncio.sleep(max(0.0, student["arrives_s"] - (time.perf_counter() - origin)))
            outcome["arrival_origin"] = time.perf_counter() - origin
            try:
                await sit(browser, student, data, outcome)
            except asyncio.CancelledError:
                if not outcome.get("submitted"):
                    outcome["failed_at"] = "still sitting at the cap"
            finally:
                outcome["requests_sent"] = browser.sent
                outcome["requests_duplicated"] = browser.duplicated

        tasks.append(asyncio.create_task(one()))
    # A run is capped (and SIGTERM stops it early): students still sitting then are reported as unfinished,
    # with everything measured so far.
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    cpu_before = _own_cpu()
    lags: list[float] = []
    watcher = asyncio.ensure_future(_watch_loop(lags))
    waiting = asyncio.ensure_future(asyncio.gather(*tasks))
    stopper = asyncio.ensure_future(stop.wait())
    await asyncio.wait([waiting, stopper], timeout=data.get("max_seconds"), return_when=asyncio.FIRST_COMPLETED)
    capped = not waiting.done()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    stopper.cancel()
    watcher.cancel()
    elapsed = time.perf_counter() - origin
    client = {"cpu_seconds": _own_cpu() - cpu_before, **_lag_summary(lags)}
    for transport in transports.values():
        await transport.aclose()
    return {"seconds": elapsed, "capped": capped, "requests": stats.requests, "students": outcomes, "client": client}


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


LAG_TICK = 0.05


async def _watch_loop(lags: list[float]) -> None:
    """How late the client's own event loop wakes a sleeper: every time measured here includes that lag (a
    response read late, a request sent late), so a client saturating its core would inflate the server's
    figures. Sampled every LAG_TICK seconds; the run reports the lags' median, p95, p99 and max."""
    while True:
        asked = time.perf_counter()
        await asyncio.sleep(LAG_TICK)
        lags.append(max(0.0, time.perf_counter() - asked - LAG_TICK))


def _lag_summary(lags: list[float]) -> dict:
    if not lags:
        return {}
    ordered = sorted(lags)

    def at(share: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)

    return {"loop_lag_p50_ms": at(0.5), "loop_lag_p95_ms": at(0.95), "loop_lag_p99_ms": at(0.99),
            "loop_lag_max_ms": round(1000 * ordered[-1], 1), "loop_lag_samples": len(ordered)}  # fmt: skip


def main(argv: list[str]) -> int:
    data_path, out_path = argv
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    data = json.loads(open(data_path, encoding="utf-8").read())  # noqa: SIM115 (read once)
    result = asyncio.run(run(data))
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump(result, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
