from .accounts import InitialPassword, KnownNetwork, RosterUpload
from .api_tokens import ApiAccess, ApiToken
from .notifications import Notification
from .organisations import District, Region, RegionLevel, School, SchoolClass, SchoolKind, SchoolYear, Term
from .people import ClassTeacher, Enrollment, Gender, Role, RoleKind, Student, User
from .promotions import Promotion
from .sign_in_codes import SignInToken

__all__ = [
    "ApiAccess",
    "ApiToken",
    "ClassTeacher",
    "District",
    "Enrollment",
    "Gender",
    "InitialPassword",
    "KnownNetwork",
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
