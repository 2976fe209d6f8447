"""Refreshing the roll-up table from the records: one class as its records change (plans/live.py), or one school
at a time, each in its own transaction (the full rebuild, a repair).

Each row keeps both sides of the plan's choice about flagged records (left out, counted), so changing the
plan's setting changes the screens at once; a flag confirmed or cleared shows at the next refresh.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from people.models import District, School, SchoolClass, SchoolYear

from . import metrics
from .models import FIGURE_FIELDS, FLAG_DEPENDENT_FIELDS, ClassFigures, PendingRefresh, Refresh, with_flagged
from .planning import plan_for


def refresh_school(school: School, school_year: SchoolYear, plan=None) -> int:
    classes = SchoolClass.objects.filter(school=school, school_year=school_year)
    rows = _rows(school, school_year, metrics.compute_both_sides(classes, school_year, plan), classes)
    # Readers see either the old rows or the new ones of a school, never a mix.
    with transaction.atomic():
        ClassFigures.objects.filter(school=school, school_year=school_year).delete()
        ClassFigures.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def refresh_class(school_class: SchoolClass, plan=None) -> int:
    """Recompute one class's rows (every period) from the records: what a live event queues (plans/live.py).

    The same figures `refresh_school` gives the class: the school's other classes are read only to place a
    flagged activity that counts for several classes on the first of them.
    """
    school, school_year = school_class.school, school_class.school_year
    if plan is None:
        plan = plan_for(school.district_id, school_year.start_year)
    one = SchoolClass.objects.filter(pk=school_class.pk)
    school_classes = SchoolClass.objects.filter(school=school, school_year=school_year)
    computed = metrics.compute_both_sides(one, school_year, plan, school_classes=school_classes)
    rows = _rows(school, school_year, computed, one)
    with transaction.atomic():
        ClassFigures.objects.filter(school_class=school_class).delete()
        ClassFigures.objects.bulk_create(rows)
    return len(rows)


def _rows(school: School, school_year: SchoolYear, computed: dict, classes) -> list[ClassFigures]:
    grades = dict(classes.values_list("id", "grade"))
    rows = []
    for (class_id, period), sides in computed.items():
        grade = grades[class_id]
        rows.append(
            ClassFigures(
                school_year=school_year,
                period=period,
                district_id=school.district_id,
                school=school,
                school_class_id=class_id,
                school_kind=school.kind,
                township=school.township,
                grade=grade,
                grade_band=_band(grade, school),
                **{name: getattr(sides.without_flagged, name) for name in FIGURE_FIELDS},
                **{with_flagged(name): getattr(sides.with_flagged, name) for name in FLAG_DEPENDENT_FIELDS},
            )
        )
    return rows


def _band(grade: int, school: School) -> str:
    from people.grades import grade_band

    return grade_band(grade, vocational=school.is_vocational)


def refresh_district(district: District, start_year: int) -> Refresh:
    school_year = SchoolYear.get_or_create_for(start_year)
    plan = plan_for(district.id, start_year)
    run = Refresh.objects.create(district=district, school_year=school_year)
    total = 0
    for school in School.objects.filter(district=district).order_by("id"):
        total += refresh_school(school, school_year, plan)
    run.finished_at = timezone.now()
    run.rows = total
    run.save(update_fields=["finished_at", "rows"])
    return run


def last_refresh(district_id: int, start_year: int) -> Refresh | None:
    return (
        Refresh.objects.filter(district_id=district_id, school_year__start_year=start_year, finished_at__isnull=False)
        .order_by("-finished_at")
        .first()
    )


@dataclass(frozen=True)
class Freshness:
    """How current the figures on a screen are: when the newest of them was computed, and how many of the
    classes behind them wait for a refresh an event queued."""

    updated_at: datetime.datetime | None
    pending: int


def freshness(rows: QuerySet, district_id: int, start_year: int) -> Freshness:
    """For the roll-up rows a screen shows (`rows`) of a district's school year: two queries."""
    updated_at = rows.aggregate(latest=Max("refreshed_at"))["latest"]
    pending = PendingRefresh.objects.filter(
        school_class__school__district_id=district_id, school_class__school_year__start_year=start_year
    ).count()
    return Freshness(updated_at=updated_at, pending=pending)
