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
from ..districts import district_of_user
from ..models import Student


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
        district_id=district_of_user(target),
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
    return render(request, "people/staff_accounts.html", {"accounts": scope.resettable_staff_roles(request.user)})
