"""The sliding-window limiter: every test passes explicit times, so none depends on where a real minute ends."""

import random

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

from core import ratelimit
from core.clientid import network_key

pytestmark = pytest.mark.django_db

T0 = 1_800_000_000.0  # a fixed instant; the limiter only ever compares times it was given


def test_never_more_than_the_limit_in_any_window():
    rng = random.Random(13)
    limit, window = 10, 60
    moment, allowed = T0, []
    while moment < T0 + 20 * window:
        moment += rng.expovariate(1.0)  # about six times the allowed rate, in bursts and lulls
        if ratelimit.hit("test", "c", limit, window, now=moment)[0]:
            allowed.append(moment)
    for i, t in enumerate(allowed):
        in_window = [u for u in allowed[: i + 1] if u > t - window]
        assert len(in_window) <= limit, f"{len(in_window)} let through in the {window} s before {t - T0:.1f}"
    # Strict, not starved: each request counts for at most window + one slice.
    assert len(allowed) >= limit * 20 * window / (window * (1 + 1 / ratelimit.SLICES)) - limit


def test_a_window_edge_does_not_hand_out_a_second_limit():
    """A fixed window let `limit` through just before a minute ended and `limit` more just after it."""
    edge = 60 * (int(T0) // 60 + 1)
    for _ in range(5):
        assert ratelimit.hit("test", "c", 5, 60, now=edge - 0.5)[0]
    allowed, retry_after = ratelimit.hit("test", "c", 5, 60, now=edge + 0.5)
    assert not allowed and retry_after > 50


def test_refused_requests_do_not_count_and_retry_after_is_when_a_place_frees():
    for _ in range(3):
        ratelimit.hit("test", "c", 3, 60, now=T0)
    refused, retry_after = ratelimit.hit("test", "c", 3, 60, now=T0 + 1)
    assert not refused
    for second in range(2, retry_after):  # knocking every second meanwhile changes nothing
        assert not ratelimit.hit("test", "c", 3, 60, now=T0 + second)[0]
    assert ratelimit.hit("test", "c", 3, 60, now=T0 + 1 + retry_after)[0]
    assert 60 <= 1 + retry_after <= 60 + 60 / ratelimit.SLICES


def test_blocked_for_reads_without_counting():
    assert ratelimit.blocked_for("test", "c", 2, 60, now=T0) == 0
    ratelimit.hit("test", "c", 2, 60, now=T0)
    assert ratelimit.blocked_for("test", "c", 2, 60, now=T0) == 0
    ratelimit.hit("test", "c", 2, 60, now=T0)
    assert ratelimit.blocked_for("test", "c", 2, 60, now=T0 + 1) > 0
    assert ratelimit.hit("test", "c", 2, 60, now=T0 + 80)[0]


def test_scopes_and_clients_count_apart():
    ratelimit.hit("one", "c", 1, 60, now=T0)
    assert not ratelimit.hit("one", "c", 1, 60, now=T0)[0]
    assert ratelimit.hit("two", "c", 1, 60, now=T0)[0]
    assert ratelimit.hit("one", "d", 1, 60, now=T0)[0]


def test_counts_live_in_the_database_cache_that_every_process_reads():
    store = caches[ratelimit.CACHE_ALIAS]
    assert isinstance(store, DatabaseCache)
    ratelimit.hit("test", "net:some-network", 5, 60, now=T0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM qingdun_ratelimit")
        # The table is also the "shared" alias's store (the lessons' render generation, say, left there by an
        # earlier test of this process): only the rate limit's own rows are this test's.
        keys = [row[0] for row in cursor.fetchall() if ":rl:" in row[0]]
    assert len(keys) == 1 and "some-network" not in keys[0], keys  # one row, and the ident only as a hash


def test_a_busy_client_is_refused_rather_than_counted_twice(monkeypatch):
    monkeypatch.setattr(ratelimit, "LOCK_WAIT", 0.05)
    store = caches[ratelimit.CACHE_ALIAS]
    key = ratelimit._key("test", "c")
    store.add(f"{key}:lock", 1, timeout=30)  # another process is in the middle of counting this client
    assert ratelimit.hit("test", "c", 5, 60, now=T0) == (False, 1)
    store.delete(f"{key}:lock")
    assert ratelimit.hit("test", "c", 5, 60, now=T0)[0]


def _anonymous(address):
    request = RequestFactory().post("/", REMOTE_ADDR=address)
    request.user = AnonymousUser()
    return request


def test_anonymous_requests_count_by_network_hash_never_by_address(monkeypatch):
    monkeypatch.setattr(ratelimit, "clock", lambda: T0)
    view = ratelimit.ratelimit("test-view", limit=2)(lambda request: HttpResponse("ok"))
    home = ("2001:db8:5:6::10", "2001:db8:5:6::99")  # two devices behind one IPv6 household /64
    assert ratelimit.client_ident(_anonymous(home[0])) == ratelimit.client_ident(_anonymous(home[1]))
    assert ratelimit.client_ident(_anonymous(home[0])) == f"net:{network_key(home[0])}"
    assert "2001" not in ratelimit.client_ident(_anonymous(home[0]))
    assert [view(_anonymous(a)).status_code for a in (*home, home[0])] == [200, 200, 429]
    assert view(_anonymous("198.51.100.4")).status_code == 200
    refused = view(_anonymous(home[1]))
    assert int(refused["Retry-After"]) >= 1
