"""Turn scope answers into responses: 404 when the object is outside what the user may see, 403 when she may
see it but not do this (so nobody learns that another school's objects exist)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from .. import scope
from ..models import School, SchoolClass, Student


def managed_school(user, code: str) -> School:
    school = get_object_or_404(School, code=code)
    if scope.can_manage_school(user, school):
        return school
    if scope.can_view_school(user, school):
        raise PermissionDenied
    raise Http404


def visible_class(user, pk: int) -> SchoolClass:
    school_class = scope.classes_for(user).select_related("school", "school_year").filter(pk=pk).first()
    if school_class is None:
        raise Http404
    return school_class


def taught_class(user, pk: int) -> SchoolClass:
    school_class = visible_class(user, pk)
    if not scope.can_teach_class(user, school_class):
        raise PermissionDenied
    return school_class


def visible_student(user, pk: int) -> Student:
    student = scope.students_for(user).select_related("user", "school").filter(pk=pk).first()
    if student is None:
        raise Http404
    return student


def managed_student(user, pk: int) -> Student:
    student = visible_student(user, pk)
    if not scope.can_manage_school(user, student.school):
        raise PermissionDenied
    return student
