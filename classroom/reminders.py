"""Reminders of assigned work (docs/operations.md, "Reminders and notifications"), sent by `send_reminders`.

A student is told once when a piece of work given to him falls due within DUE_SOON_DAYS and he has not
finished it, and once when it is overdue (up to OVERDUE_LOOKBACK_DAYS after the due date, so old work does not
flood a new inbox). Each teacher of a class gets a summary of the class's overdue work, again whenever another
piece becomes overdue. Finished and "assigned" mean what classroom/progress.py says they mean.
"""

import datetime
import hashlib

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from people import membership
from people.models import ClassTeacher, SchoolClass
from people.notifications import notify

from . import progress
from .models import Assignment

DUE_SOON_DAYS = 2
OVERDUE_LOOKBACK_DAYS = 7


def _title(assignment: Assignment) -> str:
    return str(getattr(assignment.target, "title", assignment.target))


def send_assignment_reminders(today: datetime.date | None = None) -> int:
    """Tell students of due-soon and overdue work and teachers of their classes' overdue work; return how many
    notifications are new."""
    today = today or timezone.localdate()
    window = Q(due_on__gte=today - datetime.timedelta(days=OVERDUE_LOOKBACK_DAYS)) & Q(
        due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS)
    )
    assignments = list(
        Assignment.objects.active()
        .filter(window, starts_on__lte=today)
        .select_related("lesson", "module", "quiz", "school_class")
        .order_by("school_class_id", "due_on", "id")
    )
    by_class: dict[int, list[Assignment]] = {}
    for assignment in assignments:
        by_class.setdefault(assignment.school_class_id, []).append(assignment)
    sent = 0
    # A reminder is written in the site's language, whatever language the run was started in.
    with override(settings.LANGUAGE_CODE):
        for class_assignments in by_class.values():
            sent += _remind_class(class_assignments[0].school_class, class_assignments, today)
    return sent


def _remind_class(school_class: SchoolClass, assignments: list[Assignment], today: datetime.date) -> int:
    students = list(membership.students_on_roll(school_class, today).select_related("user"))
    plans = progress.plans_for(assignments)
    cells = progress.cells_for(plans, [s.pk for s in students])
    home = reverse("core:home")
    sent = 0
    overdue_counts = []
    for plan in plans:
        assignment = plan.assignment
        waiting = [
            s.user
            for s in students
            if cells[(s.pk, assignment.pk)].assigned and not cells[(s.pk, assignment.pk)].finished
        ]
        if not waiting:
            continue
        values = {"title": _title(assignment), "due": assignment.due_on.isoformat()}
        if assignment.due_on < today:
            overdue_counts.append((assignment, len(waiting)))
            sent += len(
                notify(
                    waiting,
                    "classroom.overdue",
                    _("Overdue: %(title)s") % values,
                    _("“%(title)s” was due on %(due)s and is not finished yet.") % values,
                    home,
                    f"classroom.overdue:a{assignment.pk}",
                )
            )
        else:
            sent += len(
                notify(
                    waiting,
                    "classroom.due_soon",
                    _("Due soon: %(title)s") % values,
                    _("“%(title)s” is due on %(due)s.") % values,
                    home,
                    f"classroom.due_soon:a{assignment.pk}",
                )
            )
    if overdue_counts:
        sent += _teacher_summary(school_class, overdue_counts)
    return sent


def _teacher_summary(school_class: SchoolClass, overdue_counts) -> int:
    teachers = [
        link.teacher for link in ClassTeacher.objects.filter(school_class=school_class).select_related("teacher")
    ]
    if not teachers:
        return 0
    lines = [
        _("%(title)s (due %(due)s): %(count)s students have not finished")
        % {"title": _title(a), "due": a.due_on.isoformat(), "count": count}
        for a, count in overdue_counts
    ]
    # A new summary only when the set of overdue work changes, not every day it stays the same.
    fingerprint = hashlib.sha256(",".join(str(a.pk) for a, _count in overdue_counts).encode()).hexdigest()[:16]
    return len(
        notify(
            teachers,
            "classroom.overdue_summary",
            _("Overdue work in %(class)s") % {"class": str(school_class)},
            "\n".join(lines),
            reverse("classroom:class_progress", args=[school_class.pk]),
            f"classroom.overdue_summary:c{school_class.pk}:{fingerprint}",
        )
    )
