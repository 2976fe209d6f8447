"""Reviewing integrity flags: who may see and decide them, and the decisions themselves.

- Bureau staff review every school of their district, a school admin her own school (people.scope decides
  which schools); a teacher may read the flags of her classes but decides none; students see none.
- Every decision needs a reason and writes one audit event per flag (flag, rule, decision, reason, and the
  decision it replaced), in the same transaction as the change.
- A decided flag may be decided again, with a new reason: a reviewer who cleared a record by mistake must be
  able to say so, and the audit trail keeps every earlier decision. A group decision only decides open flags,
  so one step for a computer room never overturns a decision someone took flag by flag.
- Two decisions of one flag at the same moment cannot mix: each writes status, reviewer, time and reason in one
  conditional UPDATE that holds only if the flag is still as the reviewer saw it; the later one is refused.
"""

import unicodedata

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from people import scope

from ..models.integrity import FlagRule, FlagStatus, IntegrityFlag

REASON_MAX_LENGTH = 2000


class ReviewError(ValueError):
    """A decision that cannot be taken as asked; the message is translated and fit to show."""


# --- who sees and decides what -------------------------------------------------------------------------------


def may_open_queue(user) -> bool:
    roles = scope.roles_of(user)
    return roles.superuser or roles.is_bureau or roles.is_school_admin or roles.is_teacher


def reviewable_flags(user) -> QuerySet[IntegrityFlag]:
    if scope.roles_of(user).superuser:
        return IntegrityFlag.objects.all()
    # A staff member never decides the flags raised about her own password resets (see resetter_id).
    return IntegrityFlag.objects.filter(school__in=scope.review_schools_for(user)).exclude(
        rule=FlagRule.AFTER_PASSWORD_RESET, evidence__reset_by__id=user.pk
    )


def visible_flags(user) -> QuerySet[IntegrityFlag]:
    """The flags a user may read: those she may review, and a teacher's those of her classes' records."""
    roles = scope.roles_of(user)
    if roles.superuser:
        return IntegrityFlag.objects.all()
    q = Q(school__in=scope.review_schools_for(user))
    if roles.is_teacher:
        q |= Q(school_class__in=scope.classes_for(user))
    return IntegrityFlag.objects.filter(q)


def resetter_id(flag: IntegrityFlag) -> int | None:
    """The staff member whose password reset the flag is about: she may not decide it herself."""
    if flag.rule != FlagRule.AFTER_PASSWORD_RESET:
        return None
    reset_by = (flag.evidence or {}).get("reset_by")
    return reset_by.get("id") if isinstance(reset_by, dict) else None


def can_review(user, flag: IntegrityFlag) -> bool:
    return scope.can_review_school(user, flag.school) and resetter_id(flag) != user.pk


# --- decisions ---------------------------------------------------------------------------------------------


def clean_reason(reason: str | None) -> str:
    """The reason as the reviewer wrote it, trimmed; control characters other than line breaks removed.

    Stored as plain text and escaped once, where it is shown.
    """
    text = "".join(ch for ch in (reason or "") if ch in "\n\t" or not unicodedata.category(ch).startswith("C")).strip()
    if not text:
        raise ReviewError(_("Give the reason for your decision."))
    if len(text) > REASON_MAX_LENGTH:
        raise ReviewError(
            _("Keep the reason under %(limit)s characters (it has %(length)s).")
            % {"limit": REASON_MAX_LENGTH, "length": len(text)}
        )
    return text


def _audit(flag: IntegrityFlag, user, decision: str, reason: str, previous: str, request, group: bool):
    audit.record(
        f"integrity.{decision}",
        request=request,
        actor=user,
        target=f"{flag.get_rule_display()} #{flag.pk}"[:200],
        district_id=flag.school.district_id,
        flag=flag.pk,
        rule=flag.rule,
        decision=decision,
        reason=reason,
        previous=previous,
        school=flag.school_id,
        subject=f"{flag.content_type_id}:{flag.object_id}",
        by_group=group,
    )


def _decide(flag: IntegrityFlag, user, status: str, reason: str, request, now) -> IntegrityFlag:
    if not can_review(user, flag):
        raise PermissionDenied
    reason = clean_reason(reason)
    now = now or timezone.now()
    with transaction.atomic():
        # Compare and set: the flag changes only if it is still in the state the caller read it in.
        updated = IntegrityFlag.objects.filter(pk=flag.pk, status=flag.status, reviewed_at=flag.reviewed_at).update(
            status=status, reviewed_by=user, reviewed_at=now, review_reason=reason
        )
        if not updated:
            raise ReviewError(
                _("Someone decided this flag while you were looking at it. Read their decision, then decide again.")
            )
        previous = flag.status
        flag.status, flag.reviewed_by, flag.reviewed_at, flag.review_reason = status, user, now, reason
        _audit(flag, user, status, reason, previous, request, group=False)
    return flag


def confirm(flag: IntegrityFlag, user, reason: str, request=None, *, now=None) -> IntegrityFlag:
    """The record is what the rule suspected: it stays out of the figures where the plan leaves flagged ones out."""
    return _decide(flag, user, FlagStatus.CONFIRMED, reason, request, now)


def clear(flag: IntegrityFlag, user, reason: str, request=None, *, now=None) -> IntegrityFlag:
    """The record is genuine: it counts again."""
    return _decide(flag, user, FlagStatus.CLEARED, reason, request, now)


def group_flags(user, group: str) -> QuerySet[IntegrityFlag]:
    """Every flag of one device or network group that the user may read."""
    if not group:
        return IntegrityFlag.objects.none()
    return visible_flags(user).filter(group=group)


def _decide_group(group: str, user, status: str, reason: str, *, up_to, request, now) -> list[IntegrityFlag]:
    if not group:
        raise ReviewError(_("This flag belongs to no device or network group."))
    reason = clean_reason(reason)
    now = now or timezone.now()
    with transaction.atomic():
        query = reviewable_flags(user).filter(group=group, status=FlagStatus.OPEN)
        if up_to is not None:  # only the flags the reviewer was shown, not ones raised since
            query = query.filter(pk__lte=up_to)
        flags = list(query.select_for_update(of=("self",)).select_related("school").order_by("pk"))
        if not flags:
            raise ReviewError(_("No flag of this group is waiting for review."))
        updated = IntegrityFlag.objects.filter(pk__in=[f.pk for f in flags], status=FlagStatus.OPEN).update(
            status=status, reviewed_by=user, reviewed_at=now, review_reason=reason
        )
        if updated != len(flags):
            # Without row locks (SQLite) another reviewer may have got in between: undo, decide nothing.
            raise ReviewError(
                _("Someone decided flags of this group while you were looking at them. Look again, then decide.")
            )
        for flag in flags:
            flag.status, flag.reviewed_by, flag.reviewed_at, flag.review_reason = status, user, now, reason
            _audit(flag, user, status, reason, FlagStatus.OPEN, request, group=True)
    return flags


def confirm_group(group: str, user, reason: str, request=None, *, up_to=None, now=None) -> list[IntegrityFlag]:
    """Confirm every open flag of one device or network group in the user's review scope, with one reason."""
    return _decide_group(group, user, FlagStatus.CONFIRMED, reason, up_to=up_to, request=request, now=now)


def clear_group(group: str, user, reason: str, request=None, *, up_to=None, now=None) -> list[IntegrityFlag]:
    """Clear every open flag of one device or network group in the user's review scope (a computer room's
    network, say), with one reason."""
    return _decide_group(group, user, FlagStatus.CLEARED, reason, up_to=up_to, request=request, now=now)
