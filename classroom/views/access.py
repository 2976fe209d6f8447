"""Fetching one object for a view within the user's scope: 404 when it is outside (its existence is not told),
403 when the user may see it but not change it."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from people import scope
from people.models import SchoolClass

from .. import permissions


def visible_class(user, pk: int) -> SchoolClass:
    try:
        return scope.classes_for(user).select_related("school", "school_year").get(pk=pk)
    except SchoolClass.DoesNotExist:
        raise Http404 from None


def require_teaching_staff(user) -> None:
    if not permissions.is_teaching_staff(user):
        raise PermissionDenied


def require_student(user):
    if not scope.roles_of(user).is_student:
        raise PermissionDenied
    return user.student


def get_in(queryset, pk: int):
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist:
        raise Http404 from None
