"""What every API of the site shares, whatever it serves: one JSON error shape and conditional GETs.

An error is always `{"error": {"code": "...", "message": "...", "details": [...]}}`, with the message in the
request's language (Accept-Language, as for the site's pages), so an integrator's logs and a phone app read the
same thing in Chinese or English. Successful GETs carry an ETag; a client that sends it back in If-None-Match
gets 304 and no body.
"""

import functools

from django.http import JsonResponse
from django.middleware.http import ConditionalGetMiddleware
from django.utils import translation
from django.utils.decorators import decorator_from_middleware
from django.utils.translation import gettext as _
from ninja import Schema

conditional_get = decorator_from_middleware(ConditionalGetMiddleware)


def in_request_language(view):
    """Answer in the caller's language (its language cookie or Accept-Language, else the site's): an API path
    carries no /en/ prefix, and the site's pages read an unprefixed path as Chinese."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        language = translation.get_language_from_request(request, check_path=False)
        with translation.override(language):
            response = view(request, *args, **kwargs)
        response.headers.setdefault("Content-Language", language)
        return response

    return wrapped


def single_valued_query(view):
    """Refuse a query parameter given twice (`?page_size=5&page_size=900`): no operation takes a list in its
    query, and reading only the last value would let a proxy's check see one value and the API act on another."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        repeated = sorted(name for name, values in request.GET.lists() if len(values) > 1)
        if repeated:
            return invalid(
                [{"loc": ["query", name], "msg": _("This parameter may be given only once.")} for name in repeated]
            )
        return view(request, *args, **kwargs)

    return wrapped


class ErrorBody(Schema):
    code: str
    message: str
    details: list | None = None


class ErrorOut(Schema):
    """The one error shape, as the OpenAPI schema states it for every operation."""

    error: ErrorBody


# The largest id a path or body may name: the databases' 64-bit integer. A larger number is a 422 from the
# schema rather than an overflow in the database driver (a 500).
MAX_ID = 2**63 - 1

# What any operation may answer besides its success: the schema lists them, so a client is told of them.
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}


def error(status: int, code: str, message: str, *, details=None, retry_after: int | None = None) -> JsonResponse:
    body = {"error": {"code": code, "message": str(message)}}
    if details:
        body["error"]["details"] = details
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def not_found() -> JsonResponse:
    return error(404, "not_found", _("Nothing here, or nothing you may see."))


def forbidden(message=None) -> JsonResponse:
    return error(403, "forbidden", message or _("This key or account may not do that."))


def unauthenticated() -> JsonResponse:
    return error(401, "unauthenticated", _("Send a valid API key (Authorization: Bearer …) or sign in."))


def invalid(details) -> JsonResponse:
    return error(422, "invalid", _("Some values are missing or wrong; see the details."), details=details)


def rate_limited(retry_after: int) -> JsonResponse:
    message = _("Too many requests. Please wait %(seconds)s seconds and try again.") % {"seconds": retry_after}
    return error(429, "rate_limited", message, retry_after=retry_after)
