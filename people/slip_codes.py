"""Sign-in codes on students' slips: a QR code a class scans instead of typing names and passwords.

A code is 192 random bits (secrets), shown once, as a QR code on the slip printed when it is issued, and kept
only as its SHA-256 digest (SignInToken). It belongs to one student, ends with the term (or after
QINGDUN_SIGN_IN_CODE_DAYS days when that setting is given), and is revoked when her slip is printed again or
when a school administrator or her class's teacher revokes it. Only students sign in with one: an account that
holds any role, Django staff or superuser status, or belongs to a student who left, graduated or was
anonymised is refused. Issue, revocation, use and refusal are written to the audit log.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import audit

from .models import Role, SignInToken, Student, Term

TOKEN_BYTES = 24
# Longer input than any code we issue is not looked up at all.
MAX_CODE_LENGTH = 64
DAYS_SETTING = "QINGDUN_SIGN_IN_CODE_DAYS"

UNKNOWN, REVOKED, EXPIRED, LEFT, NOT_A_STUDENT = "unknown", "revoked", "expired", "left", "not_a_student"
REFUSALS = {
    UNKNOWN: _("This sign-in code is not valid. Sign in with your name and password."),
    REVOKED: _(
        "This sign-in code was withdrawn, perhaps because a new slip was printed. Sign in with your name and "
        "password, or ask your teacher for a new slip."
    ),
    EXPIRED: _(
        "This sign-in code has expired. Sign in with your name and password, or ask your teacher for a new slip."
    ),
    LEFT: _("This account can no longer sign in. Ask your school if you think this is wrong."),
    NOT_A_STUDENT: _("Sign-in codes are for students only. Sign in with your name and password."),
}


def new_code() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def digest_of(code: str) -> str:
    # A code carries 192 random bits: a fast hash loses nothing, and a slow one would only slow the class down.
    return hashlib.sha256(code.encode()).hexdigest()


def expiry(now: datetime.datetime) -> datetime.datetime:
    """When a code issued at `now` stops working: the end of the term, or after the configured days."""
    days = getattr(settings, DAYS_SETTING, None)
    if days:
        return now + datetime.timedelta(days=int(days))
    term = Term.for_date(timezone.localdate(now))
    last_day = term.ends_on + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(last_day, datetime.time.min))


def eligible(students: QuerySet) -> QuerySet:
    """The students who may hold a code: current students whose accounts hold no role and no staff status."""
    return students.filter(
        left_on__isnull=True,
        graduated_on__isnull=True,
        anonymised_at__isnull=True,
        user__is_active=True,
        user__is_staff=False,
        user__is_superuser=False,
    ).exclude(user__in=Role.objects.values("user"))


@transaction.atomic
def issue(students, *, request, target: str, district_id=None, now=None) -> tuple[dict[int, str], datetime.datetime]:
    """New codes for the eligible ones of `students`, replacing their live codes.

    Returns ({student id: code}, expiry); the codes exist nowhere else, so the caller prints them now.
    """
    now = now or timezone.now()
    ids = list(eligible(Student.objects.filter(pk__in=[s.pk for s in students])).values_list("pk", flat=True))
    # Lock the students so two printings of one class cannot both leave a live code.
    list(Student.objects.filter(pk__in=ids).select_for_update().values_list("pk", flat=True))
    replaced = SignInToken.objects.filter(student_id__in=ids, revoked_at__isnull=True).update(revoked_at=now)
    expires_at = expiry(now)
    codes = {student_id: new_code() for student_id in ids}
    issued_by = request.user if request.user.is_authenticated else None
    SignInToken.objects.bulk_create(
        SignInToken(
            student_id=student_id, digest=digest_of(code), issued_at=now, issued_by=issued_by, expires_at=expires_at
        )
        for student_id, code in codes.items()
    )
    audit.record(
        "people.sign_in_codes_issued",
        request=request,
        target=target,
        district_id=district_id,
        students=sorted(ids),
        replaced=replaced,
        expires_at=expires_at.isoformat(),
    )
    return codes, expires_at


def revoke(students, *, request, target: str, district_id=None, now=None) -> int:
    """Revoke the live codes of `students`; returns how many were live."""
    now = now or timezone.now()
    ids = sorted(s.pk for s in students)
    count = SignInToken.objects.filter(student_id__in=ids, revoked_at__isnull=True).update(revoked_at=now)
    audit.record(
        "people.sign_in_codes_revoked",
        request=request,
        target=target,
        district_id=district_id,
        students=ids,
        revoked=count,
    )
    return count


def check(code: str, *, now=None) -> tuple[SignInToken | None, str]:
    """The code's row and "" when it signs its student in; else the row (None if unknown) and the refusal."""
    now = now or timezone.now()
    if not code or len(code) > MAX_CODE_LENGTH:
        return None, UNKNOWN
    rows = SignInToken.objects.select_related("student__user", "student__school")
    token = rows.filter(digest=digest_of(code)).first()
    if token is None:
        return None, UNKNOWN
    if token.revoked_at is not None:
        return token, REVOKED
    if token.expires_at <= now:
        return token, EXPIRED
    student, user = token.student, token.student.user
    if user.is_staff or user.is_superuser or Role.objects.filter(user=user).exists():
        return token, NOT_A_STUDENT
    if not student.is_active or not user.is_active:
        return token, LEFT
    return token, ""


def record_use(token: SignInToken, request, *, now=None) -> None:
    now = now or timezone.now()
    SignInToken.objects.filter(pk=token.pk).update(last_used_at=now)
    student = token.student
    audit.record(
        "people.sign_in_code_used",
        request=request,
        actor=student.user,
        target=student.user.get_username(),
        district_id=student.school.district_id,
        student=student.pk,
        code=token.pk,
    )


def record_refusal(token: SignInToken, reason: str, request) -> None:
    """Refusals of codes we issued; unknown codes are not written (a guesser would only fill the log)."""
    student = token.student
    audit.record(
        "people.sign_in_code_refused",
        request=request,
        actor=None,
        target=student.user.get_username(),
        district_id=student.school.district_id,
        student=student.pk,
        code=token.pk,
        reason=reason,
    )
