from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import LoginView, PasswordChangeView
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from ..forms import SignInForm


class SignInView(LoginView):
    template_name = "people/signin.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


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
