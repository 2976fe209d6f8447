"""Teacher training (师资培训): grading a teacher's test and the figures per teacher and per school.

The test reuses the question bank and quizzes.grading.credit_for, the one grading rule; the result is a
classroom.TrainingCompletion. `school_training_figures` is the one place plans read training figures from.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet, Sum

from quizzes.grading import credit_for

from .models import TrainingCompletion


class AlreadyPassed(Exception):
    """The teacher has passed this course: its hours are earned once."""


def grade(questions, answers) -> int:
    """The test's score in whole percent: each question weighs the same; `answers` maps question id to the
    chosen option ids."""
    if not questions:
        return 0
    total = 0.0
    for question in questions:
        weights = {option.pk: option.weight for option in question.options.all()}
        total += credit_for(question.kind, question.scoring, weights, answers.get(question.pk, ()))
    return round(100 * total / len(questions))


def take_test(teacher, school, course, answers) -> TrainingCompletion:
    if TrainingCompletion.objects.filter(teacher=teacher, course=course, passed=True).exists():
        raise AlreadyPassed
    score = grade(course.questions(), answers)
    passed = score >= course.pass_mark
    try:
        with transaction.atomic():
            return TrainingCompletion.objects.create(
                teacher=teacher,
                school=school,
                course=course,
                score=score,
                passed=passed,
                hours=course.hours if passed else Decimal("0"),
            )
    except IntegrityError as error:  # two tabs submitting a pass at once
        raise AlreadyPassed from error


def teacher_hours(teacher) -> Decimal:
    return TrainingCompletion.objects.filter(teacher=teacher, passed=True).aggregate(h=Sum("hours"))["h"] or Decimal(0)


def hours_per_teacher(school) -> QuerySet:
    """The school's teachers who passed at least one course, with their courses and hours, largest first."""
    return (
        TrainingCompletion.objects.filter(school=school, passed=True)
        .values("teacher", "teacher__full_name", "teacher__username")
        .annotate(courses=Count("course"), hours=Sum("hours"))
        .order_by("-hours", "teacher__username")
    )


@dataclass(frozen=True)
class SchoolTraining:
    teachers_trained: int
    hours: Decimal


def school_training_figures(schools: QuerySet, until: datetime.datetime | None = None) -> dict[int, SchoolTraining]:
    """Per school id: teachers with at least one passed course there, and the hours earned there, in one query.
    Schools with no passes are present with zeros.

    `until` counts the passes before that moment only, so a past year's figure is what it was at the year's end:
    a training once passed stays passed, so later years count it again."""
    passed = Q(training_completions__passed=True)
    if until is not None:
        passed &= Q(training_completions__completed_at__lt=until)
    rows = schools.annotate(
        trained=Count("training_completions__teacher", filter=passed, distinct=True),
        earned=Sum("training_completions__hours", filter=passed),
    ).values_list("pk", "trained", "earned")
    return {pk: SchoolTraining(trained, earned or Decimal(0)) for pk, trained, earned in rows}
