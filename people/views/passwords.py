"""Password resets by the people responsible: teacher → her students, school admin → teachers and students,
bureau admin → school admins (see scope.can_reset_password)."""

from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import audit
from core.ratelimit import ratelimit

from .. import passwords, scope
from ..models import Role, RoleKind, School, Student


def _district_of(user) -> int | None:
    student = Student.objects.filter(user=user).select_related("school").first()
    if student:
        return student.school.district_id
    role = Role.objects.filter(user=user).exclude(school=None).select_related("school").first()
    return role.school.district_id if role else None


@login_required
@never_cache
@ratelimit("password_reset", limit=60, window=600)
@require_POST
def reset_password(request, user_id):
    target = get_object_or_404(get_user_model(), pk=user_id, is_active=True)
    if not scope.can_reset_password(request.user, target):
        # Whether the account exists is not the actor's business unless she could already see the person.
        student = Student.objects.filter(user=target).first()
        if student is not None and scope.can_view_student(request.user, student):
            raise PermissionDenied
        raise Http404
    raw = passwords.issue(target)
    axes_reset(username=target.get_username())
    audit.record(
        "people.password_reset",
        request=request,
        target=target.get_username(),
        district_id=_district_of(target),
    )
    return render(request, "people/password_issued.html", {"target": target, "password": raw, "next": _back(request)})


def _back(request) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return ""


@login_required
def staff_accounts(request):
    """Staff whose passwords the user may reset: bureau admin → school admins; school admin → teachers."""
    roles = scope.roles_of(request.user)
    if not (roles.bureau_admin_districts or roles.school_admin_schools or roles.superuser):
        raise PermissionDenied
    schools = School.objects.filter(
        pk__in=scope.schools_for(request.user).values("pk")
    )  # the user's scope, narrowed below to roles she may reset
    rows = (
        Role.objects.filter(school__in=schools, kind__in=[RoleKind.SCHOOL_ADMIN, RoleKind.TEACHER])
        .select_related("user", "school")
        .order_by("school__code", "kind", "user__username")
    )
    accounts = []
    seen = set()
    for role in rows:
        if role.user_id in seen or role.user_id == request.user.pk:
            continue
        if scope.can_reset_password(request.user, role.user):
            seen.add(role.user_id)
            accounts.append(role)
    return render(request, "people/staff_accounts.html", {"accounts": accounts})
