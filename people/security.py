"""Account security shared by the sign-in views and the middlewares: who is staff, two-factor state, idle limits,
and the sign-in limits that keep guessing slow without letting a stranger lock anyone out.

Staff roles (roles_of(user).is_staff_role: bureau, school admins, editors, reviewers) hold other people's data
or publish content, so they get a second sign-in factor (TOTP) and a shorter idle timeout.

Wrong passwords are met twice (docs/security.md, "Rate limits and lockout"):
- django-axes locks a name on one network after five (config/settings/base.py), so guessing from one place is
  slow and a stranger's guesses lock the name only where the stranger is;
- a name that had NAME_FAILURE_LIMIT wrong passwords in the last hour, from anywhere, is refused before its
  password is checked, except on a network she (or a member of her school) signed in from before: guesses
  spread over many networks stay slow, and she still signs in at school and at home.
"""

import base64
import datetime
import ipaddress
import time

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import ratelimit
from core.clientid import network_of

from .models import KnownNetwork, Role, Student, User
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
    svg = svg.replace("<svg ", format_html('<svg role="img" aria-label="{}" class="otp-qr" ', label), 1)
    return mark_safe(svg)  # noqa: S308  # nosec B308, B703  # qrcode's own markup; the label escaped above


# --- sign-in limits -------------------------------------------------------------------------------------------

NAME_SCOPE = "signin-name"
NAME_FAILURE_LIMIT = 30
NAME_FAILURE_WINDOW = 60 * 60
KNOWN_NETWORKS_KEPT = 5
KNOWN_NETWORK_DAYS = 180
# Set on the request by SignInThrottleBackend for the sign-in view: why the attempt was refused, or which name
# is about to have its password checked (so the view counts a failure only for a real guess).
THROTTLED_ATTR = "qingdun_sign_in_throttled"
CHECKED_NAME_ATTR = "qingdun_sign_in_name"
# 2001:db8::/32 is reserved for documentation: nobody reading axes' tables mistakes these for real addresses.
_PSEUDO_PREFIX = 0x20010DB8 << 96


def axes_network_address(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the request's network hash as an IPv6 address, because axes keeps a
    GenericIPAddressField (an inet column on PostgreSQL) and checks lockouts against it."""
    network = network_of(request)
    if not network:
        return None
    return str(ipaddress.IPv6Address(_PSEUDO_PREFIX | int(network[:24], 16)))


def _timestamp(now: datetime.datetime | None) -> float | None:
    return None if now is None else now.timestamp()


def remember_network(user, request, *, now: datetime.datetime | None = None) -> None:
    """After a right password: this network is hers; keep only her few most recent ones."""
    network = network_of(request)
    if not network:
        return
    now = now or timezone.now()
    # A network she signs in from again (the usual case: her school's) costs one statement; a room signing in
    # at once spends no transaction on it.
    if KnownNetwork.objects.filter(user=user, network=network).update(last_seen=now):
        return
    # New here; two sign-ins of hers racing on it meet in the upsert, not in an IntegrityError.
    KnownNetwork.objects.bulk_create(
        [KnownNetwork(user=user, network=network, last_seen=now)],
        update_conflicts=True,
        unique_fields=("user", "network"),
        update_fields=("last_seen",),
    )
    keep = KnownNetwork.objects.filter(user=user).order_by("-last_seen").values("pk")[:KNOWN_NETWORKS_KEPT]
    stale = now - datetime.timedelta(days=KNOWN_NETWORK_DAYS)
    # One DELETE with the few to keep as its subquery.
    KnownNetwork.objects.filter(user=user).filter(~Q(pk__in=keep) | Q(last_seen__lt=stale)).delete()


def network_is_hers(username: str, network: str, *, now: datetime.datetime | None = None) -> bool:
    """Whether the user of this name, or anyone of her school, signed in from this network recently."""
    if not network:
        return False
    user_id = User.objects.filter(username=username).values_list("pk", flat=True).first()
    if user_id is None:
        return False
    schools = set(Student.objects.filter(user_id=user_id).values_list("school_id", flat=True))
    schools |= set(Role.objects.filter(user_id=user_id, school__isnull=False).values_list("school_id", flat=True))
    members = Q(user_id=user_id)
    if schools:
        members |= Q(user__student__school_id__in=schools) | Q(user__roles__school_id__in=schools)
    since = (now or timezone.now()) - datetime.timedelta(days=KNOWN_NETWORK_DAYS)
    return KnownNetwork.objects.filter(members, network=network, last_seen__gte=since).exists()


def sign_in_throttle(request, username: str, *, now: datetime.datetime | None = None) -> int:
    """Seconds this name must wait before a password is checked from this network, or 0."""
    wait = ratelimit.blocked_for(NAME_SCOPE, username, NAME_FAILURE_LIMIT, NAME_FAILURE_WINDOW, now=_timestamp(now))
    if not wait or network_is_hers(username, network_of(request), now=now):
        return 0
    return wait


def count_failed_sign_in(request, *, now: datetime.datetime | None = None) -> None:
    """Count a wrong password against its name on every network (only when a password was really checked)."""
    username = getattr(request, CHECKED_NAME_ATTR, None)
    if username:
        ratelimit.hit(NAME_SCOPE, username, NAME_FAILURE_LIMIT, NAME_FAILURE_WINDOW, now=_timestamp(now))


class SignInThrottleBackend:
    """An authentication backend that authenticates nobody: it refuses a throttled name before ModelBackend
    checks the password, the way axes' own backend refuses a locked one, so every sign-in path gets the rule.
    It has no get_user(), so Django never records it as the backend of a session (force_login skips it too)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or not username:
            return None
        wait = sign_in_throttle(request, username)
        if wait:
            setattr(request, THROTTLED_ATTR, wait)
            raise PermissionDenied
        setattr(request, CHECKED_NAME_ATTR, username)
        return None
