"""Year-end promotion (升级): every class of a school moves up a grade into the next school year.

Promotion makes new SchoolClass rows (linked by `promoted_from`) and new Enrollment rows; last year's classes
and enrollments are never touched, so every figure about last year stays what it was. Students of the top grade
are marked graduated. Running it twice changes nothing the second time.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from core import audit

from .models import Enrollment, School, SchoolClass, SchoolYear, Student


@dataclass
class PromotionResult:
    from_year: SchoolYear
    to_year: SchoolYear
    classes_created: int = 0
    students_promoted: int = 0
    students_graduated: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.classes_created or self.students_promoted or self.students_graduated)


def promotion_years(school: School) -> tuple[SchoolYear, SchoolYear] | None:
    """The school year to promote from (its latest year with classes) and the one after it."""
    latest = SchoolYear.objects.filter(classes__school=school).order_by("-start_year").distinct().first()
    if latest is None:
        return None
    return latest, SchoolYear.get_or_create_for(latest.start_year + 1)


@transaction.atomic
def promote_school(school: School, from_year: SchoolYear, to_year: SchoolYear, actor=None, request=None):
    top_grade = max(school.grades)
    result = PromotionResult(from_year, to_year)
    today = timezone.localdate()
    old_classes = list(SchoolClass.objects.filter(school=school, school_year=from_year).order_by("grade", "number"))
    new_classes = {(c.grade, c.number): c for c in SchoolClass.objects.filter(school=school, school_year=to_year)}
    already_enrolled = set(
        Enrollment.objects.filter(school_year=to_year, student__school=school).values_list("student_id", flat=True)
    )
    enrollments = []
    graduates = []
    for old in old_classes:
        students = list(
            Student.objects.filter(
                enrollments__school_class=old,
                enrollments__left_on__isnull=True,
                left_on__isnull=True,
                graduated_on__isnull=True,
                anonymised_at__isnull=True,
            ).values_list("id", flat=True)
        )
        if old.grade >= top_grade:
            graduates += [pk for pk in students if pk not in already_enrolled]
            continue
        target = new_classes.get((old.grade + 1, old.number))
        if target is None:
            target = SchoolClass.objects.create(
                school=school, school_year=to_year, grade=old.grade + 1, number=old.number, promoted_from=old
            )
            new_classes[(target.grade, target.number)] = target
            result.classes_created += 1
        for pk in students:
            if pk not in already_enrolled:
                enrollments.append(Enrollment(student_id=pk, school_class=target, school_year=to_year, joined_on=today))
    Enrollment.objects.bulk_create(enrollments, batch_size=1000)
    result.students_promoted = len(enrollments)
    result.students_graduated = Student.objects.filter(pk__in=graduates).update(graduated_on=today)
    if result.changed:
        audit.record(
            "people.promotion",
            request=request,
            actor=actor,
            target=f"{school.code} {school.name}",
            district_id=school.district_id,
            from_year=str(from_year),
            to_year=str(to_year),
            classes_created=result.classes_created,
            students_promoted=result.students_promoted,
            students_graduated=result.students_graduated,
        )
    return result
