from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import LoginView, PasswordChangeView
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.navigation import landing_for
from core.ratelimit import ratelimit

from .. import security
from ..forms import SignInForm

# Per network and generous: a computer room of fifty signs in from one address within a minute. Guessing one
# name's password is slowed by django-axes (per name and network) and the per-name limit in people.security;
# this stops one network trying many names.
SIGN_IN_LIMIT = 60


@method_decorator(ratelimit("signin", limit=SIGN_IN_LIMIT, window=60, key="ip"), name="post")
class SignInView(LoginView):
    template_name = "people/signin.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        # No `next`: a student signing in while her exam is open lands on it (core.navigation, "landing").
        return landing_for(self.request) or resolve_url(settings.LOGIN_REDIRECT_URL)

    def form_valid(self, form):
        response = super().form_valid(form)
        security.remember_network(form.get_user(), self.request)
        step = security.start_sign_in(self.request)
        if step is None:
            return response
        return redirect(f"{reverse(step)}?{urlencode({'next': self.get_success_url()})}")

    def form_invalid(self, form):
        wait = getattr(self.request, security.THROTTLED_ATTR, 0)
        if wait:
            response = render(self.request, "people/sign_in_paused.html", status=429)
            response["Retry-After"] = str(wait)
            return response
        security.count_failed_sign_in(self.request)
        return super().form_invalid(form)


@require_POST
def sign_out(request):
    logout(request)
    return redirect("core:home")


class PasswordChange(PasswordChangeView):
    template_name = "people/password_change.html"
    success_url = reverse_lazy("core:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        messages.success(self.request, _("Your password has been changed."))
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["offer_two_factor"] = security.is_staff(self.request) and not security.confirmed_device(
            self.request.user
        )
        return context
