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


def _bureau_view(view, *, region_without_district: bool):
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
        request.district = district or districts.first()
        if request.district is None and not (region_without_district and roles_of(request.user).is_region_officer):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def bureau_only(view):
    """Bureau admins and auditors; the district comes from their roles (a `district` parameter picks one of them)."""
    return _bureau_view(view, region_without_district=False)


def plan_staff(view):
    """Bureau staff of a district or of a region: as bureau_only, but a city's or province's officer with no
    county below her yet still reaches her region's plans (request.district is then None)."""
    return _bureau_view(view, region_without_district=True)


def own_school_redirect(request):
    """Where "School figures" takes a school administrator: her school's page."""
    school = managed_schools_for(request.user).order_by("code").first()
    if school is None:
        raise PermissionDenied
    return redirect("plans:school", pk=school.pk)
