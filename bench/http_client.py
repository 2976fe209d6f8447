"""A small HTTP client for the topology suite and bench: cookies kept by hand and an optional PROXY v2 header.

The app runs with production settings, so its cookies are Secure and a standard cookie jar would not send them
over the suite's plain HTTP. The PROXY header lets a test speak to an app node as a given client address, the
way HAProxy does, so a test's rate limits and lockouts never touch another test's address.
"""

import http.client
import ipaddress
import re
import struct
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

PROXY_V2_SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"


def proxy_v2_header(source: str, source_port: int, destination_port: int) -> bytes:
    """A PROXY protocol v2 header for a TCP over IPv4 connection from `source`."""
    addresses = ipaddress.IPv4Address(source).packed + ipaddress.IPv4Address("127.0.0.1").packed
    body = addresses + struct.pack("!HH", source_port, destination_port)
    return PROXY_V2_SIGNATURE + bytes([0x21, 0x11]) + struct.pack("!H", len(body)) + body


class _ProxiedConnection(http.client.HTTPConnection):
    def __init__(self, host, port, client_ip, **kwargs):
        super().__init__(host, port, **kwargs)
        self.client_ip = client_ip

    def connect(self):
        super().connect()
        self.sock.sendall(proxy_v2_header(self.client_ip, 40000, self.port))


@dataclass
class Answer:
    status: int
    headers: dict
    body: str

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class Client:
    def __init__(self, base: str, client_ip: str | None = None):
        self.base, self.client_ip = base, client_ip
        self.cookies: dict[str, str] = {}

    def at(self, base: str) -> "Client":
        """The same browser (cookies and address) talking to another server."""
        other = Client(base, self.client_ip)
        other.cookies = self.cookies
        return other

    def request(
        self, method: str, path: str, data: dict | None = None, headers: dict | None = None, timeout=60, body=None
    ):
        parts = urlsplit(self.base)
        if self.client_ip:
            connection = _ProxiedConnection(parts.hostname, parts.port, self.client_ip, timeout=timeout)
        else:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        sent = {"Host": "127.0.0.1", "Accept-Language": "zh-hans", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if data is not None:
            body = urlencode(data, doseq=True)
            sent.setdefault("Content-Type", "application/x-www-form-urlencoded")
        if method != "GET" and "csrftoken" in self.cookies:
            sent.setdefault("X-CSRFToken", self.cookies["csrftoken"])
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                for name, morsel in cookie.items():
                    if morsel["max-age"] == "0" or (morsel.value == "" and morsel["expires"]):
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, text)
        finally:
            connection.close()

    def get(self, path: str, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict, **kwargs) -> Answer:
        return self.request("POST", path, data=data, **kwargs)

    def csrf_from(self, path: str) -> str:
        page = self.get(path)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        if not found:
            raise RuntimeError(f"no CSRF token on {path} ({page.status})")
        return found.group(1)

    def sign_in(self, username: str, password: str) -> Answer:
        token = self.csrf_from("/signin/")
        answer = self.post("/signin/", {"csrfmiddlewaretoken": token, "username": username, "password": password})
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"sign-in as {username} failed: {answer.status} {answer.body[:300]}")
        return answer
