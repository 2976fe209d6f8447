"""While PostgreSQL is down, gunicorn answers 503 with Retry-After: JSON to the quiz page's fetch calls and to
any JSON client, a translated page to a browser; never Django's HTML 500 page. Once it is back, pages work."""

import json

from .conftest import start_postgres, stop_postgres
from .helpers import Browser, django_json

SETUP = """
import json
from people.testing import World
world = World()
print(json.dumps({"username": world.student.user.username}))
"""


def test_an_outage_is_answered_503_in_json_or_html(throwaway_db, server_factory):
    _name, env = throwaway_db
    facts = django_json(SETUP, env)
    # A persistent connection, as production keeps: the outage must be found on it too, not only on a new one.
    server = server_factory({**env, "DB_CONN_MAX_AGE": "600"}).start()
    browser = Browser(server.url)
    browser.sign_in(facts["username"], "correct-horse-battery")
    status, _body, _headers = browser.get("/quizzes/")
    assert status == 200

    stop_postgres()
    try:
        # The quiz page's answer save: the session cannot be loaded, so the failure is in the middleware.
        status, body, headers = browser.post_json("/quizzes/attempt/1/answer/", {"question": 1, "options": ["x"]})
        assert status == 503, body[:500]
        assert headers["Content-Type"] == "application/json"
        assert 2 <= int(headers["Retry-After"]) <= 6
        payload = json.loads(body)
        assert payload["error"] == "unavailable" and payload["retry_after"] == int(headers["Retry-After"])
        assert payload["message"] == "显示“已保存”的内容都已保存。请稍等片刻再试。"

        # The status poll of the export page accepts JSON and posts nothing.
        status, body, headers = browser._open("GET", "/audit/exports/1/status/", headers={"Accept": "application/json"})
        assert status == 503 and json.loads(body)["error"] == "unavailable" and headers["Retry-After"]

        status, body, headers = browser.get("/quizzes/")
        assert status == 503
        assert headers["Content-Type"] == "text/html; charset=utf-8" and headers["Retry-After"]
        assert "显示“已保存”的内容都已保存" in body and "<h1>" in body
    finally:
        start_postgres()

    status, _body, _headers = browser.get("/quizzes/")
    assert status == 200
