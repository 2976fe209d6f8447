"""Who reaches the audit pages, and which district and school they see: all through people.scope."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from people.scope import districts_for, managed_schools_for, roles_of


def is_bureau(user) -> bool:
    roles = roles_of(user)
    return roles.is_bureau or roles.superuser


def is_school_admin(user) -> bool:
    return roles_of(user).is_school_admin


def signed_in(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def bureau_only(view):
    """Bureau admins and auditors; the district comes from their roles (a `district` parameter picks one of them)."""

    @wraps(view)
    @signed_in
    def wrapped(request, *args, **kwargs):
        if not is_bureau(request.user):
            raise PermissionDenied
        districts = districts_for(request.user).order_by("code")
        wanted = request.GET.get("district") or request.POST.get("district")
        district = None
        if wanted and str(wanted).isdigit():
            district = districts.filter(pk=int(wanted)).first()
        district = district or districts.first()
        if district is None:
            raise PermissionDenied
        request.district = district
        return view(request, *args, **kwargs)

    return wrapped


def own_school_redirect(request):
    """Where "School figures" takes a school administrator: her school's page."""
    school = managed_schools_for(request.user).order_by("code").first()
    if school is None:
        raise PermissionDenied
    return redirect("plans:school", pk=school.pk)
