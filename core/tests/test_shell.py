import pytest
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

from core.sanitize import clean_html, clean_plain


@pytest.mark.django_db
def test_home_page_is_chinese_by_default_with_shell_landmarks(client: Client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="zh-Hans"' in html
    assert 'href="#main"' in html and 'id="main"' in html
    assert "<nav" in html and "<footer" in html
    assert "//cdn" not in html and "https://" not in html  # every asset is served by the platform


@pytest.mark.django_db
def test_english_home_page_under_en_prefix(client: Client):
    response = client.get("/en/")
    assert response.status_code == 200
    assert 'lang="en"' in response.content.decode()
    assert "Skip to main content" in response.content.decode()


@pytest.mark.django_db
def test_language_switch_sets_language_and_returns_to_page(client: Client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/"
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/en/"})
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_healthz_ok(client: Client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_503_when_database_unreachable(client: Client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise DatabaseError("server closed the connection")

    # The database itself is real; only this request's cursor is made to fail, as a dropped server would.
    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.mark.django_db
def test_404_page_uses_the_site_design(client: Client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert 'class="site-header"' in response.content.decode()


@pytest.mark.parametrize("status", [400, 403, 404, 500])
@pytest.mark.django_db
def test_error_pages_render(rf, status):
    from django.contrib.auth.models import AnonymousUser

    from core import views

    request = rf.get("/")
    request.user = AnonymousUser()
    handler = {400: views.bad_request, 403: views.permission_denied, 404: views.page_not_found}.get(status)
    response = handler(request) if handler else views.server_error(request)
    assert response.status_code == status
    assert b"skip-link" in response.content


@pytest.mark.django_db
def test_public_media_refuses_private_and_html(client: Client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "evil.html").write_text("<script>alert(1)</script>")
    (tmp_path / "images" / "ok.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert client.get("/media/images/evil.html").status_code == 404
    assert client.get("/media/evidence/photo.png").status_code == 404
    assert client.get("/media/images/../evidence/photo.png").status_code == 404
    ok = client.get("/media/images/ok.png")
    assert ok.status_code == 200 and ok["Content-Type"] == "image/png" and ok["X-Content-Type-Options"] == "nosniff"


class TestSanitiser:
    def test_removes_scripts_handlers_styles_and_javascript_urls(self):
        dirty = (
            '<p style="color:red" onclick="steal()">Hi<script>alert(1)</script>'
            '<a href="javascript:alert(1)">x</a><img src=x onerror=alert(1)></p>'
        )
        clean = clean_html(dirty)
        for bad in ("<script", "onclick", "style=", "javascript:", "onerror", "<img"):
            assert bad not in clean
        assert clean.startswith("<p>Hi")

    def test_keeps_safe_formatting_and_links(self):
        clean = clean_html('<p><strong>重要</strong> <a href="https://example.org">链接</a></p>')
        assert "<strong>重要</strong>" in clean
        assert 'href="https://example.org"' in clean
        assert 'rel="noopener noreferrer nofollow"' in clean

    def test_plain_text_is_kept_as_typed_and_escaped_at_output(self):
        assert clean_plain(" A > B & C ") == "A > B & C"
        assert clean_plain(None) == ""
