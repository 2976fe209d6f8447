from .accounts import InitialPassword, KnownNetwork, RosterUpload
from .api_tokens import ApiAccess, ApiIdempotency, ApiToken
from .instructors import Instructor, InstructorKind
from .notifications import Notification
from .organisations import (
    District,
    Organisation,
    OrganisationKind,
    Region,
    RegionLevel,
    School,
    SchoolClass,
    SchoolKind,
    SchoolYear,
    Term,
)
from .people import ClassTeacher, Enrollment, Gender, Role, RoleKind, Student, User
from .promotions import Promotion
from .sign_in_codes import SignInToken

__all__ = [
    "ApiAccess",
    "ApiIdempotency",
    "ApiToken",
    "ClassTeacher",
    "District",
    "Enrollment",
    "Gender",
    "InitialPassword",
    "Instructor",
    "InstructorKind",
    "KnownNetwork",
    "Organisation",
    "OrganisationKind",
    "Notification",
    "Region",
    "RegionLevel",
    "Promotion",
    "Role",
    "RoleKind",
    "School",
    "SchoolClass",
    "SchoolKind",
    "RosterUpload",
    "SchoolYear",
    "SignInToken",
    "Student",
    "Term",
    "User",
]
