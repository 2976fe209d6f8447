"""With its app server gone, the edge answers at once: 503 with Retry-After, in JSON for JSON clients and the
answer endpoint, a small page otherwise, never a hanging connection or HAProxy's stock page."""

import json
import time

from .helpers import Client, busy_json


def test_backend_down_gives_json_503_with_retry_after(edge_stack):
    app, edge = edge_stack(threads=2, server_maxconn=2)
    client = Client(edge.port, timeout=10)
    assert client.get("/healthz")[0] == 200
    app.stop()

    # Until the health check marks it down (2 failed checks, 2 s apart) HAProxy still tries it, and answers 503
    # when it cannot connect; either way the answer is JSON with Retry-After.
    deadline = time.monotonic() + 20
    payload = {}
    while time.monotonic() < deadline:
        status, body, headers = client.get("/quizzes/", headers={"Accept": "application/json"})
        assert status == 503, (status, body[:200])
        payload = busy_json(status, body, headers)
        if payload["error"] == "unavailable":
            break
        time.sleep(0.5)
    assert payload["error"] == "unavailable", "the health check should have taken the app server out"
    assert payload["message"] == "显示“已保存”的内容都已保存。请稍等片刻再试。"

    # The answer endpoint is JSON whatever the Accept header says (only the quiz page's script calls it).
    status, body, headers = client.request("POST", "/en/quizzes/attempt/1/answer/", b"{}", {"Accept": "*/*"})
    assert status == 503
    assert busy_json(status, body, headers)["message"].startswith("Your work is saved")

    status, body, headers = client.get("/", headers={"Accept": "text/html"})
    assert status == 503 and headers["Content-Type"].startswith("text/html") and headers["Retry-After"].isdigit()
    assert "服务器出了点问题" in body
    try:
        json.loads(body)
        raise AssertionError("a page client should get a page")
    except json.JSONDecodeError:
        pass
