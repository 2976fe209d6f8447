import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.urls import translate_url
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from django.views.i18n import set_language as django_set_language

from .navigation import panels_for


@require_POST
def set_language(request):
    """Django's set_language, but able to translate an English URL back to Chinese.

    Django resolves `next` in the current language, and with an unprefixed default language "/en/…" does
    not resolve while Chinese is active, so the reader would stay on the English page.
    """
    next_url = request.POST.get("next") or "/"
    wanted = request.POST.get("language", "")
    from_language = translation.get_language_from_path(urlsplit(next_url).path)
    if from_language and wanted:
        with translation.override(from_language):
            translated = translate_url(next_url, wanted)
        request.POST = request.POST.copy()
        request.POST["next"] = translated
    return django_set_language(request)


# Folders under MEDIA_ROOT that hold public curriculum media (Wagtail images). Anything else is private.
PUBLIC_MEDIA_PREFIXES = ("images/", "original_images/")
PUBLIC_MEDIA_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif", "image/avif"}


def home(request):
    return render(request, "core/home.html", {"panels": panels_for(request)})


@never_cache
@require_safe
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_safe
def public_media(request, path: str):
    root = Path(settings.MEDIA_ROOT).resolve()
    target = (root / path).resolve()
    # Judge the resolved path, so "images/../evidence/x" cannot reach a private folder.
    if root not in target.parents or not target.is_file():
        raise Http404
    if not target.relative_to(root).as_posix().startswith(PUBLIC_MEDIA_PREFIXES):
        raise Http404
    content_type, _ = mimetypes.guess_type(target.name)
    # Never let an uploaded file be rendered as HTML or script, whatever its name says.
    if content_type not in PUBLIC_MEDIA_TYPES:
        raise Http404
    response = FileResponse(target.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=86400"
    return response


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without the request context: the error may come from a context processor or the database.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render({}))
