"""Account security shared by the sign-in views and the middlewares: who is staff, two-factor state, idle limits.

Staff roles (roles_of(user).is_staff_role: bureau, school admins, editors, reviewers) hold other people's data
or publish content, so they get a second sign-in factor (TOTP) and a shorter idle timeout.
"""

import base64
import time

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.utils.safestring import mark_safe
from django_otp.plugins.otp_totp.models import TOTPDevice

from .scope import roles_of

STAFF_KEY = "qingdun_staff"  # [is staff, checked at] in the session
OTP_PENDING_KEY = "qingdun_otp_pending"  # set at sign-in when a staff user must still give a code
LAST_ACTIVITY_KEY = "qingdun_last_activity"
# Roles are re-read this often in a long session, so a role granted or removed takes effect without a sign-out
# while ordinary requests (students saving quiz answers) do not pay for the role query.
STAFF_RECHECK_SECONDS = 300


def is_staff(request) -> bool:
    cached = request.session.get(STAFF_KEY)
    now = int(time.time())
    if cached and now - cached[1] < STAFF_RECHECK_SECONDS:
        return cached[0]
    staff = roles_of(request.user).is_staff_role
    request.session[STAFF_KEY] = [staff, now]
    return staff


def two_factor_required() -> bool:
    return bool(getattr(settings, "QINGDUN_2FA_REQUIRED", False))


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def needs_second_factor(request) -> bool:
    """A signed-in staff user who has not given a code yet, and must: her device exists or the site requires it."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    if request.session.get(OTP_PENDING_KEY):
        return True
    return two_factor_required() and is_staff(request)


def start_sign_in(request) -> str | None:
    """After the password step: the name of the page a staff user goes to next, or None when she is done."""
    request.session.pop(STAFF_KEY, None)
    if not is_staff(request):
        return None
    if confirmed_device(request.user) is not None:
        request.session[OTP_PENDING_KEY] = True
        return "people:otp_verify"
    if two_factor_required():
        return "people:otp_setup"
    return None


def idle_limit(request) -> int:
    return settings.QINGDUN_STAFF_IDLE_SECONDS if is_staff(request) else settings.QINGDUN_IDLE_SECONDS


def secret_of(device: TOTPDevice) -> str:
    """The key as people type it into an authenticator app: base32 in groups of four."""
    text = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(text: str, label: str) -> str:
    """An inline SVG QR code, drawn here: the secret never goes to an outside service."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    svg = image.to_string(encoding="unicode")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" class="otp-qr" ', 1)
    return mark_safe(svg)  # noqa: S308 (qrcode's own markup; the label is a translated constant)
