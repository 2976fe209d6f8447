from django.shortcuts import redirect
from django.urls import reverse


class PasswordChangeRequiredMiddleware:
    """Send a user whose password was issued by someone else to change it before doing anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = {reverse("people:password_change"), reverse("people:logout")}
            if request.path not in allowed and not request.path.startswith(("/static/", "/i18n/", "/healthz")):
                return redirect("people:password_change")
        return self.get_response(request)
