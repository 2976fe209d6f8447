"""core.auth.get_user decides exactly as django.contrib.auth.get_user does, with a cheaper read of the user."""

import pytest
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from core import auth as fast
from people.testing import make_user

pytestmark = pytest.mark.django_db

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _request(user, backend=MODEL_BACKEND, session_hash=None):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = backend
    session[HASH_SESSION_KEY] = session_hash if session_hash is not None else user.get_session_auth_hash()
    session.save()
    request = RequestFactory().get("/")
    request.session = SessionStore(session.session_key)
    return request


def _both(make_request):
    """(core's answer, Django's answer, core's session afterwards, Django's session afterwards)."""
    ours, theirs = make_request(), make_request()
    return fast.get_user(ours), auth.get_user(theirs), ours.session, theirs.session


def _same(a, b) -> bool:
    if not a.is_authenticated or not b.is_authenticated:
        return a.is_authenticated == b.is_authenticated
    return all(
        getattr(a, field.attname) == getattr(b, field.attname)
        and type(getattr(a, field.attname)) is type(getattr(b, field.attname))
        for field in type(a)._meta.concrete_fields
    ) and (a._state.db, a._state.adding) == (b._state.db, b._state.adding)


def test_a_signed_in_user_is_the_same_row_in_one_query():
    user = make_user(full_name="张老师", is_staff=True)
    user.last_login = user.date_joined
    user.save()
    request = _request(user)
    with CaptureQueriesContext(connection) as captured:
        ours = fast.get_user(request)
    assert ours == user and _same(ours, auth.get_user(_request(user)))
    assert ours.full_name == "张老师" and ours.is_staff is True and ours.last_login == user.date_joined
    assert len(captured.captured_queries) == 2  # the session, the user


def test_an_inactive_user_is_nobody():
    user = make_user(is_active=False)
    ours, theirs, *_ = _both(lambda: _request(user))
    assert not ours.is_authenticated and not theirs.is_authenticated


def test_a_changed_password_ends_the_session():
    user = make_user()
    old_hash = user.get_session_auth_hash()
    user.set_password("a-new-password-1")
    user.save()
    ours, theirs, our_session, their_session = _both(lambda: _request(user, session_hash=old_hash))
    assert not ours.is_authenticated and not theirs.is_authenticated
    assert our_session.session_key is None and their_session.session_key is None  # flushed


def test_a_session_signed_with_a_former_key_survives_and_moves_to_a_new_key():
    user = make_user()
    with override_settings(SECRET_KEY="the-old-key"):
        old_hash = user.get_session_auth_hash()
    with override_settings(SECRET_KEY_FALLBACKS=["the-old-key"]):
        request = _request(user, session_hash=old_hash)
        key = request.session.session_key
        ours = fast.get_user(request)
        assert _same(ours, auth.get_user(_request(user, session_hash=old_hash)))
        assert ours == user
        assert request.session.session_key != key
        assert request.session[HASH_SESSION_KEY] == user.get_session_auth_hash()


def test_no_user_for_a_deleted_row_an_unknown_backend_or_a_broken_id():
    user = make_user()
    gone = make_user()
    gone_request = _request(gone)
    gone.delete()
    assert not fast.get_user(gone_request).is_authenticated
    ours, theirs, *_ = _both(lambda: _request(user, backend="somewhere.else.Backend"))
    assert not ours.is_authenticated and not theirs.is_authenticated
    assert fast.UserRow.for_model(type(user)).get("not a number") is None


class OwnBackend(ModelBackend):
    def get_user(self, user_id):
        return None  # this backend knows nobody


@override_settings(AUTHENTICATION_BACKENDS=[MODEL_BACKEND, f"{__name__}.OwnBackend"])
def test_a_backend_with_its_own_get_user_is_asked():
    user = make_user()
    assert fast.get_user(_request(user)) == user
    assert not fast.get_user(_request(user, backend=f"{__name__}.OwnBackend")).is_authenticated


def test_the_middleware_serves_requests(client):
    user = make_user()
    client.force_login(user)
    response = client.get("/healthz")
    assert response.wsgi_request.user == user
