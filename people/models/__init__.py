from .accounts import InitialPassword, KnownNetwork, RosterUpload
from .organisations import District, School, SchoolClass, SchoolKind, SchoolYear, Term
from .people import ClassTeacher, Enrollment, Gender, Role, RoleKind, Student, User

__all__ = [
    "ClassTeacher",
    "District",
    "Enrollment",
    "Gender",
    "InitialPassword",
    "KnownNetwork",
    "Role",
    "RoleKind",
    "School",
    "SchoolClass",
    "SchoolKind",
    "RosterUpload",
    "SchoolYear",
    "Student",
    "Term",
    "User",
]
