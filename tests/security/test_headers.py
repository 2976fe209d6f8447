"""Response headers of the front end with the production settings: CSP without inline scripts, HSTS,
nosniff, Referrer-Policy and frame protection; and pages that carry no inline script or outside asset."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from .conftest import client_for

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_NAMES = (
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "CONTENT_SECURITY_POLICY",
)


@pytest.fixture(scope="module")
def production_settings():
    """The security values of config/settings/production.py itself, not a copy of them.

    Read in a child process: importing the production module here would change dicts it shares with the test
    settings (STORAGES), so the test process keeps its own settings and overrides only these names.
    """
    script = (
        "import json, config.settings.production as p; "
        f"print(json.dumps({{n: getattr(p, n) for n in {PRODUCTION_NAMES!r}}}))"
    )
    env = {**os.environ, "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "testserver"}
    result = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    with override_settings(**values):
        yield values


# (URL name, kwargs builder, role): pages each kind of user reads most.
FRONT_PAGES = [
    ("core:home", None, "anonymous"),
    ("people:login", None, "anonymous"),
    ("lessons:search", None, "anonymous"),
    ("quizzes:take", lambda e: {"pk": e.own.attempt.pk}, "student"),
    ("classroom:read", lambda e: {"pk": e.own.lesson.pk}, "student"),
    ("classroom:my_work", None, "student"),
    ("classroom:class_progress", lambda e: {"pk": e.own.school_class.pk}, "teacher"),
    ("classroom:activity", lambda e: {"pk": e.own.activity.pk}, "teacher"),
    ("people:school_home", lambda e: {"code": e.own.school.code}, "school_admin"),
    ("plans:dashboard", None, "far_auditor"),
]


def _csp(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.parametrize(("name", "args", "role"), FRONT_PAGES, ids=[page[0] for page in FRONT_PAGES])
def test_front_end_pages_carry_the_security_headers(fresh, production_settings, name, args, role):
    url = reverse(name, kwargs=args(fresh) if args else None)
    response = client_for(fresh, role).get(url, secure=True)
    assert response.status_code == 200, url
    csp = _csp(response)
    assert csp, f"{url} has no Content-Security-Policy"
    scripts = csp.get("script-src") or csp.get("default-src")
    assert scripts == ["'self'"], f"{url}: script-src {scripts}"
    assert "'unsafe-inline'" not in " ".join(csp.get("default-src", []))
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'self'"] and csp["base-uri"] == ["'self'"]
    hsts = response["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts and "preload" in hsts
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "SAMEORIGIN"


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
OUTSIDE_ASSET = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=[\"'](?:https?:)?//", re.IGNORECASE)


@pytest.mark.parametrize(("name", "args", "role"), FRONT_PAGES, ids=[page[0] for page in FRONT_PAGES])
def test_pages_have_no_inline_script_and_no_outside_asset(fresh, name, args, role):
    url = reverse(name, kwargs=args(fresh) if args else None)
    html = client_for(fresh, role).get(url).content.decode()
    # JSON data blocks are data, not code; CSP does not run them.
    code = [tag for tag in INLINE_SCRIPT.findall(html) if "application/json" not in tag]
    assert not code, f"{url} has inline scripts, which the CSP blocks: {code[:3]}"
    assert not INLINE_HANDLER.findall(html), f"{url} has inline event handlers: {INLINE_HANDLER.findall(html)[:3]}"
    assert not OUTSIDE_ASSET.findall(html), f"{url} loads assets from elsewhere: {OUTSIDE_ASSET.findall(html)[:3]}"


def test_session_and_csrf_cookies_are_secure_and_session_is_http_only(fresh, production_settings):
    client = client_for(fresh, "anonymous")
    client.get(reverse("people:login"), secure=True)
    response = client.post(
        reverse("people:login"),
        {"username": fresh.world.teacher.username, "password": "correct-horse-battery"},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


def test_the_wagtail_admin_is_the_only_place_without_csp(fresh, production_settings):
    """The admin is excluded (its inline scripts); the exclusion must not reach the front end's own paths."""
    assert "Content-Security-Policy" not in client_for(fresh, "editor").get("/admin/", secure=True)
    prefixes = production_settings["CONTENT_SECURITY_POLICY"]["EXCLUDE_URL_PREFIXES"]
    assert prefixes == ["/admin/"]
