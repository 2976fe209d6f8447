"""Small helpers for the reliability tests: run Python in the project against a throwaway database, and an
HTTP client that keeps its own cookies (production cookies are Secure, which urllib's cookie jar would not
send to a plain-HTTP test server)."""

import json
import re
import urllib.error
import urllib.parse
import urllib.request

from .conftest import manage


def django_json(code: str, env, timeout=600):
    """Run `code` in `manage.py shell` against env's database; it must print one JSON line last."""
    result = manage("shell", "-c", code, env=env, timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


class Browser:
    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies: dict[str, str] = {}

    def _open(self, method: str, path: str, data: bytes | None = None, headers=None):
        url = self.base_url + path  # always http://127.0.0.1:<port> of a test server
        request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))  # noqa: S310
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            response = opener.open(request, timeout=20)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.read().decode("utf-8", "replace"), response.headers

    def get(self, path: str):
        return self._open("GET", path)

    def post_form(self, path: str, fields: dict):
        fields = {**fields, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        body = urllib.parse.urlencode(fields).encode()
        return self._open("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def post_json(self, path: str, payload):
        headers = {"Content-Type": "application/json", "X-CSRFToken": self.cookies.get("csrftoken", "")}
        return self._open("POST", path, json.dumps(payload).encode(), headers)

    def sign_in(self, username: str, password: str):
        self.get("/signin/")
        status, body, headers = self.post_form("/signin/", {"username": username, "password": password})
        assert status == 302, f"sign-in failed ({status}): {re.sub(r'<[^>]+>', ' ', body)[:500]}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
