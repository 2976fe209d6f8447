"""Year-end promotion (升级): every class of a school moves up a grade into the next school year.

Promotion makes new SchoolClass rows (linked by `promoted_from`) and new Enrollment rows; last year's classes
and enrollments are never touched, so every figure about last year stays what it was. Students of the top grade
are marked graduated. Running it twice changes nothing the second time.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from core import audit

from . import membership
from .models import Enrollment, School, SchoolClass, SchoolYear, Student
from .signals import roster_changed


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
    # Who goes on: the students still on the roll (people.membership) the day after the year ends, or after
    # today when promotion runs later, so nobody who left, graduated or was anonymised is carried on.
    staying_on = max(today, from_year.ends_on) + datetime.timedelta(days=1)
    for old in old_classes:
        students = list(membership.class_roll(old, staying_on).values_list("student_id", flat=True))
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
                # No join date: a promoted student is on the new class's roll from the year's first day, even when
                # promotion runs after that day (people.membership reads an empty `joined_on` so).
                enrollments.append(Enrollment(student_id=pk, school_class=target, school_year=to_year))
    Enrollment.objects.bulk_create(enrollments, batch_size=1000)
    result.students_promoted = len(enrollments)
    result.students_graduated = Student.objects.filter(pk__in=graduates).update(graduated_on=today)
    roster_changed.send(sender=School, school_id=school.pk, school_year_id=to_year.pk, student_ids=graduates)
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
