"""/api/v1/ for classroom work: assignments, completion and quiz results per class and school, and class-hour logs
and 五个一 activities fed from other systems (config/api.py composes it).

Completion is classroom.progress's, which decides "finished" by classroom.completion; results are the counting
attempts of quizzes.counting (through quizzes.stats); nothing here counts on its own. Counts only: no student's
name or answer leaves through these endpoints. Writes go through the forms and services the screens use, so an
integration meets the same integrity checks (classroom.integrity) as a teacher at the form.
"""

import datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import CursorPagination, paginate

from core import api as errors
from core.api import ERRORS, MAX_ID
from people import scope
from people.api import writers as _writers
from people.models import ApiToken, School, SchoolClass, SchoolYear
from quizzes import stats
from quizzes.models import Attempt

from . import progress, services
from .forms import ActivityForm, ClassHourForm
from .integrity.flags import uncounted_ids
from .models import Assignment

router = Router(tags=["classroom"])


class AssignmentOut(Schema):
    id: int
    class_id: int
    kind: str
    title: str
    lesson_id: int | None
    module_id: int | None
    quiz_id: int | None
    starts_on: datetime.date
    due_on: datetime.date

    @staticmethod
    def resolve_class_id(row) -> int:
        return row.school_class_id

    @staticmethod
    def resolve_title(row) -> str:
        return row.target.title if row.target is not None else ""


class AssignmentCompletion(Schema):
    assignment_id: int
    kind: str
    title: str
    due_on: datetime.date
    students: int = Field(..., description="Students on the class's roll now")
    finished: int


class ClassCompletionOut(Schema):
    class_id: int
    school: str
    name: str
    students: int
    assignments: list[AssignmentCompletion]


class QuizSummary(Schema):
    attempts: int
    flagged: int
    students: int = Field(..., description="Students with a counting attempt (one per student, quizzes.counting)")
    results: int
    mean_percent: float | None
    pass_rate: float | None = Field(..., description="Share of results that passed, 0 to 1")
    full_rate: float | None = Field(..., description="Share of results at full score, 0 to 1")


class QuizResultOut(Schema):
    quiz_id: int
    title: str
    summary: QuizSummary


class ClassResultsOut(Schema):
    class_id: int
    quizzes: list[QuizResultOut]


class SchoolResultsOut(Schema):
    school: str
    school_year: int
    quizzes: list[QuizResultOut]


def _class(request, class_id: int) -> SchoolClass:
    school_class = scope.api_classes(request.auth).select_related("school", "school_year").filter(pk=class_id).first()
    if school_class is None:
        raise HttpError(404, "not_found")
    return school_class


def _school(request, code: str) -> School:
    school = scope.api_schools(request.auth).filter(code=code).first()
    if school is None:
        raise HttpError(404, "not_found")
    return school


def _year(year: int | None) -> SchoolYear | None:
    return SchoolYear.objects.filter(start_year=year).first() if year else SchoolYear.current()


def _completion(school_class: SchoolClass) -> dict:
    grid = progress.class_progress(school_class)
    finished = grid.finished_counts()
    return {
        "class_id": school_class.pk,
        "school": school_class.school.code,
        "name": str(school_class),
        "students": len(grid.students),
        "assignments": [
            {
                "assignment_id": plan.assignment.pk,
                "kind": plan.assignment.kind,
                "title": plan.assignment.target.title if plan.assignment.target is not None else "",
                "due_on": plan.assignment.due_on,
                "students": len(grid.students),
                "finished": finished[plan.assignment.pk],
            }
            for plan in grid.plans
        ],
    }


def _quiz_results(attempts, assignments) -> list[dict]:
    quizzes = {}
    for plan in progress.plans_for(list(assignments)):
        if plan.quiz is not None:
            quizzes.setdefault(plan.quiz.pk, plan.quiz)
    return [
        {"quiz_id": quiz.pk, "title": quiz.title, "summary": stats.quiz_summary(attempts.filter(quiz=quiz))}
        for quiz in sorted(quizzes.values(), key=lambda quiz: quiz.pk)
    ]


@router.get(
    "/classes/{class_id}/assignments",
    response={200: list[AssignmentOut], **ERRORS},
    summary=_("A class's assignments"),
)
@paginate(CursorPagination, ordering=("id",), page_size=100, max_page_size=100)
def class_assignments(request, class_id: int = Path(..., ge=1, le=MAX_ID)):
    school_class = _class(request, class_id)
    return scope.api_in_classes(request.auth, Assignment.objects.active()).filter(school_class=school_class)


@router.get(
    "/classes/{class_id}/completion",
    response={200: ClassCompletionOut, **ERRORS},
    summary=_("How many of a class's students finished each assignment"),
)
def class_completion(request, class_id: int = Path(..., ge=1, le=MAX_ID)):
    return _completion(_class(request, class_id))


@router.get(
    "/schools/{code}/completion",
    response={200: list[ClassCompletionOut], **ERRORS},
    summary=_("Completion of every class of a school in a school year"),
)
def school_completion(request, code: str, year: int | None = None):
    # Not paged: a school has tens of classes, and each costs a fixed number of queries (classroom.progress).
    school = _school(request, code)
    classes = scope.api_classes(request.auth).filter(school=school, school_year=_year(year))
    return [_completion(row) for row in classes.select_related("school", "school_year").order_by("grade", "number")]


@router.get(
    "/classes/{class_id}/results",
    response={200: ClassResultsOut, **ERRORS},
    summary=_("Quiz results of a class, by its counting attempts"),
)
def class_results(request, class_id: int = Path(..., ge=1, le=MAX_ID)):
    school_class = _class(request, class_id)
    attempts = Attempt.objects.filter(student__in=progress.class_students(school_class))
    assignments = progress.class_assignments(school_class)
    return {"class_id": school_class.pk, "quizzes": _quiz_results(attempts, assignments)}


@router.get(
    "/schools/{code}/results",
    response={200: SchoolResultsOut, **ERRORS},
    summary=_("Quiz results of a school, by its counting attempts"),
)
def school_results(request, code: str, year: int | None = None):
    school = _school(request, code)
    school_year = _year(year)
    classes = scope.api_classes(request.auth).filter(school=school, school_year=school_year)
    attempts = scope.api_in_classes(request.auth, Attempt.objects.filter(school_class__in=classes))
    assignments = Assignment.objects.active().filter(school_class__in=classes).select_related("lesson", "quiz")
    return {
        "school": school.code,
        "school_year": school_year.start_year if school_year else year,
        "quizzes": _quiz_results(attempts, assignments),
    }


# --- class hours and activities fed from other systems ----------------------------------------------------


class ClassHourIn(Schema):
    class_id: int = Field(..., ge=1, le=MAX_ID)
    lesson_id: int | None = Field(None, ge=1, le=MAX_ID)
    topic: str = ""
    taught_on: datetime.date
    class_hours: Decimal = Field(Decimal("1.0"), description="0.5 to 4")
    instructor_kind: str = Field("teacher", description="teacher, legal_vice_principal or outside")
    instructor_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="For legal_vice_principal or outside: the person on the school's roster"
    )
    method: str = Field("classroom", description="classroom, class_meeting or online")
    students_present: int = Field(..., ge=0)
    parts_covered: str = ""
    minutes: int = Field(..., description="5 to 240")
    engagement: int = Field(..., description="1 to 5")
    note: str = ""


class ClassHourOut(Schema):
    id: int
    class_id: int
    taught_on: datetime.date
    class_hours: str
    term: int
    flagged: bool = Field(..., description="Saved but carrying an integrity flag for a reviewer")


class ActivityIn(Schema):
    school: str = Field(..., description="The school's code")
    type: str = Field(..., description="An activity type of the school's plan, e.g. class_meeting")
    title: str
    held_on: datetime.date
    grade: int | None = None
    participants: int | None = Field(None, ge=0)
    quiz_id: int | None = Field(None, ge=1, le=MAX_ID)
    description: str = ""
    class_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(default_factory=list, max_length=200)


class ActivityOut(Schema):
    id: int
    school: str
    type: str
    held_on: datetime.date
    participants: int
    flagged: bool


def _recorder(principal):
    """Whom a record fed through a key is recorded by: the administrator who made the key and answers for it."""
    if isinstance(principal, ApiToken):
        if principal.created_by_id is None:
            raise HttpError(403, "forbidden")
        return principal.created_by
    return principal


def _may_record_hours(request, principal) -> None:
    if not scope.api_writable_classes(principal).exists():
        raise HttpError(403, "forbidden")


def _may_record_activities(request, principal) -> None:
    if not scope.api_writable_schools(principal).exists():
        raise HttpError(403, "forbidden")


def _form_errors(form) -> list[dict]:
    return [
        {"loc": ["body", field], "msg": str(message)} for field, messages in form.errors.items() for message in messages
    ]


def _validation_errors(error) -> list[dict]:
    by_field = getattr(error, "message_dict", None) or {"__all__": error.messages}
    return [
        {"loc": ["body", field], "msg": str(message)} for field, messages in by_field.items() for message in messages
    ]


def _is_flagged(record) -> bool:
    model = type(record)
    return model.objects.filter(pk=record.pk, pk__in=uncounted_ids(model)).exists()


@router.post(
    "/class-hours",
    auth=_writers(_may_record_hours),
    response={201: ClassHourOut, **ERRORS},
    summary=_("Record a class hour taught, with the class-hour form's checks"),
)
def record_class_hour(request, payload: ClassHourIn):
    recorder = _recorder(request.auth)
    classes = scope.api_writable_classes(request.auth).filter(school_year=SchoolYear.current())
    data = payload.dict()
    data["school_class"], data["lesson"] = data.pop("class_id"), data.pop("lesson_id") or ""
    data["instructor"] = data.pop("instructor_id") or ""
    form = ClassHourForm(data=data, user=recorder, classes=classes.select_related("school"))
    if not form.is_valid():
        return errors.invalid(_form_errors(form))
    log = form.save(commit=False)
    if isinstance(request.auth, ApiToken):
        log.teacher = None  # a system names the instructor; the key's maker did not teach the class
    try:
        log = services.save_class_hour(recorder, log)
    except ValidationError as error:
        return errors.invalid(_validation_errors(error))
    return Status(
        201,
        {
            "id": log.pk,
            "class_id": log.school_class_id,
            "taught_on": log.taught_on,
            "class_hours": str(log.class_hours),
            "term": log.term_id,
            "flagged": _is_flagged(log),
        },
    )


@router.post(
    "/activities",
    auth=_writers(_may_record_activities),
    response={201: ActivityOut, **ERRORS},
    summary=_("Record a 五个一 activity, with the activity form's checks"),
)
def record_activity(request, payload: ActivityIn):
    recorder = _recorder(request.auth)
    schools = scope.api_writable_schools(request.auth)
    school = schools.filter(code=payload.school).first()
    if school is None:
        raise HttpError(404, "not_found")
    classes = scope.api_writable_classes(request.auth).filter(school_year=SchoolYear.current())
    data = {
        "school": school.pk,
        "type": payload.type,
        "title": payload.title,
        "held_on": payload.held_on,
        "grade": payload.grade or "",
        "participants": "" if payload.participants is None else payload.participants,
        "quiz": payload.quiz_id or "",
        "description": payload.description,
        "classes": payload.class_ids,
    }
    form = ActivityForm(data=data, user=recorder, schools=schools, classes=classes.select_related("school"))
    if not form.is_valid():
        return errors.invalid(_form_errors(form))
    try:
        activity = services.save_activity(recorder, form.save(commit=False), form.class_counts())
    except ValidationError as error:
        return errors.invalid(_validation_errors(error))
    return Status(
        201,
        {
            "id": activity.pk,
            "school": school.code,
            "type": activity.type,
            "held_on": activity.held_on,
            "participants": activity.participants,
            "flagged": _is_flagged(activity),
        },
    )
