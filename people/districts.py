"""Which district an account belongs to, so audit rows written by people code carry a district_id and the
district's bureau admins see them in the audit log."""

from django.contrib.auth import get_user_model

from .models import Role, School, Student
from .scope import roles_of


def district_of_user(user) -> int | None:
    if user is None or user.pk is None:
        return None
    roles = roles_of(user)
    if roles.is_student:
        # roles_of read her row (and its school) already: no query of its own at every student's sign-in.
        return user.student.school.district_id
    student = Student.objects.filter(user=user).order_by().values_list("school__district_id", flat=True).first()
    if student is not None:
        return student
    role = Role.objects.filter(user=user).exclude(school=None, district=None).order_by("pk")
    row = role.values_list("school__district_id", "district_id").first()
    return (row[0] or row[1]) if row else None


def district_of_username(username: str) -> int | None:
    """For a failed sign-in: the account's district, or the district of the school code the name starts with."""
    user = get_user_model().objects.filter(username=username).first()
    if user is not None:
        return district_of_user(user)
    code = (username or "").split("-", 1)[0]
    return School.objects.filter(code=code).values_list("district_id", flat=True).first() if code else None
