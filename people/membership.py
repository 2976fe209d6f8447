"""Who is in a class: the one definition of "on the roll of class C on date D" (and over a period, and now).

A student is on the roll of a class from `start` to `end` (one day when they are the same) when his enrollment
in the class
- had begun by `end`: its `joined_on` is empty (on the roll from the school year's first day) or not after `end`;
- had not ended before `start`: neither the enrollment's `left_on`, the student's `left_on` (left the school),
  `graduated_on` nor the day he was anonymised is before `start`.

So a student who left on D is still on the roll on D (he was there that day), one who left the day before is
not, one who joins after D is not yet. A student who moves class has one enrollment for the year whose class
changes (people.roster), so he is on the new class's roll from the move and no longer on the old one's.

Every screen and figure that lists or counts a class's students reads this module: the class page, the school
page, the progress grid and its exports, the slips, the metrics (a period's roll), the integrity checks of
records (the roll on the day taught), promotion (the roll on the last day of the year) and which classes open
their quizzes to a student (his classes now). Past enrollments stay, so a past class's roll is still answered.
"""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Enrollment, SchoolClass, SchoolYear, Student

# Each of these ends the enrollment for the days after it; the day itself still counts.
_ENDED_BY = ("left_on", "student__left_on", "student__graduated_on")


def on_roll_q(start: datetime.date, end: datetime.date | None = None) -> Q:
    """The rule as a condition on Enrollment rows, for filters and for annotations (one column per period)."""
    end = start if end is None else end
    q = Q(joined_on__isnull=True) | Q(joined_on__lte=end)
    for name in _ENDED_BY:
        q &= Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": start})
    return q & (Q(student__anonymised_at__isnull=True) | Q(student__anonymised_at__date__gte=start))


def on_roll(enrollments: QuerySet, start: datetime.date, end: datetime.date | None = None) -> QuerySet:
    """The enrollments among `enrollments` on the roll on `start` (or at any time from `start` to `end`)."""
    return enrollments.filter(on_roll_q(start, end))


def roll_day(school_class: SchoolClass, today: datetime.date | None = None) -> datetime.date:
    """The day "now" means for a class: today within its school year, else the year's nearer end.

    A class of a past year is read on its last day (its final roll, not everyone who ever left it); a class of
    the next year, made by promotion before the year starts, on its first.
    """
    return _within(today or timezone.localdate(), school_class.school_year)


def _within(day: datetime.date, year: SchoolYear) -> datetime.date:
    return min(max(day, year.starts_on), year.ends_on)


def class_roll(
    school_class: SchoolClass, day: datetime.date | None = None, end: datetime.date | None = None
) -> QuerySet:
    """Enrollments on the roll of one class on `day` (now, as `roll_day` reads it, when not given)."""
    day = day or roll_day(school_class)
    return on_roll(Enrollment.objects.filter(school_class=school_class), day, end)


def students_on_roll(
    school_class: SchoolClass, day: datetime.date | None = None, end: datetime.date | None = None
) -> QuerySet:
    """The students on the roll of one class, as Student rows in student-number order."""
    return Student.objects.filter(pk__in=class_roll(school_class, day, end).values("student_id")).order_by(
        "student_number"
    )


def roll_counts(classes, day: datetime.date | None = None) -> dict[int, int]:
    """How many students each class has on the roll on `day` (each class's `roll_day` when not given), by id.

    One query for classes of one school year; a class with no student gets 0.
    """
    classes = list(classes)
    counts = dict.fromkeys((c.pk for c in classes), 0)
    by_day: dict[datetime.date, list[int]] = {}
    for school_class in classes:
        by_day.setdefault(day or roll_day(school_class), []).append(school_class.pk)
    for when, ids in by_day.items():
        for class_id in on_roll(Enrollment.objects.filter(school_class_id__in=ids), when).values_list(
            "school_class_id", flat=True
        ):
            counts[class_id] += 1
    return counts


def current_classes(student: Student | int, day: datetime.date | None = None) -> QuerySet:
    """The ids of the classes the student is on the roll of now, in the current school year (`SchoolYear.current`'s
    rule: from August the coming year, whose classes promotion has made), read on the year's nearest day; as a
    query not yet run, so a caller can ask it inside its own statement (`school_class_id__in=`)."""
    day = day or timezone.localdate()
    year = SchoolYear.for_date(day)
    rows = Enrollment.objects.filter(student=student, school_year=year)
    return on_roll(rows, _within(day, year)).values_list("school_class_id", flat=True)


def current_class_ids(student: Student | int, day: datetime.date | None = None) -> list[int]:
    """`current_classes`, read."""
    return list(current_classes(student, day))
