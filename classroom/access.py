"""The quiz availability rule classroom adds: a quiz is open to a student when it is assigned to his current
class — directly, as the quiz of an assigned lesson, or of a lesson in an assigned module — and the assignment
has started and is not withdrawn."""

from django.db.models import Q
from django.utils import timezone

from lessons.models import LessonPage
from people import membership

from .completion import module_lessons
from .models import Assignment


def current_class_ids(student) -> list[int]:
    """The student's classes now: people.membership decides, as it does for the class's own pages."""
    return membership.current_class_ids(student)


def started_assignments(student, today=None):
    today = today or timezone.localdate()
    return Assignment.objects.active().filter(school_class_id__in=current_class_ids(student), starts_on__lte=today)


def assigned_quiz_ids(student, today=None) -> set[int]:
    ids: set[int] = set()
    lesson_ids = []
    modules = []
    for assignment in started_assignments(student, today).select_related("module"):
        if assignment.quiz_id:
            ids.add(assignment.quiz_id)
        elif assignment.lesson_id:
            lesson_ids.append(assignment.lesson_id)
        elif assignment.module_id:
            modules.append(assignment.module)
    if lesson_ids:
        ids.update(LessonPage.objects.filter(pk__in=lesson_ids, quiz__isnull=False).values_list("quiz_id", flat=True))
    for lessons in module_lessons(modules).values():
        ids.update(lesson.quiz_id for lesson in lessons if lesson.quiz_id)
    return ids


def assigned_to_class(student) -> Q:
    return Q(pk__in=assigned_quiz_ids(student))


def assigned_lessons(student, today=None) -> dict[int, LessonPage]:
    """The lessons the student has been given (directly or in a module), by id."""
    lessons: dict[int, LessonPage] = {}
    modules = []
    for assignment in started_assignments(student, today).select_related("lesson", "module"):
        if assignment.lesson_id:
            lessons[assignment.lesson_id] = assignment.lesson
        elif assignment.module_id:
            modules.append(assignment.module)
    for module_lessons_ in module_lessons(modules).values():
        lessons.update((lesson.pk, lesson) for lesson in module_lessons_)
    return lessons
