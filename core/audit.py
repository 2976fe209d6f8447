"""The audit-log writer. Call `record()` for sign-ins, role changes, password resets, imports, ledger decisions
and exports of personal data. Rows are never updated or deleted by the application."""

from .models import AuditEvent


def client_ip(request) -> str | None:
    if request is None:
        return None
    # REMOTE_ADDR is what the proxy in front of us saw; trust X-Forwarded-For only from that proxy.
    return request.META.get("REMOTE_ADDR") or None


def record(action: str, *, request=None, actor=None, target="", district_id=None, **details) -> AuditEvent:
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    return AuditEvent.objects.create(
        actor=actor,
        actor_name=(actor.get_username() if actor is not None else "")[:150],
        action=action,
        target=str(target)[:200],
        ip_address=client_ip(request),
        district_id=district_id,
        details=details,
    )
