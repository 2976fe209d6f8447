"""The session engines (core.sessions): a new session is written once, by the save that ends its request, with a
key that is still unique; everything else is Django's own."""

import itertools

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

import core.sessions
from core.sessions import cached_db, db
from people.testing import PASSWORD, make_user

pytestmark = pytest.mark.django_db

STORES = [db.SessionStore, cached_db.SessionStore]


def _session_statements(queries) -> list[str]:
    return [q["sql"].split()[0] for q in queries if "django_session" in q["sql"]]


@pytest.mark.parametrize("engine", ["core.sessions.db", "core.sessions.cached_db"])
def test_signing_in_writes_the_new_session_once(client, engine):
    user = make_user("ling")
    with override_settings(SESSION_ENGINE=engine):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(reverse("people:login"), {"username": "ling", "password": PASSWORD})
        assert response.status_code == 302
        # Django's own create() looked the key up and inserted an empty row that the response then updated.
        assert _session_statements(queries.captured_queries) == ["INSERT"]
        key = client.cookies["sessionid"].value
        assert Session.objects.get(pk=key).get_decoded()["_auth_user_id"] == str(user.pk)
        assert client.get(reverse("core:home")).wsgi_request.user == user


@pytest.mark.parametrize("store", STORES)
def test_a_key_already_taken_is_drawn_again(store, monkeypatch):
    taken = store()
    taken["owner"] = "first"
    taken.save()
    keys = itertools.chain([taken.session_key], iter(lambda: "b" * 32, None))
    monkeypatch.setattr(core.sessions, "new_key", lambda: next(keys))
    session = store()
    session["owner"] = "second"
    session.save()
    assert session.session_key == "b" * 32
    assert Session.objects.get(pk=taken.session_key).get_decoded() == {"owner": "first"}
    assert store(session.session_key)["owner"] == "second"


@pytest.mark.parametrize("store", STORES)
def test_a_cycled_key_is_written_by_the_next_save_and_the_old_one_is_gone(store):
    session = store()
    session["kept"] = 1
    session.save()
    old = session.session_key
    session.cycle_key()
    new = session.session_key
    assert new != old
    assert not Session.objects.filter(pk__in=[old, new]).exists()  # the old deleted, the new not yet written
    session.save()
    assert store(new)["kept"] == 1
    session["more"] = 2
    session.save()  # an ordinary save of a written session updates it
    assert Session.objects.filter(pk=new).count() == 1 and store(new)["more"] == 2


@pytest.mark.parametrize("store", STORES)
def test_a_session_flushed_before_its_save_leaves_nothing(store):
    session = store()
    session["x"] = 1
    session.cycle_key()
    session.flush()
    assert session.session_key is None and not Session.objects.exists()


@pytest.mark.parametrize("store", STORES)
def test_the_async_save_writes_a_new_session_once_too(store, monkeypatch):
    from asgiref.sync import async_to_sync

    taken = store()
    taken.save()
    keys = itertools.chain([taken.session_key], iter(lambda: "c" * 32, None))
    monkeypatch.setattr(core.sessions, "new_key", lambda: next(keys))
    session = store()
    session["via"] = "async"
    async_to_sync(session.acycle_key)()  # Django's async sign-in path (alogin): the taken key, not yet written
    assert session.session_key == taken.session_key and Session.objects.count() == 1
    async_to_sync(session.asave)()  # the INSERT meets the taken key and draws another
    assert session.session_key == "c" * 32 and store(session.session_key)["via"] == "async"
    session["more"] = 1
    async_to_sync(session.asave)()  # an ordinary save of a written session updates it
    assert Session.objects.filter(pk=session.session_key).count() == 1 and store(session.session_key)["more"] == 1
