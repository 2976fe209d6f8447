"""Refreshing the roll-up table from the records: one school at a time, each in its own transaction."""

from django.db import transaction
from django.utils import timezone

from people.models import District, School, SchoolClass, SchoolYear

from . import metrics
from .models import FIGURE_FIELDS, ClassFigures, Refresh
from .planning import plan_for


def refresh_school(school: School, school_year: SchoolYear, plan=None) -> int:
    classes = SchoolClass.objects.filter(school=school, school_year=school_year)
    computed = metrics.compute_class_figures(classes, school_year, plan)
    grades = dict(classes.values_list("id", "grade"))
    rows = []
    for (class_id, period), figures in computed.items():
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
                **{name: getattr(figures, name) for name in FIGURE_FIELDS},
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
