"""Where each student stands on each assignment, computed in a fixed number of queries for a whole class.

Queries: the assignments, the students, the lessons of assigned modules, their quizzes, the lesson progress
rows, the attempts — six, however many students or assignments (see tests/test_progress_queries.py).
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from people import membership
from people.models import Enrollment, SchoolClass, Student
from quizzes.models import Quiz

from . import completion
from .models import Assignment, LessonProgress

DUE_SOON_DAYS = 3


@dataclass
class Cell:
    """One student on one assignment."""

    opened: bool = False
    finished: bool = False
    finished_at: datetime.datetime | None = None
    lessons_done: int = 0
    lessons_total: int = 0
    attempts: int = 0
    best: float | None = None
    flagged: int = 0
    # Finished after the due date (the local day of finishing is later than `due_on`).
    late: bool = False
    assigned: bool = True  # False: the assignment goes to a group or chosen students, not to this one

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        if self.lessons_total:
            return round(100 * self.lessons_done / self.lessons_total)
        return 0


@dataclass
class Plan:
    """What an assignment asks for: its lessons and the quizzes that decide it."""

    assignment: Assignment
    lessons: list = field(default_factory=list)
    quiz: Quiz | None = None


def plans_for(assignments: list[Assignment]) -> list[Plan]:
    lessons_of = completion.assignment_lessons(assignments)
    recipients = _recipients(assignments)
    plans = []
    for assignment in assignments:
        assignment.recipient_ids = recipients.get(assignment.pk, set())
        if assignment.lesson_id or assignment.module_id:
            plans.append(Plan(assignment, lessons_of[assignment.pk]))
        else:
            plans.append(Plan(assignment, [], assignment.quiz))
    quiz_ids = {lesson.quiz_id for plan in plans for lesson in plan.lessons if lesson.quiz_id}
    quizzes = {quiz.pk: quiz for quiz in Quiz.objects.filter(pk__in=quiz_ids)} if quiz_ids else {}
    for plan in plans:
        for lesson in plan.lessons:
            if lesson.quiz_id:
                # Share one Quiz object, so the rule and the cells read the same `counting` and `kind`.
                lesson.quiz = quizzes.get(lesson.quiz_id)
        if plan.quiz is None and len(plan.lessons) == 1 and plan.lessons[0].quiz_id:
            plan.quiz = plan.lessons[0].quiz
    return plans


def _recipients(assignments: list[Assignment]) -> dict[int, set[int]]:
    """The students named by each assignment given to a group or to chosen students — one query."""
    targeted = [a.pk for a in assignments if not a.is_for_whole_class]
    result: dict[int, set[int]] = {}
    if targeted:
        through = Assignment.recipients.through
        for assignment_id, student_id in through.objects.filter(assignment_id__in=targeted).values_list(
            "assignment_id", "student_id"
        ):
            result.setdefault(assignment_id, set()).add(student_id)
    return result


def is_given_to(assignment: Assignment, student_id: int) -> bool:
    """`Assignment.objects.for_student` for an assignment `plans_for` has read: the whole class's, or naming him."""
    return assignment.is_for_whole_class or student_id in assignment.recipient_ids


def cells_for(
    plans: list[Plan], student_ids: list[int], students_of: dict[int, list[int]] | None = None
) -> dict[tuple[int, int], Cell]:
    """{(student_id, assignment_id): Cell} for every pair, or, with `students_of` ({class id: student ids}),
    only for the pairs of a student and an assignment of the same class (several classes in one pass). A student
    the assignment is not given to gets a cell with `assigned` False, which counts nowhere."""
    lesson_ids = {lesson.pk for plan in plans for lesson in plan.lessons}
    progress = {}
    if lesson_ids and student_ids:
        for row in LessonProgress.objects.filter(student_id__in=student_ids, lesson_id__in=lesson_ids).values(
            "student_id", "lesson_id", "completed_at"
        ):
            progress[(row["student_id"], row["lesson_id"])] = row["completed_at"]
    quizzes = {}
    for plan in plans:
        if plan.quiz:
            quizzes[plan.quiz.pk] = plan.quiz
        for lesson in plan.lessons:
            if lesson.quiz_id and lesson.quiz:
                quizzes[lesson.quiz_id] = lesson.quiz
    attempts = completion.counting_attempts(student_ids, quizzes.values()) if student_ids else {}
    cells = {}
    for plan in plans:
        assignment = plan.assignment
        for student_id in student_ids if students_of is None else students_of.get(assignment.school_class_id, []):
            cell = Cell(lessons_total=len(plan.lessons))
            if not is_given_to(assignment, student_id):
                cell.assigned = False
                cells[(student_id, assignment.pk)] = cell
                continue
            if plan.lessons:
                done = [progress.get((student_id, lesson.pk)) for lesson in plan.lessons]
                cell.opened = any((student_id, lesson.pk) in progress for lesson in plan.lessons)
                cell.lessons_done = sum(1 for finished_at in done if finished_at)
                cell.finished = cell.lessons_done == len(plan.lessons)
                cell.finished_at = max(done) if cell.finished else None
            if plan.quiz:
                entry = attempts.get((student_id, plan.quiz.pk))
                if entry:
                    cell.attempts, cell.best, cell.flagged = entry["attempts"], entry["best"], entry["flagged"]
                    cell.opened = True
                if not plan.lessons:
                    counting = entry["counting"] if entry else None
                    cell.finished = completion.attempt_counts_as_done(plan.quiz, counting)
                    cell.finished_at = counting["submitted_at"] if cell.finished else None
            cell.late = cell.finished_at is not None and timezone.localdate(cell.finished_at) > assignment.due_on
            cells[(student_id, assignment.pk)] = cell
    return cells


SHORT_TITLE_CHARS = 8


def short_title(title: str, limit: int = SHORT_TITLE_CHARS) -> str:
    """A column heading that fits a phone: the title itself when short, else its first characters and "…"."""
    title = str(title).strip()
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def class_assignments(school_class: SchoolClass):
    return (
        Assignment.objects.active()
        .filter(school_class=school_class)
        .select_related("lesson", "module", "quiz", "created_by")
        .order_by("starts_on", "id")
    )


def class_students(school_class: SchoolClass):
    """The class's students on the roll now (people.membership): the grid, its exports and the class page agree."""
    return membership.students_on_roll(school_class).select_related("user")


@dataclass
class ClassProgress:
    school_class: SchoolClass
    plans: list[Plan]
    students: list[Student]
    cells: dict

    def rows(self):
        """(student, [(plan, cell), …], finished count) per student, in the students' order."""
        for student in self.students:
            pairs = [(plan, self.cells[(student.pk, plan.assignment.pk)]) for plan in self.plans]
            yield student, pairs, sum(1 for _, cell in pairs if cell.finished)

    def finished_counts(self) -> dict[int, int]:
        return {
            plan.assignment.pk: sum(1 for s in self.students if self.cells[(s.pk, plan.assignment.pk)].finished)
            for plan in self.plans
        }

    def assigned_counts(self) -> dict[int, int]:
        """How many of the class's students each assignment is given to (on the roll now)."""
        return {
            plan.assignment.pk: sum(1 for s in self.students if self.cells[(s.pk, plan.assignment.pk)].assigned)
            for plan in self.plans
        }

    def assigned_total(self, student) -> int:
        return sum(1 for plan in self.plans if self.cells[(student.pk, plan.assignment.pk)].assigned)


def class_progress(school_class: SchoolClass) -> ClassProgress:
    plans = plans_for(list(class_assignments(school_class)))
    students = list(class_students(school_class))
    return ClassProgress(school_class, plans, students, cells_for(plans, [s.pk for s in students]))


# --- the teacher's home: every class at once ------------------------------------------------------------


@dataclass
class ClassSummary:
    """One class on the teacher's home: how much of its work is finished, what is due soon and what is overdue.

    `finished` and `expected` count (student, assignment) pairs; `due_soon` and `overdue` hold (plan, number of
    students who have not finished it), only for work someone still has to finish."""

    school_class: SchoolClass
    students: int = 0
    finished: int = 0
    expected: int = 0
    due_soon: list = field(default_factory=list)
    overdue: list = field(default_factory=list)

    @property
    def percent(self) -> int | None:
        return round(100 * self.finished / self.expected) if self.expected else None


def classes_summary(classes, today=None) -> list[ClassSummary]:
    """A ClassSummary per class, in the order given, in a fixed number of queries however many classes,
    students or assignments (the assignments, module lessons, quizzes, the rolls, progress rows, attempts)."""
    today = today or timezone.localdate()
    classes = list(classes)
    summaries = {c.pk: ClassSummary(c) for c in classes}
    if not classes:
        return []
    assignments = list(
        Assignment.objects.active()
        .filter(school_class__in=[c.pk for c in classes], starts_on__lte=today)
        .select_related("lesson", "module", "quiz")
        .order_by("due_on", "id")
    )
    students_of: dict[int, list[int]] = {c.pk: [] for c in classes}
    by_day: dict[datetime.date, list[int]] = {}
    for school_class in classes:
        by_day.setdefault(membership.roll_day(school_class, today), []).append(school_class.pk)
    for day, ids in by_day.items():
        rows = membership.on_roll(Enrollment.objects.filter(school_class_id__in=ids), day)
        for class_id, student_id in rows.values_list("school_class_id", "student_id"):
            students_of[class_id].append(student_id)
    plans = plans_for(assignments)
    every_student = sorted({pk for ids in students_of.values() for pk in ids})
    cells = cells_for(plans, every_student, students_of) if plans and every_student else {}
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    for plan in plans:
        assignment = plan.assignment
        summary = summaries[assignment.school_class_id]
        # Only the students the work was given to (a group's or chosen students' work counts for them alone).
        roll = [pk for pk in students_of[assignment.school_class_id] if cells[(pk, assignment.pk)].assigned]
        done = sum(1 for pk in roll if cells[(pk, assignment.pk)].finished)
        summary.finished += done
        summary.expected += len(roll)
        if done < len(roll):
            if assignment.due_on < today:
                summary.overdue.append((plan, len(roll) - done))
            elif assignment.due_on <= soon:
                summary.due_soon.append((plan, len(roll) - done))
    for school_class in classes:
        summaries[school_class.pk].students = len(students_of[school_class.pk])
    return [summaries[c.pk] for c in classes]


# --- the student's side ---------------------------------------------------------------------------------


@dataclass
class StudentItem:
    plan: Plan
    cell: Cell
    state: str  # "done", "overdue", "due_soon", "open"


def student_items(student: Student, class_ids: list[int], today=None) -> list[StudentItem]:
    """The student's started assignments with their state, overdue first, then by due date."""
    today = today or timezone.localdate()
    assignments = list(
        Assignment.objects.active()
        .filter(school_class_id__in=class_ids, starts_on__lte=today)
        .for_student(student.pk)
        .select_related("lesson", "module", "quiz")
        .order_by("due_on", "id")
    )
    plans = plans_for(assignments)
    cells = cells_for(plans, [student.pk])
    items = []
    for plan in plans:
        cell = cells[(student.pk, plan.assignment.pk)]
        if cell.finished:
            state = "done"
        elif plan.assignment.due_on < today:
            state = "overdue"
        elif plan.assignment.due_on <= today + datetime.timedelta(days=DUE_SOON_DAYS):
            state = "due_soon"
        else:
            state = "open"
        items.append(StudentItem(plan, cell, state))
    return items


def term_requirement_met(student: Student, class_ids: list[int], term) -> tuple[bool, list[StudentItem]]:
    """A student meets the term's requirement when every assignment of the term given to him is finished
    (and there was at least one)."""
    assignments = list(
        Assignment.objects.active()
        .filter(school_class_id__in=class_ids, term=term)
        .for_student(student.pk)
        .select_related("lesson", "module", "quiz")
        .order_by("starts_on", "id")
    )
    plans = plans_for(assignments)
    cells = cells_for(plans, [student.pk])
    items = [StudentItem(plan, cells[(student.pk, plan.assignment.pk)], "") for plan in plans]
    return bool(items) and all(item.cell.finished for item in items), items
