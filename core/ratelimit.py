"""A small fixed-window rate limiter on the cache, answering 429 with Retry-After and a translated message.

Used on sign-in, quiz answer saving and submission, and imports. In production the cache is Redis, so the
limit holds across app servers; on one machine the local-memory cache is enough.
"""

import functools
import time

from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _


def _key(scope: str, ident: str, window: int) -> tuple[str, int]:
    bucket = int(time.time() // window)
    return f"rl:{scope}:{ident}:{bucket}", window - int(time.time() % window)


def hit(scope: str, ident: str, limit: int, window: int) -> tuple[bool, int]:
    """Count one request; return (allowed, seconds until the window resets)."""
    key, remaining = _key(scope, ident, window)
    if cache.add(key, 1, timeout=window + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window + 1)
            count = 1
    return count <= limit, max(remaining, 1)


def too_many(request, retry_after: int) -> HttpResponse:
    message = _("Too many requests. Please wait %(seconds)s seconds and try again.") % {"seconds": retry_after}
    wants_json = "application/json" in request.headers.get("Accept", "") or request.content_type == "application/json"
    if wants_json:
        response = JsonResponse({"error": "rate_limited", "message": message, "retry_after": retry_after}, status=429)
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    return response


def ratelimit(scope: str, limit: int, window: int = 60, key: str = "user_or_ip", methods=("POST",)):
    """Decorate a view: at most `limit` requests per `window` seconds per user (or per address when anonymous)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                user = getattr(request, "user", None)
                if key == "ip" or user is None or not user.is_authenticated:
                    ident = f"ip:{request.META.get('REMOTE_ADDR', '')}"
                else:
                    ident = f"u:{user.pk}"
                allowed, retry_after = hit(scope, ident, limit, window)
                if not allowed:
                    return too_many(request, retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
