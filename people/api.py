"""/api/v1/ for organisations: regions and districts, schools, classes and their students (config/api.py
composes it).

Every list is cursor-paginated (`?cursor=`, `?page_size=` up to 100) in a stable order, so a collector can walk a
province without missing or repeating a row while rows are added. Every query goes through people.scope's api_*
functions with the caller, a key or a signed-in user.
"""

from typing import Literal

from django.conf import settings
from django.db.models import CharField, Count, F, Q, Value
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Header, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import CursorPagination, paginate
from ninja.security import HttpBearer, SessionAuth

from core import api as errors
from core import ratelimit
from core.api import ERRORS, ErrorOut

from . import api_tokens, roster, scope
from .models import ApiToken, Region, SchoolYear
from .models.organisations import districts_under, regions_under

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
    """`Authorization: Bearer qd_…`: an organisation's key (people.api_tokens).

    `may_write(request, principal)`, on a write operation, refuses (HttpError 403 or 404) before the body is read:
    a caller who may not write learns nothing of how a body would have been judged."""

    def __init__(self, may_write=None):
        super().__init__()
        self.may_write = may_write

    def authenticate(self, request, token: str) -> ApiToken | None:
        key = api_tokens.authenticate(token)
        if key is None:
            return None
        _limit(f"key:{key.pk}")
        if request.method not in SAFE_METHODS and not key.can_write:
            raise ReadOnlyKey
        if self.may_write is not None:
            self.may_write(request, key)
        return key


class SignedInAuth(SessionAuth):
    """The site's own session, for its pages' scripts and for trying the API in the browser (CSRF-checked)."""

    def __init__(self, may_write=None):
        super().__init__()
        self.may_write = may_write

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None:
            _limit(f"user:{user.pk}")
            if self.may_write is not None:
                self.may_write(request, user)
        return user


def writers(may_write) -> list:
    """The authentication of a write operation: a key or the session, then `may_write` before the body."""
    return [ApiKeyAuth(may_write), SignedInAuth(may_write)]


router = Router(tags=["organisations"])


class RegionOut(Schema):
    """A province, a city or a district (county bureau), and the code of the region it reports to."""

    code: str
    name: str
    level: str = Field(..., description="province, city or district")
    parent: str | None = Field(..., description="The code of the city or province above it, if any")

    @staticmethod
    def resolve_parent(row) -> str | None:
        return row.parent_code


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


@router.get(
    "/regions",
    response={200: list[RegionOut], **ERRORS},
    summary=_("Districts, cities or provinces the caller may see"),
    description=_(
        "Districts by default, as before; level=city or level=province lists the regions above them. "
        "within=CODE keeps the rows at or below that city or province."
    ),
)
@paginate(CursorPagination, ordering=("code",), page_size=50, max_page_size=100)
def regions(request, level: Literal["district", "city", "province"] = "district", within: str | None = None):
    if level == "district":
        rows = scope.api_districts(request.auth).annotate(parent_code=F("region__code"))
        if within is not None:
            rows = rows.filter(districts_under(Region.objects.filter(code=within).values("pk")))
        return rows.annotate(level=Value("district", output_field=CharField()))
    rows = scope.api_regions(request.auth).filter(level=level).annotate(parent_code=F("parent__code"))
    if within is not None:
        rows = rows.filter(regions_under(Region.objects.filter(code=within).values("pk")))
    return rows


@router.get("/schools", response={200: list[SchoolOut], **ERRORS}, summary=_("Schools the caller may see"))
@paginate(CursorPagination, ordering=("code",), page_size=50, max_page_size=100)
def schools(request, district: str | None = None, kind: str | None = None):
    rows = scope.api_schools(request.auth).select_related("district")
    if district:
        rows = rows.filter(district__code=district)
    if kind:
        rows = rows.filter(kind=kind)
    return rows


@router.get("/schools/{code}", response={200: SchoolOut, **ERRORS}, summary=_("One school"))
def school(request, code: str):
    return _school(request, code)


@router.get(
    "/schools/{code}/classes",
    response={200: list[ClassOut], **ERRORS},
    summary=_("A school's classes in a school year"),
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


@router.get("/classes/{class_id}/students", response={200: list[StudentOut], **ERRORS}, summary=_("A class's students"))
@paginate(CursorPagination, ordering=("id",), page_size=100, max_page_size=100)
def class_students(request, class_id: int):
    school_class = scope.api_classes(request.auth).select_related("school").filter(pk=class_id).first()
    if school_class is None:
        raise HttpError(404, "not_found")
    if not scope.api_reads_students(request.auth):
        raise HttpError(403, "forbidden")
    names = scope.api_sees_names(request.auth, school_class.school)
    return (
        scope.api_students(request.auth)
        .filter(enrollments__school_class=school_class, left_on__isnull=True, anonymised_at__isnull=True)
        .annotate(
            name=F("user__full_name") if names else Value(None, output_field=CharField()),
            class_id=Value(school_class.pk),
        )
    )


# --- roster sync: a school information system feeds the roster --------------------------------------------

MAX_SYNC_ROWS = 20_000


class RosterStudentIn(Schema):
    """One student as the school information system holds her; the same fields and checks as a roster file."""

    number: str | int = Field(..., description="学号/学籍号")
    name: str
    class_: str | int = Field(..., alias="class", description="e.g. 2, 2班, 初二(2)班")
    grade: str | int | None = Field(None, description="e.g. 8, 初二, 八年级")
    gender: str | None = Field(None, description="男/女")

    model_config = {"populate_by_name": True}


class RosterIn(Schema):
    school_year: int | None = Field(
        None, ge=2000, le=2100, description="2026 for 2026–2027; the current school year if left out."
    )
    students: list[RosterStudentIn] = Field(..., max_length=MAX_SYNC_ROWS)


class RosterSyncOut(Schema):
    school_year: int
    rows: int
    created: int
    updated: int
    moved: int
    enrolled: int
    returned: int
    unchanged: int
    classes_created: int
    replayed: bool


def _row_errors(problems) -> list[dict]:
    return [{"row": p.row, "field": p.column, "message": str(p.message)} for p in problems]


def _may_sync(request, principal) -> None:
    school = scope.api_schools(principal).filter(code=request.resolver_match.kwargs.get("code")).first()
    if school is None:
        raise HttpError(404, "not_found")
    if not scope.api_can_write(principal, school):
        raise HttpError(403, "forbidden")


@router.post(
    "/schools/{code}/roster",
    auth=writers(_may_sync),
    response={200: RosterSyncOut, 409: ErrorOut, **ERRORS},
    summary=_("Sync a school's roster (upsert classes and students)"),
    description=_(
        "All or nothing: a bad row rejects the whole request with every row's problems and writes nothing. "
        "The same request twice changes nothing the second time; with the same Idempotency-Key it is not even "
        "run again."
    ),
)
def roster_sync(
    request,
    code: str,
    payload: RosterIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=1, max_length=100),
):
    school = _school(request, code)
    year = SchoolYear.objects.filter(start_year=payload.school_year).first() if payload.school_year else None
    if payload.school_year and year is None:
        return errors.invalid([{"loc": ["body", "school_year"], "msg": str(_("No such school year."))}])
    year = year or SchoolYear.current()
    records = [
        {key: value for key, value in student.dict(by_alias=True).items() if value is not None}
        for student in payload.students
    ]
    key = request.auth if isinstance(request.auth, ApiToken) else None

    def run():
        result = roster.sync_roster(
            school,
            records,
            actor=None if key else request.auth,
            school_year=year,
            request=request,
            source=f"api key {key.pk}" if key else "api",
        )
        if not result.ok:
            return 422, {"problems": _row_errors(result.problems)}
        counts = ("rows", "created", "updated", "moved", "enrolled", "returned", "unchanged", "classes_created")
        return 200, {"school_year": year.start_year, **{name: getattr(result, name) for name in counts}}

    try:
        status, answer, replayed = api_tokens.once(request.auth, idempotency_key, request.body, run)
    except api_tokens.IdempotencyConflict:
        return errors.error(409, "idempotency_conflict", _("This Idempotency-Key was used with another request."))
    if status == 422:
        return errors.invalid(answer["problems"])
    return JsonResponse({**answer, "replayed": replayed}, json_dumps_params={"ensure_ascii": False})
