"""/api/v1/: the composition root of the open API (django-ninja, which Wagtail already brings).

Each app keeps its endpoints in its own `api.py` router; this module mounts them, sets who may call (an
organisation's API key, or the site's own session), and turns every error into the one shape of core/api.py.
The schema is at /api/v1/openapi.json and its documentation page at /api/v1/docs, served from the platform's own
static files (ninja's bundled Swagger UI: no CDN). docs/api.md is the integrator's guide.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import URLPattern
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from classroom import api as classroom_api
from core import api as errors
from lessons import api as lessons_api
from people import api as people_api
from plans import api as plans_api


class Utf8Renderer(JSONRenderer):
    """Chinese as characters, as core/api.py's errors are: smaller answers, readable logs, and a search of an
    answer for a name (the authorization suite's leak check) finds it."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=Utf8Renderer(),
    title="Qingdun API",
    version="1",
    description=str(_("Read and feed Qingdun from other systems: see docs/api.md.")),
    urls_namespace="api",
    auth=[people_api.ApiKeyAuth(), people_api.SignedInAuth()],
    openapi_url="/openapi.json",
    docs_url="/docs",
)
api.add_router("/", people_api.router)
api.add_router("/", lessons_api.router)
api.add_router("/", classroom_api.router)
api.add_router("/", plans_api.router)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return errors.unauthenticated()


@api.exception_handler(people_api.RateLimited)
def _rate_limited(request, exc):
    return errors.rate_limited(exc.retry_after)


@api.exception_handler(people_api.ReadOnlyKey)
def _read_only(request, exc):
    return errors.forbidden(_("This API key may only read."))


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    return errors.invalid(exc.errors)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return errors.not_found()


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return errors.forbidden()


@api.exception_handler(HttpError)
def _http_error(request, exc):
    if exc.status_code == 404:
        return errors.not_found()
    if exc.status_code == 403:
        return errors.forbidden()
    if exc.status_code in (400, 422):
        # A body that is not JSON at all is as wrong as one with a wrong field: the same 422, the same shape.
        return errors.invalid([{"loc": ["body"], "msg": str(exc)}])
    return errors.error(exc.status_code, "error", str(exc))


def urls():
    """The API's URL patterns, each view answering in the caller's language, refusing a repeated query
    parameter, and wrapped for conditional GETs (ETag / If-None-Match → 304)."""
    patterns, app_name, namespace = api.urls

    def wrap(view):
        return errors.conditional_get(errors.in_request_language(errors.single_valued_query(view)))

    wrapped = [
        URLPattern(p.pattern, wrap(p.callback), p.default_args, p.name) if isinstance(p, URLPattern) else p
        for p in patterns
    ]
    return wrapped, app_name, namespace
