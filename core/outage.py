"""A database that cannot be reached is answered 503 with Retry-After, in JSON to JSON clients, never HTML.

Without this a PostgreSQL outage (or a pool with no free connection) reaches every client as Django's HTML 500
page: the quiz page's fetch calls cannot read it and nothing tells them when to try again. The shape is the one
the edge proxy answers with when no app server is up (deploy/haproxy/edge.cfg): `{"error": "unavailable",
"message": …, "retry_after": N}` and the same Retry-After header, so a client handles both alike.

Django turns an exception into a response at the boundary of every middleware (convert_exception_to_response), so
an error raised while the session or the user is loaded never reaches an outer middleware as an exception. Two
hooks cover every place: `process_exception` for views, and Django's `got_request_exception` signal, which fires
wherever a request's exception is turned into a 500, marks the request; the middleware, placed near the top of
MIDDLEWARE, then replaces that 500 with the 503. Nothing here reads the database, the session or the user.
"""

import logging
import secrets
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Connection refused or lost, a server shutting down, too many clients, a statement or lock timeout: all pass,
# and the same request may succeed a few seconds later. Other database errors are bugs and stay 500.
UNAVAILABLE = (OperationalError, InterfaceError)
MARK = "_qingdun_database_unavailable"


def is_unavailable(error: BaseException | None) -> bool:
    return isinstance(error, UNAVAILABLE)


def wants_json(request) -> bool:
    """The edge proxy's rule: a client that accepts JSON or posts JSON gets JSON."""
    return "application/json" in request.headers.get("Accept", "") or "application/json" in request.headers.get(
        "Content-Type", ""
    )


def retry_after() -> int:
    # Jittered, so that the clients refused together do not all come back in the same second.
    low, high = settings.QINGDUN_OUTAGE_RETRY_AFTER
    return low + secrets.randbelow(high - low + 1)


def unavailable_response(request) -> HttpResponse:
    seconds = retry_after()
    # The language from the path, cookie or Accept-Language alone: the error may come before LocaleMiddleware,
    # and the session, which could name another, is what failed.
    with translation.override(translation.get_language_from_request(request, check_path=True)):
        if wants_json(request):
            message = _(
                "Your work is saved up to the last step that showed as saved. Please wait a moment and try again."
            )
            response = JsonResponse({"error": "unavailable", "message": message, "retry_after": seconds}, status=503)
        else:
            # No request in the context: the context processors read the user, and so the database.
            body = loader.get_template("503.html").render({"retry_after": seconds})
            response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


@receiver(got_request_exception)
def _mark_unavailable(sender, request=None, **kwargs):
    error = sys.exc_info()[1]
    if request is not None and is_unavailable(error):
        setattr(request, MARK, error)


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        error = getattr(request, MARK, None)
        if error is None:
            return response
        # Django has logged the traceback with the 500 it made ("Internal Server Error: …"); say what became of it.
        logger.warning("Database unavailable (%s): answered 503 for %s %s", error, request.method, request.path)
        return unavailable_response(request)

    def process_exception(self, request, exception):
        if not is_unavailable(exception):
            return None
        logger.error("Database unavailable: answered 503 for %s %s", request.method, request.path, exc_info=exception)
        return unavailable_response(request)
