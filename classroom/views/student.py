"""The student's side: my assignments (due soon, overdue, done), a module's lessons, and the certificate."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from people.models import Term

from .. import access, completion, progress
from ..models import Assignment, LessonProgress
from .access import require_student

ORDER = {"overdue": 0, "due_soon": 1, "open": 2, "done": 3}


def student_home_context(student) -> dict:
    items = progress.student_items(student, access.current_class_ids(student))
    groups = {state: [item for item in items if item.state == state] for state in ORDER}
    open_items = groups["overdue"] + groups["due_soon"] + groups["open"]
    return {"groups": groups, "open_items": open_items, "count": len(items), "todo": len(open_items)}


@login_required
def my_work(request):
    student = require_student(request.user)
    context = student_home_context(student)
    context["rule"] = completion.rule_in_plain_words()
    return render(request, "classroom/student_home.html", context)


@login_required
def module(request, pk: int):
    """The lessons of an assigned module, each with what is still missing."""
    student = require_student(request.user)
    try:
        assignment = (
            access.started_assignments(student).filter(module__isnull=False).select_related("module").get(pk=pk)
        )
    except Assignment.DoesNotExist:
        raise Http404 from None
    lessons = completion.module_lessons([assignment.module])[assignment.module_id]
    rows = {p.lesson_id: p for p in LessonProgress.objects.filter(student=student, lesson__in=lessons)}
    items = [
        {
            "lesson": lesson,
            "progress": rows.get(lesson.pk),
            "missing": completion.missing_steps(rows.get(lesson.pk), lesson, None),
        }
        for lesson in lessons
    ]
    return render(request, "classroom/module.html", {"assignment": assignment, "items": items})


@login_required
def certificate(request):
    student = require_student(request.user)
    term = Term.for_date(timezone.localdate())
    met, items = progress.term_requirement_met(student, access.current_class_ids(student), term)
    return render(
        request,
        "classroom/certificate.html",
        {"student": student, "term": term, "met": met, "items": items, "today": timezone.localdate()},
    )
