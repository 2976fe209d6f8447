"""Yes/no questions about classroom records, answered from people.scope.

The querysets of records a user may see or change are people.scope's generic rules, given the records and
the field that leads to their class or school: `scope.in_classes_for(user, Assignment.objects.all())` for
assignments and class-hour logs, `scope.in_schools_for` and `scope.changeable_in_schools_for` for activities,
`scope.inside_school_for` for student works. Nothing here filters by school or class on its own.
"""

from people import scope

from .models import StudentWork


def is_teaching_staff(user) -> bool:
    roles = scope.roles_of(user)
    return roles.superuser or roles.is_teacher or roles.is_school_admin


def may_record_activities(user) -> bool:
    """Whether the user may record 五个一 activities for some school."""
    return scope.recording_schools_for(user).exists()


def can_delete_work(user, work: StudentWork) -> bool:
    roles = scope.roles_of(user)
    return roles.superuser or work.uploaded_by_id == user.pk or work.school_id in roles.school_admin_schools
