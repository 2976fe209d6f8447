"""Which device and which network a request came from, without keeping either in a form that identifies a person.

- The device is a random id the server issues in a signed cookie. A browser that drops its cookies gets a new id
  on its next request, so the id alone cannot prove two sittings came from different devices; the network hash
  is there for that case.
- The network is a keyed hash of the address (IPv4 in full, IPv6 by its /64, which is what one household or one
  school router holds). The address itself is never stored with a student's record (PIPL): the hash lets the
  server tell "same network" from "other network", and nothing else.

Both are set on `request.device_id` and `request.network` by `ClientIdMiddleware`, which needs no database and
no session, so it may sit anywhere before the views.
"""

import ipaddress
import secrets

from django.conf import settings
from django.utils.crypto import salted_hmac

DEVICE_COOKIE = "qd_device"
_DEVICE_SALT = "qingdun.clientid.device"
_NETWORK_SALT = "qingdun.clientid.network"
DEVICE_MAX_AGE = 400 * 24 * 60 * 60  # browsers cap cookie lifetimes at 400 days


def new_device_id() -> str:
    return secrets.token_urlsafe(18)


def device_from_cookie(request) -> str | None:
    """The device id the browser sent back, if it is one the server signed; anything else is ignored."""
    value = request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=_DEVICE_SALT)
    if not value or len(value) > 64:
        return None
    return value


def network_key(address: str | None) -> str:
    """The keyed hash of the network an address belongs to; empty when the address is missing or malformed."""
    if not address:
        return ""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return ""
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.version == 6:
        normalised = str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address) + "/64"
    else:
        normalised = str(ip)
    return salted_hmac(_NETWORK_SALT, normalised, algorithm="sha256").hexdigest()[:32]


def network_of(request) -> str:
    # REMOTE_ADDR is what the proxy in front of us saw (core.audit.client_ip follows the same rule).
    return network_key(request.META.get("REMOTE_ADDR"))


def device_of(request) -> str:
    """The request's device id: the middleware's, or (outside the middleware, e.g. in tests) the cookie's."""
    device = getattr(request, "device_id", None)
    if device:
        return device
    return device_from_cookie(request) or ""


class ClientIdMiddleware:
    """Give every request a device id and a network hash; issue the device cookie when the browser has none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        device = device_from_cookie(request)
        issued = device is None
        if issued:
            device = new_device_id()
        request.device_id = device
        request.network = network_of(request)
        response = self.get_response(request)
        if issued:
            response.set_signed_cookie(
                DEVICE_COOKIE,
                device,
                salt=_DEVICE_SALT,
                max_age=DEVICE_MAX_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
