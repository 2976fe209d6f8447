"""Wagtail permission policies that answer from the scope rules instead of Django's model permissions.

Each policy is built from one function `(user, action) -> QuerySet` of the instances the user may act on, which
only picks the people.scope queryset for the action; the admin's listings, edit and delete views all ask it, so
no admin screen filters by school on its own.
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from wagtail.permission_policies.base import BasePermissionPolicy

from . import scope
from .models import Instructor, Organisation, Role, RoleKind, School, SchoolClass, Student


class ScopedPolicy(BasePermissionPolicy):
    def __init__(self, model, instances: Callable[[object, str], QuerySet], actions: frozenset, may_add=None):
        super().__init__(model)
        self._instances = instances
        self.actions = actions
        self._may_add_for = may_add

    def instances_user_has_any_permission_for(self, user, actions):
        if not user.is_authenticated or not user.is_active:
            return self.model._default_manager.none()
        querysets = [self._instances(user, action) for action in actions if action in self.actions - {"add"}]
        if not querysets:
            return self.model._default_manager.none()
        ids = Q(pk__in=[])
        for queryset in querysets:
            ids |= Q(pk__in=queryset.values("pk"))
        return self.model._default_manager.filter(ids)

    def user_has_permission(self, user, action):
        if action == "add":
            return self._may_add(user)
        return self.instances_user_has_any_permission_for(user, [action]).exists()

    def _may_add(self, user) -> bool:
        return bool(user.is_authenticated and self._may_add_for and self._may_add_for(user))

    def user_has_permission_for_instance(self, user, action, instance):
        return self.instances_user_has_any_permission_for(user, [action]).filter(pk=instance.pk).exists()

    def users_with_any_permission(self, actions):
        # Only used by Wagtail for notifications; the people who manage people are the admins.
        kinds = [RoleKind.BUREAU_ADMIN, RoleKind.SCHOOL_ADMIN]
        return get_user_model().objects.filter(Q(is_superuser=True) | Q(roles__kind__in=kinds)).distinct()


# Each policy's instances are people.scope's querysets: which ones the user may view, which she may change.


def _schools(user, action):
    return scope.schools_for(user) if action == "view" else scope.changeable_schools_for(user)


def _organisations(user, action):
    return scope.organisations_for(user) if action == "view" else scope.managed_organisations_for(user)


def _classes(user, action):
    return scope.classes_for(user) if action == "view" else scope.changeable_classes_for(user)


def _students(user, action):
    return scope.students_for(user) if action == "view" else scope.changeable_students_for(user)


def _roles(user, action):
    return scope.manageable_roles_for(user)


def _instructors(user, action):
    # The roster holds outside people's phone numbers: only the school's own admin sees or keeps it.
    return Instructor.objects.filter(school__in=scope.managed_schools_for(user))


def grantable_kinds(user) -> list[str]:
    """The kinds of role the user may grant (the answer to "may she grant a school admin role?", and so on)."""
    roles = scope.roles_of(user)
    kinds = []
    if roles.bureau_admin_districts or roles.superuser:
        kinds.append(RoleKind.SCHOOL_ADMIN)
    if roles.school_admin_schools or roles.superuser:
        kinds += [RoleKind.TEACHER, RoleKind.GRADE_LEADER]
    return kinds


school_policy = ScopedPolicy(
    School,
    _schools,
    frozenset({"view", "add", "change"}),
    may_add=lambda user: bool(scope.roles_of(user).bureau_admin_districts or user.is_superuser),
)
organisation_policy = ScopedPolicy(
    Organisation,
    _organisations,
    frozenset({"view", "add", "change"}),
    may_add=lambda user: bool(scope.roles_of(user).bureau_admin_districts or user.is_superuser),
)
class_policy = ScopedPolicy(
    SchoolClass,
    _classes,
    frozenset({"view", "add", "change"}),
    may_add=lambda user: scope.managed_schools_for(user).exists(),
)
student_policy = ScopedPolicy(Student, _students, frozenset({"view", "change"}))
role_policy = ScopedPolicy(
    Role, _roles, frozenset({"view", "add", "change", "delete"}), may_add=lambda user: bool(grantable_kinds(user))
)
instructor_policy = ScopedPolicy(
    Instructor,
    _instructors,
    frozenset({"view", "add", "change", "delete"}),
    may_add=lambda user: scope.managed_schools_for(user).exists(),
)
