"""Class rosters, for the class's teachers and the school's administrators (the slips are in slips.py)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from .. import membership, scope
from ..models import SchoolYear
from .access import visible_class


@login_required
def class_list(request):
    roles = scope.roles_of(request.user)
    if not (roles.is_teacher or roles.is_school_admin or roles.superuser):
        raise PermissionDenied
    classes = (
        scope.taught_classes_for(request.user)
        .filter(school_year=SchoolYear.current())
        .select_related("school")
        .order_by("school__code", "grade", "number")
    )
    return render(request, "people/class_list.html", {"classes": classes})


def _students(school_class):
    return membership.students_on_roll(school_class).select_related("user", "user__initial_password")


@login_required
def class_detail(request, pk):
    school_class = visible_class(request.user, pk)
    students = list(_students(school_class))
    for student in students:
        student.resettable = scope.can_reset_password(request.user, student.user)
    return render(
        request,
        "people/class_detail.html",
        {
            "school_class": school_class,
            "students": students,
            "can_print": scope.can_teach_class(request.user, school_class),
            "can_manage": scope.can_manage_school(request.user, school_class.school),
        },
    )
