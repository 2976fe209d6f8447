"""The site's address as its users reach it, printed on sign-in slips and encoded in their QR codes.

It is one setting, WAGTAILADMIN_BASE_URL (Wagtail's own setting for the site's address in its notifications),
so slips, CMS e-mails and the address `seed_demo` prints agree. It is never the Host of the request that prints
the slips: a teacher may print from an internal address (a LAN name, 127.0.0.1 behind the proxy) that her
students' phones cannot reach.
"""

from django.conf import settings


def site_address() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def site_url(path: str) -> str:
    """The full address of a path on this site, such as reverse("people:login")."""
    return site_address() + "/" + path.lstrip("/")
