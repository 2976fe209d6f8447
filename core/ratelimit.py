"""Sliding-window rate limits on Django's cache, shared by every process, answering 429 with Retry-After and a
translated message.

Used on sign-in, quiz answer saving and submission, imports and uploads. The counters live in the "ratelimit"
cache: Redis when REDIS_URL is set, otherwise the database every app process already shares (docs/security.md,
"Rate limits and lockout").

A window is cut into SLICES slices and one cache value per client keeps the counts of the last SLICES + 1
slices. A request stops counting between `window` and `window + window / SLICES` seconds after it was let
through, so no stretch of `window` seconds ever holds more than `limit` of them (a fixed window lets twice the
limit through across its edge, and the usual two-bucket weighting nearly as many). Refused requests are not
counted: a client that keeps knocking gets in again at the stated rate, not never.

The value is read and written under a short lock taken with `cache.add`, the one write every Django cache
backend does atomically (Redis SET NX, an INSERT on the database cache's primary key). The database cache's
`incr` is a read followed by a write, which two processes interleave and so undercount.
"""

import functools
import hashlib
import math
import time
from contextlib import contextmanager

from django.core.cache import caches
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from .clientid import network_of

CACHE_ALIAS = "ratelimit"
# Flood guards on the exam's hottest paths (an answer save every few seconds per student, reading heartbeats) only
# protect the server: a flood there earns nothing (answers are upserts, reading time follows the wall clock), so
# they count in the default cache, shared where it is Redis and per process otherwise, and cost no SQL. Every
# limit that guards an account, a password or a figure uses CACHE_ALIAS.
FLOOD_CACHE_ALIAS = "default"
SLICES = 6
# A holder that dies keeps its client's key locked this long; a waiter gives up (and is refused) after LOCK_WAIT.
LOCK_SECONDS = 5
LOCK_WAIT = 2.0

# The limiter's notion of now. Callers and tests pass `now=` to hit(); the decorator reads this, so a test that
# drives a view through many requests can hold time still instead of racing a real minute.
clock = time.time


def _store(shared: bool = True):
    return caches[CACHE_ALIAS if shared else FLOOD_CACHE_ALIAS]


def _key(scope: str, ident: str) -> str:
    # Idents carry sign-in names and network hashes: hashed, they fit every backend's key rules and stay unreadable.
    digest = hashlib.blake2b(f"{scope}\0{ident}".encode(), digest_size=16).hexdigest()
    return f"rl:{scope[:40]}:{digest}"


@contextmanager
def _locked(store, key: str):
    lock = f"{key}:lock"
    deadline = time.monotonic() + LOCK_WAIT
    pause = 0.002
    while not store.add(lock, 1, timeout=LOCK_SECONDS):
        if time.monotonic() >= deadline:
            yield False
            return
        time.sleep(pause)
        pause = min(pause * 2, 0.05)
    try:
        yield True
    finally:
        store.delete(lock)


def _live(counts, current: int) -> dict[int, int]:
    if not isinstance(counts, dict):
        return {}
    return {index: n for index, n in counts.items() if current - SLICES <= index <= current and n > 0}


def _retry_after(live: dict[int, int], limit: int, width: float, now: float) -> int:
    """Seconds until enough of the oldest slices have dropped out for one more request to fit."""
    excess = sum(live.values()) - limit + 1
    for index in sorted(live):
        excess -= live[index]
        if excess <= 0:
            return max(1, math.ceil((index + SLICES + 1) * width - now))
    return 1


def _state(scope: str, ident: str, window: int, now: float | None):
    now = clock() if now is None else now
    width = window / SLICES
    return now, width, int(now // width), _key(scope, ident)


def hit(
    scope: str, ident: str, limit: int, window: int, *, now: float | None = None, shared: bool = True
) -> tuple[bool, int]:
    """Count one request if it fits; return (allowed, seconds to wait when refused, else 0)."""
    now, width, current, key = _state(scope, ident, window, now)
    store = _store(shared)
    with _locked(store, key) as held:
        if not held:  # this very client is hammering the key; it can wait a second
            return False, 1
        live = _live(store.get(key), current)
        if sum(live.values()) >= limit:
            return False, _retry_after(live, limit, width, now)
        live[current] = live.get(current, 0) + 1
        store.set(key, live, timeout=math.ceil(window + width) + 1)
    return True, 0


def blocked_for(scope: str, ident: str, limit: int, window: int, *, now: float | None = None) -> int:
    """Seconds until one more request would fit, or 0 when it fits now; counts nothing."""
    now, width, current, key = _state(scope, ident, window, now)
    live = _live(_store().get(key), current)
    if sum(live.values()) < limit:
        return 0
    return _retry_after(live, limit, width, now)


def client_ident(request, key: str = "user_or_ip") -> str:
    """Who a limit counts: the signed-in user, or the hash of the network an anonymous request came from."""
    user = getattr(request, "user", None)
    if key == "ip" or user is None or not user.is_authenticated:
        return f"net:{network_of(request)}"
    return f"u:{user.pk}"


def too_many(request, retry_after: int) -> HttpResponse:
    message = _("Too many requests. Please wait %(seconds)s seconds and try again.") % {"seconds": retry_after}
    wants_json = "application/json" in request.headers.get("Accept", "") or request.content_type == "application/json"
    if wants_json:
        response = JsonResponse({"error": "rate_limited", "message": message, "retry_after": retry_after}, status=429)
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    return response


def ratelimit(
    scope: str, limit: int, window: int = 60, key: str = "user_or_ip", methods=("POST",), shared: bool = True
):
    """Decorate a view: at most `limit` requests in any `window` seconds per user (per network when anonymous,
    or always with key="ip"). `shared=False` marks a flood guard (see FLOOD_CACHE_ALIAS)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                allowed, retry_after = hit(scope, client_ident(request, key), limit, window, now=clock(), shared=shared)
                if not allowed:
                    return too_many(request, retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
