"""The school's work after a promotion, which ends the chance to undo it (people.promotion).

Each answers whether the school has such a record for the new school year `year` made at or after `since` (the
moment of the promotion). A class hour or activity logged late for the year that ended does not count.
"""

from .models import Activity, Assignment, ClassHourLog, LessonProgress


def new_assignments(school, year, since) -> bool:
    return Assignment.objects.filter(
        school_class__school=school, school_class__school_year=year, created_at__gte=since
    ).exists()


def new_lesson_reading(school, year, since) -> bool:
    return LessonProgress.objects.filter(student__school=school, first_opened_at__gte=since).exists()


def new_class_hours(school, year, since) -> bool:
    return ClassHourLog.objects.filter(
        school_class__school=school, term__school_year=year, recorded_at__gte=since
    ).exists()


def new_activities(school, year, since) -> bool:
    return Activity.objects.filter(school=school, term__school_year=year, recorded_at__gte=since).exists()
