"""The audit-log writer. Call `record()` for sign-ins, role changes, password resets, imports, ledger decisions
and exports of personal data. Rows are never updated or deleted by the application.

An event made in a request also keeps the request's device id and network hash (core.clientid) in its details:
the integrity rules compare them with where a student's records came from (a staff member who resets a
student's password and then works as her shows up from the same device or network).
"""

from .clientid import device_of, network_of
from .models import AuditEvent


def client_ip(request) -> str | None:
    if request is None:
        return None
    # REMOTE_ADDR is what the proxy in front of us saw; trust X-Forwarded-For only from that proxy.
    return request.META.get("REMOTE_ADDR") or None


def record(action: str, *, request=None, actor=None, target="", district_id=None, **details) -> AuditEvent:
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    if request is not None:
        details.setdefault("device", device_of(request))
        details.setdefault("network", network_of(request))
    return AuditEvent.objects.create(
        actor=actor,
        actor_name=(actor.get_username() if actor is not None else "")[:150],
        action=action,
        target=str(target)[:200],
        ip_address=client_ip(request),
        district_id=district_id,
        details=details,
    )
