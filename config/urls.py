"""Root URLs: the composition root wires each app's urls in; apps never import each other's views."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from config import api
from core import views as core_views
from lessons import page_cache

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # The open API (config/api.py): not under i18n_patterns, its messages follow Accept-Language.
    path("api/v1/", api.urls()),
]

# Wagtail's URLs, its serve view reached through the lesson page's response cache (lessons/page_cache.py) on
# Wagtail's own pattern and name; its password and login helpers as they are.
wagtail_pages = [
    *(pattern for pattern in wagtail_urls.urlpatterns if pattern.name != "wagtail_serve"),
    re_path(wagtail_urls.serve_pattern, page_cache.serve, name="wagtail_serve"),
]

# Every page people read is under i18n_patterns: Chinese at the bare path, English under /en/.
urlpatterns += i18n_patterns(
    path("", include("core.urls")),
    path("", include("people.urls")),
    path("curriculum/", include("lessons.urls")),
    path("quizzes/", include("quizzes.urls")),
    path("classroom/", include("classroom.urls")),
    # A parent's 告家长书 link (no account): printed as a QR code, so kept short.
    path("p/", include("classroom.parent_urls")),
    path("audit/", include("plans.urls")),
    # Wagtail serves the curriculum pages; it catches everything else under /lessons/.
    path("lessons/", include(wagtail_pages)),
    prefix_default_language=False,
)

# Only curriculum images are public media; evidence and imports live outside these folders and are served
# by views that check scope.
urlpatterns.insert(
    0, path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", core_views.public_media, name="public_media")
)
