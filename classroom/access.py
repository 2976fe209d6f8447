"""The quiz availability rule classroom adds: a quiz is open to a student when it is assigned to him in his
current class — to the whole class, to a group he was in or to him by name; directly, as the quiz of an assigned
lesson, or of a lesson an assigned module holds — and the assignment has started and is not withdrawn."""

from django.db.models import Q
from django.utils import timezone

from people import membership
from quizzes import allowances

from .completion import assignment_lessons, module_lesson_links
from .models import Allowance, Assignment


def current_class_ids(student) -> list[int]:
    """The student's classes now: people.membership decides, as it does for the class's own pages."""
    return membership.current_class_ids(student)


def started_assignments(student, today=None):
    """The assignments given to the student now: of his current classes, to him (`for_student`), started. His
    classes are asked inside the same statement."""
    today = today or timezone.localdate()
    return (
        Assignment.objects.active()
        .filter(school_class_id__in=membership.current_classes(student), starts_on__lte=today)
        .for_student(getattr(student, "pk", student))
    )


def assigned_quiz_ids(student, today=None) -> set[int]:
    """The quizzes of the assignments given to the student now: an assignment's own, its lesson's, and those of
    the lessons a module assignment holds (`assignment_lessons`' rule). Read as ids, not as pages: the rule is
    asked at every sign-in of an exam, on the quiz's page and at start (issue #15)."""
    ids, modules = set(), []
    rows = started_assignments(student, today).values_list("pk", "quiz_id", "lesson_id", "lesson__quiz_id", "module_id")
    for pk, quiz_id, lesson_id, lesson_quiz_id, module_id in rows:
        ids.update(found for found in (quiz_id, lesson_quiz_id) if found)
        if module_id and not lesson_id:
            modules.append(pk)
    if modules:
        ids.update(
            module_lesson_links(modules).filter(lesson__quiz__isnull=False).values_list("lesson__quiz_id", flat=True)
        )
    return ids


def assigned_to_class(student) -> Q:
    return Q(pk__in=assigned_quiz_ids(student))


def assigned_lessons(student, today=None) -> dict[int, object]:
    """The lessons the student has been given (directly or in a module), by id."""
    assignments = list(started_assignments(student, today).select_related("lesson"))
    lessons = {}
    for lessons_of in assignment_lessons(assignments).values():
        lessons.update((lesson.pk, lesson) for lesson in lessons_of)
    return lessons


def assignments_with_quiz(student, quiz_id: int, today=None) -> list[Assignment]:
    """The assignments given to the student now that include the quiz: as their quiz, or as the quiz of a
    lesson they ask for (the assignments whose allowances may apply to an attempt at it)."""
    assignments = list(started_assignments(student, today).select_related("lesson"))
    lessons = assignment_lessons(assignments)
    return [
        assignment
        for assignment in assignments
        if assignment.quiz_id == quiz_id or any(lesson.quiz_id == quiz_id for lesson in lessons[assignment.pk])
    ]


def allowance_for(student, quiz) -> allowances.Allowance:
    """The extra time and attempts the student's teachers granted him at this quiz, on assignments given to him
    now that include it (quizzes.allowances takes this source's answer). One query for a student with none."""
    granted = list(
        Allowance.objects.filter(student=student, assignment__withdrawn_at__isnull=True).values_list(
            "assignment_id", "extra_minutes", "extra_attempts"
        )
    )
    if not granted:
        return allowances.NONE
    relevant = {assignment.pk for assignment in assignments_with_quiz(student, quiz.pk)}
    minutes = max((m for assignment_id, m, _ in granted if assignment_id in relevant), default=0)
    attempts = max((a for assignment_id, _, a in granted if assignment_id in relevant), default=0)
    return allowances.Allowance(minutes, attempts)
