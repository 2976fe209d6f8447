"""/api/v1/ for the bureau's figures: figures of a class, a school, a district and a region (a city, a province)
with their formula and the plan they were computed under, the plan's tasks, the ledger's state, and the 通报 table
(config/api.py composes it).

Every figure is plans.metrics' (summed from the roll-up by `metrics.total`, the composite by `Figures.composite`,
the formula by `metrics.plan_formula`), so a province reconciling with a county gets the numbers the county's
dashboard shows, by the same rule. The 通报 lines are plans.report's, as the screen and the exports build them.
A region's figures are the exact sums of its districts' counts, each district on its own plan's side about
flagged records (`metrics.district_figures`, `metrics.add_up_districts`), its composite weighed as
`metrics.region_weights` says, as the region pages show them. Figures carry counts, never a name. Who may read what
is people.scope's: a region's figures to its officers and its region key; a district's figures, plan and report to
its bureau, its district key and the regions above it; a school's to them and to the school's own key and admin.
"""

import datetime

from django.db.models import Max
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import CursorPagination, paginate

from core.api import ERRORS, MAX_ID
from people import scope
from people.models import District, Region, RegionLevel, School, SchoolYear

from . import metrics
from .dashboard import Filters
from .models import ClassFigures, LedgerItem, Period, Plan, Refresh
from .planning import plan_for, plans_for
from .report import GROUPINGS, PUBLISHED_HEADERS, report_lines
from .rollup import last_refresh

router = Router(tags=["figures"])

RATES = (
    "registration_rate",
    "participation_rate",
    "school_participation_rate",
    "pass_rate",
    "full_rate",
    "excellent_rate",
    "average",
    "hours_rate",
    "activities_rate",
    "survey_gain",
    "family_rate",
    "family_activity_rate",
)
COUNTS = (
    "on_roll",
    "registered",
    "participants",
    "results",
    "passed",
    "full_marks",
    "excellent",
    "hours_required",
    "hours_credited",
    "activities_required",
    "activities_done",
    "schools",
    "participating_schools",
    "flagged",
    "families_acknowledged",
    "families_active",
)


class PlanOut(Schema):
    """The plan the figures were computed under, with the settings that change them (its version, in effect)."""

    id: int
    name: str
    version: int = Field(..., description="The plan's version (raised by every edit) the figures were computed under")
    first_year: int | None
    years: int
    excellent_percent: int
    weights: dict[str, float]
    count_flagged_records: bool
    formula: str


class FiguresBody(Schema):
    on_roll: int
    registered: int
    participants: int
    results: int
    passed: int
    full_marks: int
    excellent: int
    hours_required: float
    hours_credited: float
    activities_required: int
    activities_done: int
    schools: int
    participating_schools: int
    flagged: int
    registration_rate: float | None
    participation_rate: float | None
    school_participation_rate: float | None
    pass_rate: float | None
    full_rate: float | None
    excellent_rate: float | None
    average: float | None
    hours_rate: float | None
    activities_rate: float | None
    survey_gain: float | None
    families_acknowledged: int
    families_active: int
    family_rate: float | None = Field(..., description="Students whose parents acknowledged a 告家长书, % of the roll")
    family_activity_rate: float | None
    composite: float | None


class FiguresOut(Schema):
    level: str = Field(..., description="district, school or class")
    code: str
    name: str
    school_year: int
    period: str
    plan: PlanOut | None
    refreshed_at: datetime.datetime | None = Field(..., description="When the roll-up behind these was refreshed")
    figures: FiguresBody


class DistrictPlanOut(Schema):
    district: str = Field(..., description="The district's code")
    plan: PlanOut | None


class RegionUnitOut(Schema):
    """One line of a region's answer: a district, or (in a province's) a city summed from its districts."""

    level: str = Field(..., description="city or district")
    code: str
    name: str
    weights: dict[str, float] = Field(..., description="The composite's weights: the plan's, or the region's")
    weights_shared: bool = Field(..., description="False when the districts' plans weigh differently (or none has one)")
    formula: str = Field(..., description="How the composite and the flagged records enter these figures")
    plans: list[DistrictPlanOut] = Field(..., description="The plan (and its version) of every district summed here")
    refreshed_at: datetime.datetime | None = Field(..., description="The oldest refresh of the districts summed here")
    figures: FiguresBody


class RegionFiguresOut(RegionUnitOut):
    """A city's or a province's figures and the lines one level below it (a province: its cities and the
    counties directly under it; a city: its counties)."""

    parent: str | None = Field(..., description="The province's code, for a city")
    school_year: int
    period: str
    units: list[RegionUnitOut]


class TaskTargetOut(Schema):
    target: float | None
    deadline: datetime.date | None


class TaskOut(Schema):
    id: int
    order: int
    kind: str
    title: str
    description: str
    responsible: str
    grades: list
    school_kinds: list
    hours: float
    hours_period: str
    activity_types: list
    activity_count: int
    this_year: TaskTargetOut


class PlanTasksOut(Schema):
    district: str
    school_year: int
    plan: PlanOut | None
    tasks: list[TaskOut]


class LedgerItemOut(Schema):
    id: int
    school: str
    task_id: int
    task: str
    school_year: int
    state: str
    due_on: datetime.date | None
    carried_from: int | None
    updated_at: datetime.datetime

    @staticmethod
    def resolve_school(item) -> str:
        return item.school.code

    @staticmethod
    def resolve_task(item) -> str:
        return item.task.title

    @staticmethod
    def resolve_school_year(item) -> int:
        return item.school_year.start_year

    @staticmethod
    def resolve_carried_from(item) -> int | None:
        return item.carried_from_id


class ReportLineOut(Schema):
    name: str
    township: str
    figures: FiguresBody


class ReportOut(Schema):
    district: str
    school_year: int
    period: str
    group_by: str
    plan: PlanOut | None
    refreshed_at: datetime.datetime | None
    columns: list[str] = Field(..., description="The column names bureaus publish (参与学校数 …)")
    lines: list[ReportLineOut]
    total: ReportLineOut


def _start_year(year: int | None) -> int:
    return year or SchoolYear.current().start_year


def _period(period: str) -> str:
    if period not in Period.values:
        raise HttpError(422, "invalid")
    return period


def _plan_out(plan: Plan | None) -> dict | None:
    if plan is None:
        return None
    return {
        "id": plan.pk,
        "name": plan.name,
        "version": plan.version,
        "first_year": plan.first_year,
        "years": plan.years,
        "excellent_percent": plan.excellent_percent,
        "weights": plan.weights(),
        "count_flagged_records": plan.count_flagged_records,
        "formula": metrics.plan_formula(plan),
    }


def _figures(figures: metrics.Figures, plan: Plan | None) -> dict:
    return _weighed(figures, plan.weights() if plan is not None else {})


def _weighed(figures: metrics.Figures, weights: dict[str, float]) -> dict:
    out = {name: getattr(figures, name) for name in COUNTS + RATES}
    out["composite"] = figures.composite(weights)
    return out


def _answer(level, code, name, district_id, start_year, period, rows) -> dict:
    plan = plan_for(district_id, start_year)
    refresh = last_refresh(district_id, start_year)
    totals = metrics.total(rows, count_flagged=metrics.counts_flagged(plan))
    if level == "class":
        totals.schools = totals.participating_schools = 0  # a class is not a school: no school counts
    return {
        "level": level,
        "code": code,
        "name": name,
        "school_year": start_year,
        "period": period,
        "plan": _plan_out(plan),
        "refreshed_at": refresh.finished_at if refresh else None,
        "figures": _figures(totals, plan),
    }


def _region(request, code: str) -> Region:
    """A region by its code or, for a number that is no code of a region the caller may see, by its id (the
    region pages' URLs carry it). Outside the caller's scope either way it is not found."""
    regions = scope.api_regions(request.auth)
    region = regions.filter(code=code).select_related("parent").first()
    if region is None and code.isascii() and code.isdigit() and int(code) <= MAX_ID:
        region = regions.filter(pk=int(code)).select_related("parent").first()
    if region is None:
        raise HttpError(404, "not_found")
    return region


def _district(request, code: str) -> District:
    district = District.objects.filter(code=code, pk__in=scope.api_district_ids(request.auth)).first()
    if district is None:
        raise HttpError(404, "not_found")
    return district


def _school(request, code: str) -> School:
    school = scope.api_schools(request.auth).filter(code=code).first()
    if school is None:
        raise HttpError(404, "not_found")
    return school


def _rows(start_year: int, period: str):
    return ClassFigures.objects.filter(school_year__start_year=start_year, period=period)


@router.get("/districts/{code}/figures", response={200: FiguresOut, **ERRORS}, summary=_("A district's figures"))
def district_figures(request, code: str, year: int | None = None, period: str = Period.YEAR.value):
    district, start_year, period = _district(request, code), _start_year(year), _period(period)
    rows = scope.api_in_schools(request.auth, _rows(start_year, period)).filter(district=district)
    return _answer("district", district.code, district.name, district.pk, start_year, period, rows)


def _oldest_refresh(district_ids, finished: dict[int, datetime.datetime]) -> datetime.datetime | None:
    """How current a sum of districts is: its oldest district's last refresh, None while one was never refreshed."""
    times = [finished.get(district_id) for district_id in district_ids]
    return None if not times or None in times else min(times)


@router.get(
    "/regions/{code}/figures",
    response={200: RegionFiguresOut, **ERRORS},
    summary=_("A city's or a province's figures, and those of the units below it"),
    description=_(
        "{code} is the region's code (or its id). Every figure is the sum of the districts' counts and every rate "
        "the rate of those sums, never a mean of rates. A province lists its cities and the counties directly "
        "under it; a city its counties. Each line names the plans and versions its figures were computed under."
    ),
)
def region_figures(request, code: str, year: int | None = None, period: str = Period.YEAR.value):
    region, start_year, period = _region(request, code), _start_year(year), _period(period)
    districts = list(scope.api_districts_of_region(request.auth, region).order_by("code"))
    ids = [district.pk for district in districts]
    plans = plans_for(ids, start_year)
    rows = scope.api_in_schools(request.auth, _rows(start_year, period)).filter(district_id__in=ids)
    figures = metrics.district_figures(rows, {pk: metrics.counts_flagged(plan) for pk, plan in plans.items()})
    finished = dict(
        Refresh.objects.filter(district_id__in=ids, school_year__start_year=start_year, finished_at__isnull=False)
        .values("district_id")
        .annotate(last=Max("finished_at"))
        .values_list("district_id", "last")
    )

    def plans_out(members) -> list[dict]:
        return [{"district": d.code, "plan": _plan_out(plans.get(d.pk))} for d in members]

    def district_line(district) -> dict:
        plan = plans.get(district.pk)
        return {
            "level": "district",
            "code": district.code,
            "name": district.name,
            "weights": plan.weights() if plan is not None else {},
            "weights_shared": True,
            "formula": metrics.plan_formula(plan),
            "plans": plans_out([district]),
            "refreshed_at": finished.get(district.pk),
            # The district's own figures, as /districts/{code}/figures answers them.
            "figures": _figures(figures.get(district.pk, metrics.Figures()), plan),
        }

    def summed_line(level, unit, members) -> dict:
        member_plans = [plans.get(d.pk) for d in members]
        weights, shared = metrics.region_weights(member_plans)
        summed = metrics.add_up_districts(figures.get(d.pk, metrics.Figures()) for d in members)
        return {
            "level": level,
            "code": unit.code,
            "name": unit.name,
            "weights": weights,
            "weights_shared": shared,
            "formula": metrics.region_formula(weights, shared, member_plans),
            "plans": plans_out(members),
            "refreshed_at": _oldest_refresh([d.pk for d in members], finished),
            "figures": _weighed(summed, weights),
        }

    if region.level == RegionLevel.PROVINCE:
        below: dict[int, list] = {}
        for district in districts:
            below.setdefault(district.region_id, []).append(district)
        cities = scope.api_regions(request.auth).filter(parent=region).order_by("code")
        units = [summed_line("city", city, below.get(city.pk, [])) for city in cities]
        units += [district_line(district) for district in below.get(region.pk, [])]
    else:
        units = [district_line(district) for district in districts]
    return {
        **summed_line(region.level, region, districts),
        "parent": region.parent.code if region.parent_id else None,
        "school_year": start_year,
        "period": period,
        "units": units,
    }


@router.get("/schools/{code}/figures", response={200: FiguresOut, **ERRORS}, summary=_("A school's figures"))
def school_figures(request, code: str, year: int | None = None, period: str = Period.YEAR.value):
    school, start_year, period = _school(request, code), _start_year(year), _period(period)
    rows = scope.api_in_schools(request.auth, _rows(start_year, period)).filter(school=school)
    return _answer("school", school.code, school.name, school.district_id, start_year, period, rows)


@router.get("/classes/{class_id}/figures", response={200: FiguresOut, **ERRORS}, summary=_("A class's figures"))
def class_figures(request, class_id: int = Path(..., ge=1, le=MAX_ID), period: str = Period.YEAR.value):
    school_class = scope.api_classes(request.auth).select_related("school", "school_year").filter(pk=class_id).first()
    if school_class is None:
        raise HttpError(404, "not_found")
    start_year, period = school_class.school_year.start_year, _period(period)
    rows = scope.api_in_classes(request.auth, _rows(start_year, period)).filter(school_class=school_class)
    school = school_class.school
    return _answer("class", str(school_class.pk), str(school_class), school.district_id, start_year, period, rows)


@router.get(
    "/districts/{code}/plan", response={200: PlanTasksOut, **ERRORS}, summary=_("A district's plan and its tasks")
)
def district_plan(request, code: str, year: int | None = None):
    district, start_year = _district(request, code), _start_year(year)
    plan = plan_for(district.pk, start_year)
    tasks = []
    for task in (
        plan.tasks.select_related("plan").prefetch_related("targets").order_by("order", "id")
        if plan is not None
        else []
    ):
        target = task.target_for(start_year)
        tasks.append(
            {
                "id": task.pk,
                "order": task.order,
                "kind": task.kind,
                "title": task.title,
                "description": task.description,
                "responsible": task.responsible,
                "grades": task.grades or [],
                "school_kinds": task.school_kinds or [],
                "hours": float(task.hours),
                "hours_period": task.hours_period,
                "activity_types": task.activity_types or [],
                "activity_count": task.activity_count,
                "this_year": {
                    "target": float(target.target) if target is not None and target.target is not None else None,
                    "deadline": target.deadline if target is not None else None,
                },
            }
        )
    return {"district": district.code, "school_year": start_year, "plan": _plan_out(plan), "tasks": tasks}


@router.get(
    "/ledger", response={200: list[LedgerItemOut], **ERRORS}, summary=_("Ledger items (销账/整改) and their state")
)
@paginate(CursorPagination, ordering=("id",), page_size=100, max_page_size=100)
def ledger(request, year: int | None = None, school: str | None = None, state: str | None = None):
    items = scope.api_in_schools(request.auth, LedgerItem.objects.all()).filter(
        school_year__start_year=_start_year(year)
    )
    if school:
        items = items.filter(school__code=school)
    if state:
        items = items.filter(state=state)
    return items.select_related("school", "task", "school_year")


@router.get("/districts/{code}/report", response={200: ReportOut, **ERRORS}, summary=_("A district's 通报 table"))
def district_report(
    request, code: str, year: int | None = None, period: str = Period.YEAR.value, group_by: str = "school"
):
    district, start_year, period = _district(request, code), _start_year(year), _period(period)
    if group_by not in GROUPINGS:
        raise HttpError(422, "invalid")
    plan = plan_for(district.pk, start_year)
    lines, total = report_lines(district.pk, Filters(start_year=start_year, period=period), plan, group_by)
    refresh = last_refresh(district.pk, start_year)

    def line(row) -> dict:
        return {"name": str(row.name), "township": row.township, "figures": _figures(row.figures, plan)}

    return {
        "district": district.code,
        "school_year": start_year,
        "period": period,
        "group_by": group_by,
        "plan": _plan_out(plan),
        "refreshed_at": refresh.finished_at if refresh else None,
        "columns": PUBLISHED_HEADERS,
        "lines": [line(row) for row in lines],
        "total": line(total),
    }
