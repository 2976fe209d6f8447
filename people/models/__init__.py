from .organisations import District, School, SchoolClass, SchoolKind, SchoolYear, Term
from .people import ClassTeacher, Enrollment, Gender, Role, RoleKind, Student, User

__all__ = [
    "ClassTeacher",
    "District",
    "Enrollment",
    "Gender",
    "Role",
    "RoleKind",
    "School",
    "SchoolClass",
    "SchoolKind",
    "SchoolYear",
    "Student",
    "Term",
    "User",
]
