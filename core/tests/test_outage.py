"""A database that cannot be reached is answered 503 with Retry-After: JSON to JSON clients, a page to browsers.

The failure is real: for the request, the default connection is a PostgreSQL connection to a port where nothing
listens, so loading the session, the user or a view's rows fails in psycopg as it does when the server is down.
"""

import json
import logging
import socket

import dj_database_url
import pytest
from django.db import connections
from django.db.utils import ConnectionHandler
from django.test import Client

from core import outage
from people.testing import make_user

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: connecting is refused


@pytest.fixture
def database_down(db):
    """Swap the default connection for one to a closed port; put the test's own connection back afterwards."""
    url = f"postgres://postgres@127.0.0.1:{_closed_port()}/qingdun?connect_timeout=2"
    unreachable = ConnectionHandler({"default": dj_database_url.parse(url)})["default"]
    working = connections["default"]

    def down():
        connections["default"] = unreachable

    yield down
    unreachable.close()
    connections["default"] = working


@pytest.fixture
def signed_in():
    # raise_request_exception=False: the test client otherwise re-raises what the server turned into a response.
    client = Client(raise_request_exception=False)
    client.force_login(make_user("outage_user"))
    return client


def test_a_json_client_gets_503_json_with_retry_after_when_the_session_cannot_be_loaded(
    signed_in, database_down, caplog
):
    database_down()
    with caplog.at_level(logging.WARNING, logger="core.outage"):
        response = signed_in.post(
            "/quizzes/attempt/1/answer/",
            data=json.dumps({"question": 1, "options": [1]}),
            content_type="application/json",
            HTTP_ACCEPT="application/json",
        )
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert 2 <= int(response["Retry-After"]) <= 6
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body == {
        "error": "unavailable",
        "message": "显示“已保存”的内容都已保存。请稍等片刻再试。",
        "retry_after": int(response["Retry-After"]),
    }
    assert any("Database unavailable" in record.getMessage() for record in caplog.records)


def test_a_client_that_only_posts_json_gets_json(signed_in, database_down):
    database_down()
    response = signed_in.post("/quizzes/attempt/1/submit/", data="{}", content_type="application/json")
    assert response.status_code == 503 and response.json()["error"] == "unavailable"


def test_a_browser_gets_the_translated_503_page(signed_in, database_down):
    database_down()
    response = signed_in.get("/quizzes/", HTTP_ACCEPT="text/html,application/xhtml+xml")
    assert response.status_code == 503
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Retry-After"]
    page = response.content.decode()
    # The zh-Hans catalogue gets this page's strings when the lead merges i18n/outage.json; until then, English.
    assert "青盾暂时无法使用" in page or "Qingdun is briefly unavailable" in page
    assert "显示“已保存”的内容都已保存" in page
    assert 'lang="zh-Hans"' in page
    assert f"{response['Retry-After']}" in page


def test_the_english_site_answers_in_english(signed_in, database_down):
    database_down()
    response = signed_in.get("/en/quizzes/", HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    assert response.json()["message"].startswith("Your work is saved")


def test_a_view_that_fails_on_the_database_is_answered_503(database_down):
    """Anonymous: the session and the user need no query, so the view is first to fail (process_exception)."""
    database_down()
    response = Client(raise_request_exception=False).get("/lessons/", HTTP_ACCEPT="application/json")
    assert response.status_code == 503 and response.json()["error"] == "unavailable"


def test_other_errors_stay_500():
    def broken(request):
        raise ValueError("a bug, not an outage")

    middleware = outage.DatabaseOutageMiddleware(broken)
    assert middleware.process_exception(object(), ValueError("a bug")) is None
    assert not outage.is_unavailable(ValueError())
