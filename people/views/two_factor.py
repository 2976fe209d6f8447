"""The second sign-in step for staff roles: enter a 6-digit code, or set up an authenticator app first."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import audit
from core.ratelimit import ratelimit

from .. import security
from ..districts import district_of_user

# Six digits are guessed in a million tries; ten a quarter-hour per person (plus django-otp's growing delay
# after each failure) keeps that out of reach.
CODE_LIMIT = 10
CODE_WINDOW = 900


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=gettext_lazy("6-digit code"),
        regex=r"^\d{6}$",
        error_messages={"invalid": gettext_lazy("Enter the 6 digits your authenticator app shows.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True, "maxlength": 6}
        ),
    )

    def clean_code(self):
        import unicodedata

        return unicodedata.normalize("NFKC", self.cleaned_data["code"]).replace(" ", "")


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return ""


def _passed(request, device) -> None:
    otp_login(request, device)
    request.session.pop(security.OTP_PENDING_KEY, None)


def _failed(request, action: str) -> None:
    audit.record(
        action, request=request, target=request.user.get_username(), district_id=district_of_user(request.user)
    )


@login_required
@never_cache
@ratelimit("otp_code", limit=CODE_LIMIT, window=CODE_WINDOW)
@require_http_methods(["GET", "POST"])
def verify(request):
    device = security.confirmed_device(request.user)
    if device is None:
        return redirect("people:otp_setup")
    if request.user.is_verified():
        return redirect(_next(request) or "core:home")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _details = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["code"]):
            _passed(request, device)
            return redirect(_next(request) or "core:home")
        _failed(request, "signin_2fa_failed")
        form.add_error("code", _("The code is not right, or it has expired. Enter the code shown now."))
    return render(request, "people/otp_verify.html", {"form": form, "next": _next(request)})


@login_required
@never_cache
@ratelimit("otp_code", limit=CODE_LIMIT, window=CODE_WINDOW)
@require_http_methods(["GET", "POST"])
def setup(request):
    """Show a new key as a QR code and as text; the device counts only once a code from it is entered."""
    if not security.is_staff(request):
        raise PermissionDenied
    existing = security.confirmed_device(request.user)
    if existing is not None and not request.user.is_verified():
        # Replacing a device needs the old one first, or a stolen password would be enough to take the account.
        return redirect("people:otp_verify")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="Qingdun", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            _passed(request, device)
            audit.record(
                "people.two_factor_enabled",
                request=request,
                target=request.user.get_username(),
                district_id=district_of_user(request.user),
            )
            messages.success(request, _("Two-step sign-in is on. From now on you enter a code after your password."))
            return redirect(_next(request) or "core:home")
        _failed(request, "signin_2fa_failed")
        form.add_error("code", _("The code is not right, or it has expired. Enter the code shown now."))
    return render(
        request,
        "people/otp_setup.html",
        {
            "form": form,
            "next": _next(request),
            "secret": security.secret_of(device),
            "qr": security.qr_svg(device.config_url, _("QR code for your authenticator app")),
            "replacing": existing is not None,
        },
    )
