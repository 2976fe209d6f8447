from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .models import Instructor, Organisation, Role, School, SchoolClass, Student
from .permissions import (
    class_policy,
    instructor_policy,
    organisation_policy,
    role_policy,
    school_policy,
    student_policy,
)
from .viewsets import PeopleViewSetGroup

# Registered before the viewsets, so Wagtail uses the scope rules instead of model permissions.
register_permission_policy(School, school_policy, exact_class=True)
register_permission_policy(Organisation, organisation_policy, exact_class=True)
register_permission_policy(SchoolClass, class_policy, exact_class=True)
register_permission_policy(Student, student_policy, exact_class=True)
register_permission_policy(Role, role_policy, exact_class=True)
register_permission_policy(Instructor, instructor_policy, exact_class=True)


@hooks.register("register_admin_viewset")
def register_people_viewsets():
    return PeopleViewSetGroup()
