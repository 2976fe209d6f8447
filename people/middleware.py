import time

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import security

# Pages that stay open while a sign-in step is pending, so the person can finish it or leave.
_SIGN_IN_STEPS = {"people:otp_verify", "people:otp_setup", "people:logout", "people:login", "set_language"}
_OPEN_PREFIXES = ("/static/", "/i18n/", "/healthz", "/media/")
# The last-activity time is written at most this often, so every request does not save the session.
_TOUCH_SECONDS = 60


def _view_name(request) -> str:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return ""


class IdleTimeoutMiddleware:
    """Sign out a session left idle: staff roles after QINGDUN_STAFF_IDLE_SECONDS, others after QINGDUN_IDLE_SECONDS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(_OPEN_PREFIXES):
            now = int(time.time())
            last = request.session.get(security.LAST_ACTIVITY_KEY)
            if last is not None and now - last > security.idle_limit(request):
                minutes = max(1, security.idle_limit(request) // 60)
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after %(minutes)s minutes without activity. Please sign in again.")
                    % {"minutes": minutes},
                )
                return redirect_to_login(request.get_full_path())
            if last is None or now - last >= _TOUCH_SECONDS:
                request.session[security.LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


class TwoFactorMiddleware:
    """Hold a staff user at the code (or device set-up) page until she passes the second factor.

    Applies to every page, the Wagtail admin included, when the site requires two-factor sign-in or once the
    user has set up a device (a device that could be skipped would protect nothing).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and not request.path.startswith(_OPEN_PREFIXES)
            and security.needs_second_factor(request)
            and _view_name(request) not in _SIGN_IN_STEPS
        ):
            step = "people:otp_verify" if security.confirmed_device(user) else "people:otp_setup"
            return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """Send a user whose password was issued by someone else to change it before doing anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            # The second sign-in step comes first: its pages stay open to a user who must still change her password.
            allowed = {reverse(name) for name in ("people:password_change", "people:logout", "people:otp_verify")}
            allowed.add(reverse("people:otp_setup"))
            if request.path not in allowed and not request.path.startswith(("/static/", "/i18n/", "/healthz")):
                return redirect("people:password_change")
        return self.get_response(request)
