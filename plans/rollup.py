"""Refreshing the roll-up table from the records: one school at a time, each in its own transaction.

Each row keeps both sides of the plan's choice about flagged records (left out, counted), so changing the
plan's setting changes the screens at once; a flag confirmed or cleared shows at the next refresh.
"""

from django.db import transaction
from django.utils import timezone

from people.models import District, School, SchoolClass, SchoolYear

from . import metrics
from .models import FIGURE_FIELDS, FLAG_DEPENDENT_FIELDS, ClassFigures, Refresh, with_flagged
from .planning import plan_for


def refresh_school(school: School, school_year: SchoolYear, plan=None) -> int:
    classes = SchoolClass.objects.filter(school=school, school_year=school_year)
    computed = metrics.compute_both_sides(classes, school_year, plan)
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
    # Readers see either the old rows or the new ones of a school, never a mix.
    with transaction.atomic():
        ClassFigures.objects.filter(school=school, school_year=school_year).delete()
        ClassFigures.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


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
