"""Printable sign-in slips of a class or one student, with the QR sign-in codes, and revoking those codes.

The slip page (GET) shows names and initial passwords, for the whole class or (`?new=1`) only the students who
have never signed in, the ones a teacher hands first slips to; each slip prints the site's address
(core.addresses). Printing with QR codes is a POST, because it issues new codes and so voids the slips printed
before; the page it answers with is the only place the codes are ever shown (they are stored hashed), so it is
never cached. Only the class's teachers and the school's
administrators issue or revoke codes (people.scope.taught_classes_for, can_manage_school).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core import audit
from core.addresses import site_url

from .. import membership, scope, security, slip_codes
from ..models import SchoolYear, Student
from .access import taught_class, visible_student


def _class_students(school_class):
    return membership.students_on_roll(school_class).select_related("user", "user__initial_password")


def may_issue_codes(user, student: Student) -> bool:
    """Her school's administrators and the teachers (and grade leader) of her class this year."""
    if scope.can_manage_school(user, student.school):
        return True
    return (
        scope.taught_classes_for(user).filter(enrollments__student=student, school_year=SchoolYear.current()).exists()
    )


def _slip_student(user, pk: int) -> Student:
    """A student whose codes `user` may issue and revoke; others who may see her get 403, the rest 404."""
    student = visible_student(user, pk)
    if not may_issue_codes(user, student):
        raise PermissionDenied
    return student


def _render_slips(request, school_class, students, codes=None, expires_at=None, *, new_only=False, counts=None):
    codes = codes or {}
    label = _("QR code for signing in")
    for student in students:
        code = codes.get(student.pk)
        # The site's address, not the request's: the QR must open where the students' phones reach the site.
        student.sign_in_link = site_url(reverse("people:slip_sign_in", args=[code])) if code else None
        student.sign_in_qr = security.qr_svg(student.sign_in_link, label) if code else None
    context = {
        "school_class": school_class,
        "students": students,
        "with_codes": bool(codes),
        "expires_at": expires_at,
        "sign_in_url": site_url(reverse("people:login")),
        "new_only": new_only,
        "counts": counts,
    }
    return render(request, "people/slips.html", context)


def never_signed_in(students) -> list:
    """The students a teacher gives a first slip to: those who have never signed in (by password or code)."""
    return [student for student in students if student.user.last_login is None]


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def class_slips(request, pk):
    """One slip per student with the sign-in name, the initial password until she changes it, and (POST) a new
    QR sign-in code."""
    school_class = taught_class(request.user, pk)
    everyone = [s for s in _class_students(school_class) if s.is_active]
    newcomers = never_signed_in(everyone)
    # "New students only" is asked in the query string and carried by the form that adds QR codes.
    new_only = (request.POST if request.method == "POST" else request.GET).get("new") == "1"
    students = newcomers if new_only else everyone
    codes, expires_at = {}, None
    if request.method == "POST":
        codes, expires_at = slip_codes.issue(
            students, request=request, target=str(school_class), district_id=school_class.school.district_id
        )
    audit.record(
        "people.slips_printed",
        request=request,
        target=str(school_class),
        district_id=school_class.school.district_id,
        school_class=school_class.pk,
        with_codes=bool(codes),
        new_only=new_only,
        students=len(students),
    )
    counts = {"all": len(everyone), "new": len(newcomers)}
    return _render_slips(request, school_class, students, codes, expires_at, new_only=new_only, counts=counts)


@login_required
@require_POST
def class_codes_revoke(request, pk):
    school_class = taught_class(request.user, pk)
    count = slip_codes.revoke(
        list(_class_students(school_class)),
        request=request,
        target=str(school_class),
        district_id=school_class.school.district_id,
    )
    messages.success(
        request,
        ngettext(
            "%(count)s sign-in code was revoked. The QR codes on this class's slips no longer sign anyone in.",
            "%(count)s sign-in codes were revoked. The QR codes on this class's slips no longer sign anyone in.",
            count,
        )
        % {"count": count},
    )
    return redirect("people:class_detail", pk=school_class.pk)


@login_required
@never_cache
@require_POST
def student_slip(request, pk):
    """A new slip for one student (a lost slip): a new code, and the one before stops working."""
    student = _slip_student(request.user, pk)
    enrollment = student.enrollments.select_related("school_class__school").order_by("-school_year__start_year").first()
    if enrollment is None:
        raise Http404
    school_class = enrollment.school_class
    codes, expires_at = slip_codes.issue(
        [student], request=request, target=student.user.get_username(), district_id=student.school.district_id
    )
    if not codes:
        messages.error(request, _("This account cannot have a sign-in code: it is not a current student's."))
        return redirect("people:student_detail", pk=student.pk)
    audit.record(
        "people.slips_printed",
        request=request,
        target=student.user.get_username(),
        district_id=student.school.district_id,
        student=student.pk,
        with_codes=True,
    )
    student = _class_students(school_class).get(pk=student.pk)
    return _render_slips(request, school_class, [student], codes, expires_at)


@login_required
@require_POST
def student_code_revoke(request, pk):
    student = _slip_student(request.user, pk)
    slip_codes.revoke(
        [student], request=request, target=student.user.get_username(), district_id=student.school.district_id
    )
    messages.success(request, _("The student's sign-in code was revoked. The QR code on her slip no longer works."))
    return redirect("people:student_detail", pk=student.pk)
