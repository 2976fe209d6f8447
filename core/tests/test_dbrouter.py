"""The replica router's decisions (core/dbrouter.py). What the servers do with them — a dashboard answered by
the replica, a lagging or stopped replica passed over — is checked against real servers in tests/topology."""

import time

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from core import dbrouter
from people.models import User
from plans.models import TableExport

REPLICA_DB = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
# The fixture adds a replica alias to settings only: the router reads it to decide, and no test connects to it.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


@pytest.fixture
def with_replica(settings):
    settings.DATABASES = {**settings.DATABASES, "replica": REPLICA_DB}
    settings.REPLICA_NEVER = ["people.User", "plans.TableExport"]
    settings.REPLICA_VIEWS = ["plans:dashboard"]
    settings.REPLICA_CHECK_SECONDS = 3600
    dbrouter.forget_health()
    yield settings
    dbrouter.forget_health()


def _healthy(usable: bool) -> None:
    """Prime the per-process health answer, as a measurement a moment ago would have left it."""
    dbrouter._health.update(checked_at=time.monotonic(), usable=usable)


router = dbrouter.ReplicaRouter()


def test_outside_a_replica_block_everything_reads_from_the_primary(with_replica):
    _healthy(True)
    assert router.db_for_read(TableExport) is None
    assert router.db_for_read(User) is None
    assert router.db_for_write(User) == "default"


def test_inside_a_block_reads_go_to_a_healthy_replica_except_the_never_list(with_replica):
    from plans.models import Plan

    _healthy(True)
    with dbrouter.replica_reads():
        assert router.db_for_read(Plan) == "replica"
        assert router.db_for_read(User) is None, "users are read right after a sign-in writes them"
        assert router.db_for_read(TableExport) is None
        assert router.db_for_write(Plan) == "default"
    assert router.db_for_read(Plan) is None, "the block ends with the view"


def test_an_unhealthy_replica_sends_reads_to_the_primary(with_replica):
    from plans.models import Plan

    _healthy(False)
    with dbrouter.replica_reads():
        assert router.db_for_read(Plan) is None


def test_without_a_replica_configured_nothing_changes(settings):
    from plans.models import Plan

    assert "replica" not in settings.DATABASES
    with dbrouter.replica_reads():
        assert router.db_for_read(Plan) is None


@pytest.mark.django_db
def test_a_replica_that_cannot_be_asked_is_unusable_and_left_alone_for_a_while(with_replica):
    """On SQLite the lag query fails as a stopped server would: unusable, and not asked again at once."""
    with_replica.REPLICA_CHECK_SECONDS = 2
    with_replica.REPLICA_DOWN_SECONDS = 10
    assert dbrouter.replica_usable(now=1000.0) is False
    dbrouter._health["usable"] = True  # were it asked again, the answer would be measured afresh (and False)
    assert dbrouter.replica_usable(now=1008.0) is True, "within REPLICA_DOWN_SECONDS nothing is measured"
    assert dbrouter.replica_usable(now=1011.0) is False, "after it, the replica is measured again"


def _middleware(view_name: str, method: str = "GET", cookies=None, status=200):
    seen = {}

    def view(request):
        from plans.models import Plan

        seen["db"] = router.db_for_read(Plan)
        return HttpResponse(status=status)

    request = getattr(RequestFactory(), method.lower())("/audit/")
    request.COOKIES.update(cookies or {})
    request.resolver_match = type("Match", (), {"view_name": view_name})()
    middleware = dbrouter.ReplicaReadsMiddleware(lambda req: middleware.process_view(req, view, (), {}) or view(req))
    response = middleware(request)
    return seen["db"], response


def test_a_named_view_reads_from_the_replica_and_others_do_not(with_replica):
    _healthy(True)
    assert _middleware("plans:dashboard")[0] == "replica"
    assert _middleware("plans:ledger")[0] is None


def test_a_user_who_has_just_written_reads_from_the_primary(with_replica):
    _healthy(True)
    fresh = {dbrouter.PRIMARY_COOKIE: str(int(time.time()) + 10)}
    stale = {dbrouter.PRIMARY_COOKIE: str(int(time.time()) - 1)}
    assert _middleware("plans:dashboard", cookies=fresh)[0] is None
    assert _middleware("plans:dashboard", cookies=stale)[0] == "replica"
    assert _middleware("plans:dashboard", cookies={dbrouter.PRIMARY_COOKIE: "nonsense"})[0] == "replica"


def test_a_successful_write_marks_the_user_and_a_refused_one_does_not(with_replica):
    _healthy(True)
    _db, response = _middleware("plans:ledger", method="POST")
    until = int(response.cookies[dbrouter.PRIMARY_COOKIE].value)
    assert 0 < until - time.time() <= 16, "15 s by default"
    _db, refused = _middleware("plans:ledger", method="POST", status=400)
    assert dbrouter.PRIMARY_COOKIE not in refused.cookies


@override_settings(REPLICA_READ_YOUR_WRITES_SECONDS=15)
def test_no_mark_is_set_where_no_replica_is_configured(settings):
    _db, response = _middleware("plans:ledger", method="POST")
    assert dbrouter.PRIMARY_COOKIE not in response.cookies
