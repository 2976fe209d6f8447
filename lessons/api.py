"""/api/v1/ for the curriculum: modules and their lessons (config/api.py composes it).

A lesson's body is lessons.rendering's `lesson_data`, the same filtering as its page: teacher-only blocks (教案,
teacher notes, teacher files) go only to a signed-in user who may see them on the site. An API key is a system,
not a person (people.scope.api_user gives no user for it), so it always gets the students' version: a student
app built on a school's key can never show a student the teacher's notes.
"""

from django.utils.translation import gettext_lazy as _
from ninja import Path, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import CursorPagination, paginate

from core.api import ERRORS, MAX_ID
from people import scope

from .models import LessonPage, ModulePage
from .rendering import audience_of, lesson_data

router = Router(tags=["curriculum"])


class ModuleOut(Schema):
    id: int
    title: str
    grade_band: str
    grade: int | None
    summary: str
    is_public: bool


class LessonSummaryOut(Schema):
    id: int
    title: str
    summary: str
    class_hours: str
    estimated_minutes: int
    grade_bands: list[str]
    goals: list[str]
    quiz_id: int | None

    @staticmethod
    def resolve_class_hours(lesson) -> str:
        return str(lesson.class_hours)


class BlockOut(Schema):
    type: str
    id: str | None
    value: object


class LessonOut(Schema):
    id: int
    title: str
    summary: str
    url: str | None
    class_hours: str
    estimated_minutes: int
    self_study_minutes: int
    grade_bands: list[str]
    goals: list[str]
    activity_type: str
    quiz: int | None
    audience: str
    body: list[BlockOut]


@router.get("/curriculum/modules", response={200: list[ModuleOut], **ERRORS}, summary=_("Curriculum modules"))
@paginate(CursorPagination, ordering=("id",), page_size=50, max_page_size=100)
def modules(request, grade_band: str | None = None):
    rows = ModulePage.objects.live()
    if grade_band:
        rows = rows.filter(grade_band=grade_band)
    return rows


@router.get(
    "/curriculum/modules/{module_id}/lessons",
    response={200: list[LessonSummaryOut], **ERRORS},
    summary=_("A module's lessons"),
)
@paginate(CursorPagination, ordering=("path",), page_size=50, max_page_size=100)
def module_lessons(request, module_id: int = Path(..., ge=1, le=MAX_ID)):
    module = ModulePage.objects.live().filter(pk=module_id).first()
    if module is None:
        raise HttpError(404, "not_found")
    return LessonPage.objects.child_of(module).live()


@router.get(
    "/curriculum/lessons/{lesson_id}",
    response={200: LessonOut, **ERRORS},
    summary=_("A lesson, without teacher-only content unless the caller is a teacher signed in"),
)
def lesson(request, lesson_id: int = Path(..., ge=1, le=MAX_ID)):
    page = LessonPage.objects.live().filter(pk=lesson_id).first()
    if page is None:
        raise HttpError(404, "not_found")
    user = scope.api_user(request.auth)
    return {**lesson_data(page, user), "audience": audience_of(user)}
