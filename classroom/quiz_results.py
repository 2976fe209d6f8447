"""A class's results on one assigned quiz: per question, the share correct and the most-chosen wrong option.

Which attempt counts is quizzes.counting's rule (through quizzes.stats): one per student, an attempt with a
confirmed integrity flag left out; this module limits the attempts to the class's students and puts names on
the numbers.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType

from quizzes import stats
from quizzes.models import Attempt, Option

from .integrity import describe
from .models import Assignment, IntegrityFlag
from .progress import class_students


@dataclass
class QuestionRow:
    label: str
    answered: int
    facility: float | None
    common_wrong: str
    common_wrong_share: float | None

    @property
    def facility_percent(self) -> int | None:
        return as_percent(self.facility, share=True)

    @property
    def common_wrong_percent(self) -> int | None:
        return as_percent(self.common_wrong_share, share=True)


def assignment_quiz(assignment: Assignment):
    if assignment.quiz_id:
        return assignment.quiz
    if assignment.lesson_id and assignment.lesson.quiz_id:
        return assignment.lesson.quiz
    return None


def as_percent(share_or_percent, *, share: bool = False) -> int | None:
    """Every figure on the results page in one format, a whole percent: a share (0.75) or a percent (75.0)."""
    if share_or_percent is None:
        return None
    return round(share_or_percent * 100 if share else share_or_percent)


def class_flags(quiz, students, user) -> list[dict]:
    """The integrity flags on the attempts of the class's students at this quiz, each with its student, rule and
    what the rule measured (classroom.integrity.describe), newest first."""
    attempt_ids = Attempt.objects.filter(student__in=students, quiz=quiz).values("pk")
    flags = list(
        IntegrityFlag.objects.filter(
            content_type=ContentType.objects.get_for_model(Attempt), object_id__in=attempt_ids
        ).select_related("student__user")
    )
    return describe.describe(flags, user, reviewable=set()) if flags else []


def class_quiz_results(assignment: Assignment, user=None) -> dict | None:
    quiz = assignment_quiz(assignment)
    if quiz is None:
        return None
    students = class_students(assignment.school_class)
    if not assignment.is_for_whole_class:  # a group's or chosen students' work: their results only
        students = students.filter(pk__in=assignment.recipients.values("pk"))
    attempts = stats.counting_attempts(Attempt.objects.filter(student__in=students), quiz)
    items = stats.item_statistics(attempts)
    labels = stats.question_labels([item.question_id for item in items])
    wrong_ids = [item.common_wrong_option_id for item in items if item.common_wrong_option_id]
    options = dict(Option.objects.filter(pk__in=wrong_ids).values_list("pk", "text")) if wrong_ids else {}
    rows = [
        QuestionRow(
            label=labels.get(item.question_id, str(item.question_id)),
            answered=item.answered,
            facility=item.facility,
            common_wrong=options.get(item.common_wrong_option_id, ""),
            common_wrong_share=item.common_wrong_share,
        )
        for item in items
    ]
    summary = stats.quiz_summary(attempts)
    percents = {
        "mean": as_percent(summary["mean_percent"]),
        "pass": as_percent(summary["pass_rate"], share=True),
        "full": as_percent(summary["full_rate"], share=True),
    }
    return {
        "quiz": quiz,
        "summary": summary,
        "percents": percents,
        "questions": rows,
        "flags": class_flags(quiz, students, user) if user is not None else [],
    }
