"""A class's results on one assigned quiz: per question, the share correct and the most-chosen wrong option.

Which attempt counts is quizzes.counting's rule (through quizzes.stats): one per student, an attempt with a
confirmed integrity flag left out; this module limits the attempts to the class's students and puts names on
the numbers.
"""

from dataclasses import dataclass

from quizzes import stats
from quizzes.models import Attempt, Option

from .models import Assignment
from .progress import class_students


@dataclass
class QuestionRow:
    label: str
    answered: int
    facility: float | None
    common_wrong: str
    common_wrong_share: float | None


def assignment_quiz(assignment: Assignment):
    if assignment.quiz_id:
        return assignment.quiz
    if assignment.lesson_id and assignment.lesson.quiz_id:
        return assignment.lesson.quiz
    return None


def class_quiz_results(assignment: Assignment) -> dict | None:
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
    return {"quiz": quiz, "summary": stats.quiz_summary(attempts), "questions": rows}
