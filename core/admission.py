"""Admission control: past capacity, answer at once with 429 and Retry-After instead of letting requests queue
until they time out (docs/scaling.md, "Admission control").

Each app process lets at most CONCURRENCY requests into Django at once. A request that finds every slot taken
waits in a small waiting room for at most its priority's MAX_WAIT; the most important, then the oldest,
waiter gets the next free slot. A request that cannot get in — the room is full of requests at least as
important, or its wait ran out — is answered 429 with a Retry-After that is jittered (so refused clients do
not come back together) and stretched while refusals outnumber admissions (so they do not come back faster
than the process can take them).

Priorities come from the view (`@admission(CRITICAL)` …); without one, reading (GET, HEAD) is LOW and
writing is NORMAL:
- CRITICAL: what carries a student's answers (saving one, submitting). Never refused while a less important
  request waits: it takes that request's place in a full room, and that one is refused instead; its room is
  also bigger (CRITICAL_QUEUE), taking the threads kept free for refusing others.
- NORMAL: the quiz page, starting a quiz, the paper and the result of an attempt; signing in and other forms.
- LOW: every other page.
The health check and static and media files are never held or refused.

This only works when the server hands requests to Django as they arrive: gunicorn's `gthread` workers with
CONCURRENCY + QUEUE + 2 threads (two always free to refuse) and as many worker connections. With `sync`
workers a process takes one request at a time and the rest wait in the kernel's listen queue, where no code of
ours sees them; the gate then admits everything (harmless, and useless). Behind nginx, QUEUE_TIME_HEADER names
a header the proxy sets to the time it received the request (`proxy_set_header X-Request-Start "t=${msec}";`),
and a request that already waited longer than its priority's MAX_QUEUE_TIME is refused before doing any work.

The gate is per process and keeps no state in the database or the cache: refusing costs no query.
"""

import datetime
import functools
import logging
import math
import random
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.exceptions import MiddlewareNotUsed
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import FileResponse, HttpResponse, JsonResponse
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

CRITICAL, NORMAL, LOW = "critical", "normal", "low"
EXEMPT = "exempt"
RANK = {CRITICAL: 0, NORMAL: 1, LOW: 2}


def admission(priority: str):
    """Mark a view's priority at the gate: CRITICAL, NORMAL, LOW or EXEMPT."""
    if priority not in (*RANK, EXEMPT):
        raise ValueError(f"unknown admission priority {priority!r}")

    def decorator(view):
        view.admission_priority = priority
        return view

    return decorator


# --- The gate ------------------------------------------------------------------------------------------------


@dataclass(eq=False)
class _Waiter:
    rank: int
    order: int
    event: threading.Event = field(default_factory=threading.Event)
    admitted: bool = False


class Gate:
    """At most `slots` holders at once; callers wait for a slot, most important first.

    `enter(rank, wait, room)` returns True when the caller holds a slot (it must call `leave()` once), False when
    it was refused: `room` callers were already waiting, none of them less important (else the least important,
    latest one is refused and the caller takes its place), a more important caller took its place later, or
    `wait` seconds passed. Rank 0 is the most important; each call says how full a room it accepts.
    """

    def __init__(self, slots: int):
        if slots < 1:
            raise ValueError("a gate needs at least one slot")
        self.slots = slots
        self._lock = threading.Lock()
        self._in_use = 0
        self._waiting: list[_Waiter] = []  # sorted: rank, then arrival
        self._arrivals = 0

    @property
    def in_use(self) -> int:
        return self._in_use

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def enter(self, rank: int, wait: float, room: int) -> bool:
        with self._lock:
            if self._in_use < self.slots:
                self._in_use += 1
                return True
            if wait <= 0 or room <= 0:
                return False
            if len(self._waiting) >= room:
                last = self._waiting[-1]  # the least important, latest arrival
                if last.rank <= rank:
                    return False
                self._waiting.pop()
                last.event.set()  # refused: a more important request takes its place
            self._arrivals += 1
            waiter = _Waiter(rank, self._arrivals)
            index = len(self._waiting)
            while index > 0 and self._waiting[index - 1].rank > rank:
                index -= 1
            self._waiting.insert(index, waiter)
        if waiter.event.wait(wait):
            return waiter.admitted
        with self._lock:
            if waiter.event.is_set():  # handed a slot (or refused) while the wait ran out
                return waiter.admitted
            self._waiting.remove(waiter)
            return False

    def leave(self) -> None:
        with self._lock:
            if self._waiting:
                waiter = self._waiting.pop(0)
                waiter.admitted = True  # the slot passes straight to it: in_use does not change
                waiter.event.set()
            else:
                self._in_use -= 1


# --- Retry-After ---------------------------------------------------------------------------------------------


class RetryAdvice:
    """Seconds to tell a refused client: a random whole number in its priority's range, times a factor that
    doubles after each second in which refusals were more than twice the admissions (clients are coming back
    faster than they can be let in) and halves, down to 1, after each second in which they were fewer than half
    and each second without any request."""

    MAX_FACTOR = 16

    def __init__(self, ranges: dict[str, tuple], ceilings: dict[str, int], clock=time.monotonic, rng=None):
        self.ranges, self.ceilings, self.clock = ranges, ceilings, clock
        self.rng = rng or random.Random()  # noqa: S311 (jitter, not a secret)
        self.factor = 1.0
        self._lock = threading.Lock()
        self._second = int(clock())
        self._admitted = self._refused = 0

    def _roll(self) -> None:
        now = int(self.clock())
        if now == self._second:
            return
        if self._refused > 2 * self._admitted:
            self.factor = min(self.factor * 2, self.MAX_FACTOR)
        elif self._refused * 2 < self._admitted:
            self.factor /= 2
        quiet = min(now - self._second - 1, 8)  # seconds without a single request in between: calm ones
        self.factor = max(1.0, self.factor / 2**quiet)
        self._second, self._admitted, self._refused = now, 0, 0

    def admitted(self) -> None:
        with self._lock:
            self._roll()
            self._admitted += 1

    def refused(self, priority: str) -> int:
        with self._lock:
            self._roll()
            self._refused += 1
            low, high = self.ranges[priority]
            seconds = self.rng.uniform(low, high) * self.factor
        return max(1, min(self.ceilings[priority], math.ceil(seconds)))


# --- Settings ------------------------------------------------------------------------------------------------

DEFAULTS = {
    "ENABLED": False,
    "CONCURRENCY": 2,
    # Waiting room: QUEUE requests wait at most; answers (CRITICAL) may also take the threads kept free to refuse
    # others, so a worker with CONCURRENCY + CRITICAL_QUEUE threads (and as many connections) never refuses an
    # answer for want of room, only when it waited MAX_WAIT.
    "QUEUE": 12,
    "CRITICAL_QUEUE": 14,
    "MAX_WAIT": {CRITICAL: 10.0, NORMAL: 3.0, LOW: 1.0},
    "RETRY_AFTER": {CRITICAL: (1, 2), NORMAL: (2, 5), LOW: (3, 8)},
    # Answers come back within seconds whatever the load: they go to the front of the waiting room anyway.
    "RETRY_AFTER_MAX": {CRITICAL: 5, NORMAL: 30, LOW: 60},
    "QUEUE_TIME_HEADER": "",
    "MAX_QUEUE_TIME": {CRITICAL: 20.0, NORMAL: 5.0, LOW: 2.0},
    "EXEMPT_PREFIXES": ("/static/", "/media/", "/healthz", "/favicon.ico", "/robots.txt"),
}


def config() -> dict:
    merged = {**DEFAULTS, **getattr(settings, "QINGDUN_ADMISSION", {})}
    for key in ("MAX_WAIT", "RETRY_AFTER", "RETRY_AFTER_MAX", "MAX_QUEUE_TIME"):
        merged[key] = {**DEFAULTS[key], **merged[key]}
    return merged


# --- Which requests matter -----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8192)
def _view_priority(urlconf, path_info: str) -> str | None:
    """The priority the view at this path declares, or None (a path no view answers, or no declaration).

    Resolved in the language of the path's prefix: the gate runs before LocaleMiddleware, and a thread may
    still have the previous request's language active."""
    language = translation.get_language_from_path(path_info) or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            match = resolve(path_info, urlconf)
    except Resolver404:
        return None
    return getattr(match.func, "admission_priority", None)


@receiver(setting_changed)
def _forget_views(setting, **kwargs):
    if setting in ("ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE"):
        _view_priority.cache_clear()


def priority_of(request, exempt_prefixes=DEFAULTS["EXEMPT_PREFIXES"]) -> str:
    path = request.path_info
    if path.startswith(exempt_prefixes):
        return EXEMPT
    declared = _view_priority(getattr(request, "urlconf", None) or get_urlconf() or settings.ROOT_URLCONF, path)
    if declared:
        return declared
    return LOW if request.method in ("GET", "HEAD", "OPTIONS") else NORMAL


def queued_seconds(request, header: str, now: float | None = None) -> float | None:
    """How long the front proxy says the request has waited: "t=1700000000.123" (nginx `${msec}`), or a bare
    number in seconds, milliseconds or microseconds since the epoch. None when absent or unreadable."""
    if not header:
        return None
    value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
    value = value.strip().removeprefix("t=")
    try:
        started = float(value)
    except ValueError:
        return None
    if started > 1e14:
        started /= 1e6
    elif started > 1e11:
        started /= 1e3
    waited = (time.time() if now is None else now) - started
    return waited if waited >= 0 else None


# --- Tickets: a refused answer keeps the time it was first sent ---------------------------------------------

TICKET_HEADER = "Admission-Ticket"
TICKET_MAX_AGE = 120  # seconds: a retry comes back within seconds (CRITICAL's Retry-After is at most 5)
_TICKET_SALT = "qingdun.admission.ticket"


def first_sent(request):
    """When a CRITICAL request refused earlier was first sent, from the signed ticket its 429 carried and the
    client sends back with the retry; None without a valid ticket for this path.

    A submission refused at the deadline and retried seconds later is judged by this time, so the posted
    answers count: the refusal must not turn it into a late one. The ticket is signed with SECRET_KEY, names
    the path (so the attempt), and is honoured for TICKET_MAX_AGE seconds."""
    value = request.META.get("HTTP_ADMISSION_TICKET")  # not request.headers: building those costs more than this
    if not value:
        return None
    try:
        path, stamp = signing.Signer(salt=_TICKET_SALT).unsign(value).rsplit("|", 1)
        sent = float(stamp)
    except (signing.BadSignature, ValueError):
        return None
    # A little in the future is allowed: the app server that issued it may have a clock a little ahead.
    if path != request.path or not -5 <= time.time() - sent <= TICKET_MAX_AGE:
        return None
    return datetime.datetime.fromtimestamp(min(sent, time.time()), tz=datetime.UTC)


def _ticket(request) -> str:
    earlier = first_sent(request)
    sent = earlier.timestamp() if earlier else time.time()
    return signing.Signer(salt=_TICKET_SALT).sign(f"{request.path}|{sent:.3f}")


# --- The answer ----------------------------------------------------------------------------------------------


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "") or request.content_type == "application/json"


def refusal(request, retry_after: int, priority: str = LOW) -> HttpResponse:
    """429 with Retry-After: JSON for the quiz's scripts, a small page otherwise (which reloads itself after
    Retry-After when it answered a GET, as reloading a page is safe). A CRITICAL request also gets a ticket."""
    language = translation.get_language_from_request(request, check_path=True)
    with translation.override(language):
        message = _("Many people are using Qingdun right now. Please wait %(seconds)s seconds and try again.") % {
            "seconds": retry_after
        }
    if _wants_json(request):
        response = JsonResponse({"error": "busy", "message": message, "retry_after": retry_after}, status=429)
    else:
        page = (
            f'<!doctype html><html lang="{escape(language)}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(message)}</title></head><body><p>{escape(message)}</p></body></html>"
        )
        response = HttpResponse(page, status=429, content_type="text/html; charset=utf-8")
        response["Content-Security-Policy"] = "default-src 'none'"
        if request.method in ("GET", "HEAD"):
            response["Refresh"] = str(retry_after)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    # Django logs every 4xx as a warning; a burst would write thousands. The gate logs its own summary.
    response._has_been_logged = True
    if priority == CRITICAL:
        response[TICKET_HEADER] = _ticket(request)
    return response


# --- The middleware ------------------------------------------------------------------------------------------


_gates: dict[tuple, tuple[Gate, RetryAdvice]] = {}
_gates_lock = threading.Lock()


def _process_gate(options: dict) -> tuple[Gate, RetryAdvice]:
    """One gate per process (per configuration), shared by every handler the process builds: gunicorn builds
    one, but Django's test client builds one per client."""
    key = (int(options["CONCURRENCY"]), repr(options["RETRY_AFTER"]), repr(options["RETRY_AFTER_MAX"]))
    with _gates_lock:
        if key not in _gates:
            _gates[key] = (
                Gate(key[0]),
                RetryAdvice(
                    {name: tuple(bounds) for name, bounds in options["RETRY_AFTER"].items()},
                    {name: int(seconds) for name, seconds in options["RETRY_AFTER_MAX"].items()},
                ),
            )
        return _gates[key]


class AdmissionMiddleware:
    """Place it right after WhiteNoise (static files never reach it) and before the session middleware, so a
    refused request costs no database query."""

    LOG_EVERY = 10.0  # seconds between two summaries of refusals in the log

    def __init__(self, get_response):
        options = config()
        if not options["ENABLED"]:
            raise MiddlewareNotUsed
        self.get_response = get_response
        self.options = options
        self.exempt = tuple(options["EXEMPT_PREFIXES"])
        self.gate, self.advice = _process_gate(options)
        queue = int(options["QUEUE"])
        self.rooms = {CRITICAL: max(queue, int(options["CRITICAL_QUEUE"])), NORMAL: queue, LOW: queue}
        self._refused_since_log = 0
        self._logged_at = time.monotonic()

    def __call__(self, request):
        priority = priority_of(request, self.exempt)
        if priority == EXEMPT:
            return self.get_response(request)
        waited = queued_seconds(request, self.options["QUEUE_TIME_HEADER"])
        if waited is not None and waited > self.options["MAX_QUEUE_TIME"][priority]:
            return self._refuse(request, priority)
        if not self.gate.enter(RANK[priority], self.options["MAX_WAIT"][priority], self.rooms[priority]):
            return self._refuse(request, priority)
        self.advice.admitted()
        release = _Once(self.gate.leave)
        try:
            response = self.get_response(request)
        except BaseException:
            release()
            raise
        if response.streaming and not isinstance(response, FileResponse):
            # A generated body (an export) is produced after this returns: hold the slot until the server closes
            # it. A file is only copied out, however slowly the phone reads it: that needs no slot.
            response._resource_closers.append(release)
        else:
            release()
        return response

    def _refuse(self, request, priority: str) -> HttpResponse:
        retry_after = self.advice.refused(priority)
        self._refused_since_log += 1
        now = time.monotonic()
        if now - self._logged_at >= self.LOG_EVERY:
            logger.warning(
                "admission: refused %d requests in %.0f s (%d of %d slots in use, %d waiting, Retry-After ×%g)",
                self._refused_since_log, now - self._logged_at, self.gate.in_use, self.gate.slots,
                self.gate.waiting, self.advice.factor,
            )  # fmt: skip
            self._refused_since_log, self._logged_at = 0, now
        return refusal(request, retry_after, priority)


class _Once:
    def __init__(self, action):
        self._action, self._lock, self._done = action, threading.Lock(), False

    def __call__(self):
        with self._lock:
            if self._done:
                return
            self._done = True
        self._action()
