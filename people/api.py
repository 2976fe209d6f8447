"""/api/v1/ for organisations: districts, schools, classes and their students (config/api.py composes it).

Every list is cursor-paginated (`?cursor=`, `?page_size=` up to 100) in a stable order, so a collector can walk a
province without missing or repeating a row while rows are added. Every query goes through people.scope's api_*
functions with the caller, a key or a signed-in user.
"""

from django.conf import settings
from django.db.models import CharField, Count, F, Q, Value
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import CursorPagination, paginate
from ninja.security import HttpBearer, SessionAuth

from core import ratelimit
from core.api import ERRORS

from . import api_tokens, scope
from .models import ApiToken, SchoolYear

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        self.retry_after = retry_after


class ReadOnlyKey(Exception):
    """A read key used for a write: refused before the endpoint runs."""


def _limit(ident: str) -> None:
    allowed, retry_after = ratelimit.hit(
        "api", ident, limit=getattr(settings, "API_RATE_LIMIT_PER_MINUTE", 600), window=60, now=ratelimit.clock()
    )
    if not allowed:
        raise RateLimited(retry_after)


class ApiKeyAuth(HttpBearer):
    """`Authorization: Bearer qd_…`: an organisation's key (people.api_tokens)."""

    def authenticate(self, request, token: str) -> ApiToken | None:
        key = api_tokens.authenticate(token)
        if key is None:
            return None
        _limit(f"key:{key.pk}")
        if request.method not in SAFE_METHODS and not key.can_write:
            raise ReadOnlyKey
        return key


class SignedInAuth(SessionAuth):
    """The site's own session, for its pages' scripts and for trying the API in the browser (CSRF-checked)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None:
            _limit(f"user:{user.pk}")
        return user


router = Router(tags=["organisations"])


class DistrictOut(Schema):
    code: str
    name: str


class SchoolOut(Schema):
    code: str
    name: str
    kind: str
    township: str
    district: str

    @staticmethod
    def resolve_district(school) -> str:
        return school.district.code


class ClassOut(Schema):
    id: int
    school: str
    school_year: int
    grade: int
    number: int
    name: str
    students: int

    @staticmethod
    def resolve_school(row) -> str:
        return row.school.code

    @staticmethod
    def resolve_school_year(row) -> int:
        return row.school_year.start_year

    @staticmethod
    def resolve_name(row) -> str:
        return str(row)

    @staticmethod
    def resolve_students(row) -> int:
        return row.on_roll


class StudentOut(Schema):
    """A student as the caller may see her: the name only for her school's own systems and staff."""

    id: int
    student_number: str
    name: str | None
    class_id: int


def _school(request, code: str):
    school = scope.api_schools(request.auth).select_related("district").filter(code=code).first()
    if school is None:
        raise HttpError(404, "not_found")
    return school


@router.get("/regions", response={200: list[DistrictOut], **ERRORS}, summary="Districts the caller may see")
@paginate(CursorPagination, ordering=("code",), page_size=50, max_page_size=100)
def regions(request):
    return scope.api_districts(request.auth)


@router.get("/schools", response={200: list[SchoolOut], **ERRORS}, summary="Schools the caller may see")
@paginate(CursorPagination, ordering=("code",), page_size=50, max_page_size=100)
def schools(request, district: str | None = None, kind: str | None = None):
    rows = scope.api_schools(request.auth).select_related("district")
    if district:
        rows = rows.filter(district__code=district)
    if kind:
        rows = rows.filter(kind=kind)
    return rows


@router.get("/schools/{code}", response={200: SchoolOut, **ERRORS}, summary="One school")
def school(request, code: str):
    return _school(request, code)


@router.get(
    "/schools/{code}/classes", response={200: list[ClassOut], **ERRORS}, summary="A school's classes in a school year"
)
@paginate(CursorPagination, ordering=("id",), page_size=100, max_page_size=100)
def school_classes(request, code: str, year: int | None = None):
    school = _school(request, code)
    school_year = SchoolYear.objects.filter(start_year=year).first() if year else SchoolYear.current()
    return (
        scope.api_classes(request.auth)
        .filter(school=school, school_year=school_year)
        .select_related("school", "school_year")
        .annotate(on_roll=Count("enrollments", filter=Q(enrollments__student__left_on__isnull=True)))
    )


@router.get("/classes/{class_id}/students", response={200: list[StudentOut], **ERRORS}, summary="A class's students")
@paginate(CursorPagination, ordering=("id",), page_size=100, max_page_size=100)
def class_students(request, class_id: int):
    school_class = scope.api_classes(request.auth).select_related("school").filter(pk=class_id).first()
    if school_class is None:
        raise HttpError(404, "not_found")
    names = scope.api_sees_names(request.auth, school_class.school)
    return (
        scope.api_students(request.auth)
        .filter(enrollments__school_class=school_class, left_on__isnull=True, anonymised_at__isnull=True)
        .annotate(
            name=F("user__full_name") if names else Value(None, output_field=CharField()),
            class_id=Value(school_class.pk),
        )
    )
