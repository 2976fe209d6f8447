"""Reads of the heavy, read-only screens (dashboards, the 通报, exports) from a streaming replica.

Only what is named goes to the replica: the views in `settings.REPLICA_VIEWS` (by URL name) and code run inside
`replica_reads()` (an export task). Everything else, and every write, uses the primary, so a form, a quiz or a
sign-in never reads a row the replica has not replayed yet. Three rules keep a replica read correct:

- **Read your writes.** A user who has just written (any unsafe request that succeeded) reads from the primary
  for `REPLICA_READ_YOUR_WRITES_SECONDS`, marked by a cookie. The cookie only ever sends reads to the primary, so
  a forged one costs the forger nothing but speed.
- **Bounded lag.** The replica is used only while it has replayed what the primary had written, or lags by less
  than `REPLICA_MAX_LAG_SECONDS`. The check costs two tiny queries and is remembered per process for
  `REPLICA_CHECK_SECONDS`.
- **Down means primary.** A replica that cannot be reached is skipped for `REPLICA_DOWN_SECONDS`; its screens
  are served from the primary, slower but right. The check asks the replica server directly
  (`REPLICA_CHECK_DSN`), so a stopped server fails it at once rather than queueing in PgBouncer.

Models in `settings.REPLICA_NEVER` (sessions, users, task and export bookkeeping) are always read from the
primary, even inside a replica block: they are read right after being written, by the same request or task.
"""

import contextvars
import logging
import threading
import time
from contextlib import contextmanager

import psycopg
from django.conf import settings
from django.db import DatabaseError, connections

REPLICA = "replica"
PRIMARY = "default"
PRIMARY_COOKIE = "qd_primary_until"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

log = logging.getLogger(__name__)
_replica_reads = contextvars.ContextVar("qingdun_replica_reads", default=False)
_health_lock = threading.Lock()
_health = {"checked_at": float("-inf"), "usable": False}


def configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads():
    """Read from the replica inside this block when it is usable (see the module's rules)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


# Replayed at least what the primary had written a moment ago: no lag worth speaking of. Otherwise the age of the
# last replayed transaction bounds how far behind the replica is; one that never replayed any has no age and is
# usable only once caught up.
_REPLICA_STATE = (
    "SELECT pg_is_in_recovery(), COALESCE(pg_last_wal_replay_lsn() >= %s::pg_lsn, false),"
    " EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())"
)


def _replica_state(primary_lsn: str):
    """Asked of the replica server itself when REPLICA_CHECK_DSN names it: through PgBouncer a stopped server
    makes the question wait in the pooler's queue instead of failing, and a health check must fail fast."""
    dsn = getattr(settings, "REPLICA_CHECK_DSN", "")
    if not dsn:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(_REPLICA_STATE, [primary_lsn])
            return cursor.fetchone()
    with psycopg.connect(dsn, connect_timeout=2, autocommit=True) as connection:
        return connection.execute(_REPLICA_STATE, [primary_lsn]).fetchone()


def _measure() -> bool:
    """Whether the replica is reachable and close enough behind the primary, from both servers' own view."""
    if REPLICA not in connections.settings:
        return False  # named in settings after start-up (a test), never connected: nothing to read from
    try:
        with connections[PRIMARY].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()")
            (primary_lsn,) = cursor.fetchone()
        in_recovery, caught_up, age = _replica_state(primary_lsn)
    except (DatabaseError, psycopg.Error) as error:
        log.warning("replica unusable, reading from the primary: %s", error)
        if REPLICA in connections.settings:
            connections[REPLICA].close()  # a broken connection is not kept for the next check
        return False
    if not in_recovery:
        return True  # promoted, or the same server configured twice: as current as the primary
    return bool(caught_up) or (age is not None and float(age) < _setting("REPLICA_MAX_LAG_SECONDS", 5))


def replica_usable(*, now: float | None = None) -> bool:
    now = time.monotonic() if now is None else now
    with _health_lock:
        if now - _health["checked_at"] < _setting("REPLICA_CHECK_SECONDS", 2):
            return _health["usable"]
    usable = _measure()
    with _health_lock:
        # A replica found down is left alone for longer: each look at a dead server costs a connection attempt.
        pause = 0 if usable else _setting("REPLICA_DOWN_SECONDS", 10) - _setting("REPLICA_CHECK_SECONDS", 2)
        _health.update(checked_at=now + max(pause, 0), usable=usable)
    return usable


def forget_health() -> None:
    """Measure again on the next replica read (tests, and after a failover)."""
    with _health_lock:
        _health["checked_at"] = float("-inf")


class ReplicaRouter:
    """DATABASE_ROUTERS entry: the primary for everything unless a replica block says otherwise."""

    def db_for_read(self, model, **hints):
        if not _replica_reads.get() or not configured():
            return None
        if model._meta.label in getattr(settings, "REPLICA_NEVER", ()):
            return None
        instance = hints.get("instance")
        if instance is not None and instance._state.db == PRIMARY:
            return None  # a relation of a row loaded from the primary stays there
        return REPLICA if replica_usable() else None

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's rows: a relation across them is the same relation

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


class ReplicaReadsMiddleware:
    """Runs the views named in REPLICA_VIEWS inside `replica_reads()`, unless the user has just written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request._replica_token = None
        try:
            response = self.get_response(request)
        finally:
            if request._replica_token is not None:
                _replica_reads.reset(request._replica_token)
        if request.method not in SAFE_METHODS and response.status_code < 400 and configured():
            seconds = int(_setting("REPLICA_READ_YOUR_WRITES_SECONDS", 15))
            response.set_cookie(
                PRIMARY_COOKIE,
                str(int(time.time()) + seconds),
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if not configured() or match is None or match.view_name not in getattr(settings, "REPLICA_VIEWS", ()):
            return None
        if request.method not in SAFE_METHODS or _wrote_recently(request):
            return None
        # Who the user is comes from the primary, before any replica read: a session saved a moment ago (a
        # sign-in) may not have reached the replica yet.
        user = getattr(request, "user", None)
        if user is not None:
            user.is_authenticated  # noqa: B018 (evaluates the lazy user now, on the primary)
        request._replica_token = _replica_reads.set(True)
        return None


def _wrote_recently(request) -> bool:
    try:
        return int(request.COOKIES.get(PRIMARY_COOKIE, "0")) > time.time()
    except ValueError:
        return False
