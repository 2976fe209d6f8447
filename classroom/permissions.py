"""Who may do what with classroom records, built only on people.scope (no school filtering of our own)."""

from django.db.models import Q, QuerySet

from people import scope
from people.models import School

from .models import Activity, Assignment, ClassHourLog, StudentWork


def staff_school_ids(user) -> set[int]:
    """Schools the user works in: as teacher, grade leader or school administrator."""
    roles = scope.roles_of(user)
    return set(roles.teacher_schools) | {school for school, _ in roles.grade_leader} | set(roles.school_admin_schools)


def is_teaching_staff(user) -> bool:
    roles = scope.roles_of(user)
    return roles.superuser or roles.is_teacher or roles.is_school_admin


# --- assignments and class hours ----------------------------------------------------------------------


def visible_assignments(user) -> QuerySet:
    return Assignment.objects.filter(school_class__in=scope.classes_for(user))


def changeable_assignments(user) -> QuerySet:
    return Assignment.objects.filter(school_class__in=scope.taught_classes_for(user))


def visible_class_hours(user) -> QuerySet:
    return ClassHourLog.objects.filter(school_class__in=scope.classes_for(user))


def changeable_class_hours(user) -> QuerySet:
    return ClassHourLog.objects.filter(school_class__in=scope.taught_classes_for(user))


# --- activities and works -----------------------------------------------------------------------------


def recording_schools(user) -> QuerySet:
    """Schools for which the user may record 五个一 activities."""
    if scope.roles_of(user).superuser:
        return School.objects.all()
    return School.objects.filter(id__in=staff_school_ids(user))


def visible_activities(user) -> QuerySet:
    """School staff see their schools' activities; bureau staff those of their district (they audit them)."""
    roles = scope.roles_of(user)
    if roles.superuser:
        return Activity.objects.all()
    return Activity.objects.filter(Q(school__in=scope.schools_for(user)) | Q(school_id__in=staff_school_ids(user)))


def changeable_activities(user) -> QuerySet:
    roles = scope.roles_of(user)
    if roles.superuser:
        return Activity.objects.all()
    return Activity.objects.filter(
        Q(school_id__in=roles.school_admin_schools) | Q(school_id__in=staff_school_ids(user), recorded_by=user)
    )


def visible_works(user) -> QuerySet:
    """Student works stay inside their school: its staff, and the student who made the work."""
    roles = scope.roles_of(user)
    if roles.superuser:
        return StudentWork.objects.all()
    q = Q(school_id__in=staff_school_ids(user))
    if roles.student_id:
        q |= Q(student_id=roles.student_id)
    return StudentWork.objects.filter(q)


def can_delete_work(user, work: StudentWork) -> bool:
    roles = scope.roles_of(user)
    return roles.superuser or work.uploaded_by_id == user.pk or work.school_id in roles.school_admin_schools
