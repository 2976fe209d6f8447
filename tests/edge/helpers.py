"""An HTTP client for the edge tests that connects from a chosen loopback address (so the app's view of the
client can be told from the proxy's, 127.0.0.1) and keeps its own cookies (production cookies are Secure)."""

import http.client
import json
import urllib.parse

from tests.reliability.helpers import django_json

__all__ = ["Client", "django_json"]


class Client:
    def __init__(self, port: int, source: str = "127.0.0.1", timeout: float = 30):
        self.port, self.source, self.timeout = port, source, timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout,
                                                source_address=(self.source, 0))  # fmt: skip
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text, response.headers

    def get(self, path: str, headers=None):
        return self.request("GET", path, headers=headers)

    def post_form(self, path: str, fields: dict, headers=None):
        fields = {**fields, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        return self.request("POST", path, urllib.parse.urlencode(fields).encode(), headers)

    def post_json(self, path: str, payload):
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "X-CSRFToken": self.cookies.get("csrftoken", ""),
        }
        return self.request("POST", path, json.dumps(payload).encode(), headers)


def busy_json(status: int, body: str, headers) -> dict:
    """The JSON a shed request got, checked: Retry-After a whole number of seconds that the body repeats."""
    assert headers.get("Content-Type", "").startswith("application/json"), headers
    retry_after = headers.get("Retry-After")
    assert retry_after and retry_after.isdigit() and int(retry_after) >= 1, headers
    payload = json.loads(body)
    assert payload["retry_after"] == int(retry_after)
    assert payload["message"]
    return payload
