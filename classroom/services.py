"""Recording classroom work: assignments, class hours, activities with evidence, student works.

Views check scope (classroom.permissions) and validate forms; these functions write the rows, sanitise what
people typed, and keep history (classroom.history) in the same transaction.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.sanitize import clean_html, clean_plain
from people import membership
from people.models import SchoolClass, Student
from quizzes.models import Attempt

from . import completion, evidence_files
from .history import record_revision
from .integrity import records as plausibility
from .models import (
    Activity,
    ActivityClass,
    ActivityEvidence,
    Allowance,
    Assignment,
    AssignmentLesson,
    Audience,
    ClassGroup,
    ClassHourLog,
    RevisionAction,
    StudentWork,
)

# --- assignments ----------------------------------------------------------------------------------------


def _audience_text(assignment: Assignment) -> str:
    if assignment.is_for_whole_class:
        return _("the whole class")
    if assignment.group_id and assignment.group is not None:
        return _("the group “%(name)s”") % {"name": assignment.group.name}
    return _("chosen students")


def duplicates(school_class, *, lesson=None, module=None, quiz=None, student_ids=None, today=None) -> list[str]:
    """Why assigning this to the class (to `student_ids`, or to the whole class when None) would repeat work
    already open for some of the same students: one translated sentence per clash, empty when there is none.

    Open means not withdrawn and not yet past its due date. The same lesson, module or quiz clashes; so do a
    quiz and a lesson whose quiz it is, since the lesson's quiz comes with the lesson (one task).
    """
    today = today or timezone.localdate()
    same = Q(pk__in=[])
    if lesson is not None:
        same |= Q(lesson=lesson)
        if lesson.quiz_id:
            same |= Q(quiz_id=lesson.quiz_id)
    if module is not None:
        same |= Q(module=module)
    if quiz is not None:
        same |= Q(quiz=quiz) | Q(lesson__quiz=quiz)
    open_ones = (
        Assignment.objects.active()
        .filter(same, school_class=school_class, due_on__gte=today)
        .select_related("lesson", "module", "quiz", "group")
    )
    wanted = None if student_ids is None else set(student_ids)
    messages = []
    for existing in open_ones:
        if not existing.is_for_whole_class and wanted is not None:
            overlap = wanted & set(existing.recipients.values_list("pk", flat=True))
            if not overlap:
                continue
        params = {
            "title": existing.target,
            "class": school_class.name,
            "due": existing.due_on.isoformat(),
            "who": _audience_text(existing),
        }
        if quiz is not None and existing.lesson_id:
            messages.append(
                _(
                    "The quiz “%(quiz)s” comes with the lesson “%(title)s”, already assigned to %(class)s "
                    "(%(who)s) until %(due)s: students take it after reading the lesson."
                )
                % dict(params, quiz=quiz.title)
            )
        elif lesson is not None and existing.quiz_id:
            messages.append(
                _(
                    "The quiz of this lesson, “%(title)s”, is already assigned to %(class)s (%(who)s) until "
                    "%(due)s. Withdraw the quiz assignment first: the lesson brings its quiz with it."
                )
                % params
            )
        else:
            messages.append(
                _(
                    "“%(title)s” is already assigned to %(class)s (%(who)s) until %(due)s. Change the dates of "
                    "that assignment or withdraw it instead of assigning it again."
                )
                % params
            )
    return messages


def _check_recipients(school_class, students) -> list:
    """The chosen students, each on the class's roll now (people.membership); ValidationError otherwise."""
    students = list(students)
    if not students:
        raise ValidationError({"students": _("Choose at least one student.")}, code="no_students")
    on_roll = set(membership.students_on_roll(school_class).values_list("pk", flat=True))
    if any(student.pk not in on_roll for student in students):
        raise ValidationError({"students": _("Choose students of the class.")}, code="not_in_class")
    return students


@transaction.atomic
def assign(
    user,
    classes,
    *,
    lesson=None,
    module=None,
    quiz=None,
    starts_on,
    due_on,
    note="",
    audience=Audience.CLASS,
    group=None,
    students=None,
) -> list[Assignment]:
    """One assignment per class, given to the whole class, to a group of it, or to chosen students of it.

    A group's members are copied onto the assignment as its recipients. A module assignment holds the module's
    live lessons of now (`AssignmentLesson`). Raises ValidationError, saving nothing, when the work is already
    open for some of the same students (`duplicates`) or the group or students are not of the one class chosen.
    """
    note = clean_html(note)
    classes = list(classes)
    # One writer per class at a time, so two teachers assigning the same lesson at once cannot both succeed.
    SchoolClass.objects.select_for_update().filter(pk__in=[c.pk for c in classes]).exists()
    recipients = None
    if audience != Audience.CLASS:
        if len(classes) != 1:
            raise ValidationError({"classes": _("Choose one class to give work to a group or to chosen students.")})
        if audience == Audience.GROUP:
            if group is None or group.school_class_id != classes[0].pk:
                raise ValidationError({"group": _("Choose a group of the class.")}, code="wrong_group")
            # Its members on the class's roll now: one who has left the class is given nothing.
            students = membership.students_on_roll(classes[0]).filter(pk__in=group.students.values("pk"))
        else:
            group = None
        recipients = _check_recipients(classes[0], students or [])
    else:
        group = None
    problems = []
    for school_class in classes:
        problems += duplicates(
            school_class,
            lesson=lesson,
            module=module,
            quiz=quiz,
            student_ids=None if recipients is None else [s.pk for s in recipients],
        )
    if problems:
        raise ValidationError(problems, code="duplicate")
    lessons = completion.module_lessons([module])[module.pk] if module is not None else []
    created = []
    for school_class in classes:
        assignment = Assignment.objects.create(
            school_class=school_class,
            lesson=lesson,
            module=module,
            quiz=quiz,
            starts_on=starts_on,
            due_on=due_on,
            note=note,
            created_by=user,
            audience=audience,
            group=group,
        )
        if recipients is not None:
            assignment.recipients.set(recipients)
        AssignmentLesson.objects.bulk_create([AssignmentLesson(assignment=assignment, lesson=x) for x in lessons])
        record_revision(
            assignment, RevisionAction.CREATED, user, extra={"lessons": [lesson_.pk for lesson_ in lessons]}
        )
        created.append(assignment)
    return created


@transaction.atomic
def add_new_lessons(user, assignment: Assignment) -> list:
    """Give the class the lessons published into the assigned module since it was assigned (the teacher chose to)."""
    lessons = completion.new_module_lessons(assignment)
    AssignmentLesson.objects.bulk_create(
        [AssignmentLesson(assignment=assignment, lesson=lesson) for lesson in lessons], ignore_conflicts=True
    )
    if lessons:
        held = list(assignment.lesson_links.order_by("lesson__path").values_list("lesson_id", flat=True))
        record_revision(assignment, RevisionAction.CHANGED, user, extra={"lessons": held})
    return lessons


@transaction.atomic
def grant_allowance(
    user, assignment: Assignment, student, *, extra_minutes: int, extra_attempts: int, reason: str
) -> Allowance:
    """Give one student extra time or extra attempts at the assignment's quiz, with a reason; history keeps every
    grant and change (who, when, why). Zero and zero takes the allowance back."""
    reason = clean_plain(reason)
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the allowance.")}, code="no_reason")
    allowance = Allowance.objects.filter(assignment=assignment, student=student).first()
    if not extra_minutes and not extra_attempts:
        if allowance is not None:
            allowance.reason = reason
            record_revision(allowance, RevisionAction.DELETED, user)
            allowance.delete()
        return None
    creating = allowance is None
    allowance = allowance or Allowance(assignment=assignment, student=student)
    allowance.extra_minutes, allowance.extra_attempts, allowance.reason = extra_minutes, extra_attempts, reason
    allowance.granted_by = user
    allowance.save()
    record_revision(allowance, RevisionAction.CREATED if creating else RevisionAction.CHANGED, user)
    return allowance


@transaction.atomic
def save_group(user, group: ClassGroup, students) -> ClassGroup:
    """Create or change a group of a class; its members must be on the class's roll. Assignments already given to
    the group keep the students they were given to."""
    students = _check_recipients(group.school_class, students)
    group.name = clean_plain(group.name)
    creating = group.pk is None
    if creating:
        group.created_by = user
    group.save()
    group.students.set(students)
    record_revision(group, RevisionAction.CREATED if creating else RevisionAction.CHANGED, user)
    return group


@transaction.atomic
def delete_group(user, group: ClassGroup) -> None:
    record_revision(group, RevisionAction.DELETED, user)
    group.delete()


@transaction.atomic
def change_assignment(user, assignment: Assignment, *, starts_on, due_on, note) -> Assignment:
    assignment.starts_on, assignment.due_on, assignment.note = starts_on, due_on, clean_html(note)
    assignment.save()
    record_revision(assignment, RevisionAction.CHANGED, user)
    return assignment


@transaction.atomic
def withdraw_assignment(user, assignment: Assignment) -> Assignment:
    if assignment.withdrawn_at is None:
        assignment.withdrawn_at = timezone.now()
        assignment.save(update_fields=["withdrawn_at", "updated_at"])
        record_revision(assignment, RevisionAction.WITHDRAWN, user)
    return assignment


# --- class hours ----------------------------------------------------------------------------------------


def _clean_log_text(log: ClassHourLog) -> None:
    log.topic = clean_plain(log.topic)
    log.instructor_name = clean_plain(log.instructor_name)
    log.parts_covered = clean_plain(log.parts_covered)
    log.note = clean_plain(log.note, multiline=True)


@transaction.atomic
def save_class_hour(user, log: ClassHourLog, *, today=None) -> ClassHourLog:
    """Create or change a class-hour log (the form has filled it in); history keeps every version.

    Past a hard limit (classroom.integrity.records) it raises ValidationError by field and saves nothing; an
    unusual but possible log is saved and flagged.
    """
    creating = log.pk is None
    if log.school_class_id is not None:
        # One writer per class at a time, so two logs saved at once cannot both fit a day that holds only one.
        SchoolClass.objects.select_for_update().filter(pk=log.school_class_id).first()
    check = plausibility.check_class_hour(log, today=today)
    check.raise_errors()
    _clean_log_text(log)
    if creating:
        log.recorded_by = user
    log.save()
    plausibility.settle_flags(log, check, school=log.school_class.school, school_class=log.school_class)
    record_revision(log, RevisionAction.CREATED if creating else RevisionAction.CHANGED, user)
    return log


@transaction.atomic
def delete_class_hour(user, log: ClassHourLog, *, today=None) -> None:
    """Delete a log (history keeps it) and settle the flags of the class's other logs of that day.

    A log flagged because the day held too many hours may be innocent once another log of the day is gone; its
    open flag is withdrawn as a correction would withdraw it. A decided flag keeps its decision.
    """
    record_revision(log, RevisionAction.DELETED, user)
    school_class, day = log.school_class, log.taught_on
    SchoolClass.objects.select_for_update().filter(pk=school_class.pk).first()
    log.delete()
    for sibling in ClassHourLog.objects.filter(school_class=school_class, taught_on=day).order_by("pk"):
        check = plausibility.check_class_hour(sibling, today=today)
        if not check.errors:  # a log that would now be refused (say, too late to edit) keeps its flags as they are
            plausibility.settle_flags(sibling, check, school=school_class.school, school_class=school_class)


# --- activities -----------------------------------------------------------------------------------------


def quiz_participants(activity: Activity) -> int:
    """Students of the school (of the chosen classes, when some are chosen) who submitted the contest quiz."""
    attempts = Attempt.objects.filter(
        quiz_id=activity.quiz_id, school_id=activity.school_id, submitted_at__isnull=False
    )
    class_ids = list(activity.class_links.values_list("school_class_id", flat=True))
    if class_ids:
        attempts = attempts.filter(school_class_id__in=class_ids)
    elif activity.grade:
        attempts = attempts.filter(school_class__grade=activity.grade)
    return attempts.values("student_id").distinct().count()


def refresh_participation(activity: Activity) -> int:
    """Set `participants`: counted from the contest quiz when one is linked, else the sum of the classes' counts
    (when classes were given with numbers), else left as typed."""
    if activity.quiz_id:
        total = quiz_participants(activity)
    else:
        counts = activity.class_links.values_list("participants", flat=True)
        total = plausibility.typed_participants(counts, activity.participants)
    if total != activity.participants:
        activity.participants = total
        Activity.objects.filter(pk=activity.pk).update(participants=total)
    return total


@transaction.atomic
def save_activity(user, activity: Activity, class_counts: dict | None = None, *, today=None) -> Activity:
    """Create or change an activity; `class_counts` maps each participating class to its number of students.

    Past a hard limit (classroom.integrity.records) it raises ValidationError by field and saves nothing; an
    unusual but possible activity is saved and flagged.
    """
    creating = activity.pk is None
    check = plausibility.check_activity(activity, class_counts, today=today)
    check.raise_errors()
    activity.title = clean_plain(activity.title)
    activity.description = clean_html(activity.description)
    if creating:
        activity.recorded_by = user
    activity.save()
    if class_counts is not None:
        activity.class_links.exclude(school_class__in=list(class_counts)).delete()
        for school_class, count in class_counts.items():
            ActivityClass.objects.update_or_create(
                activity=activity, school_class=school_class, defaults={"participants": count or 0}
            )
    refresh_participation(activity)
    plausibility.check_counted_participation(activity, check)
    classes = list(activity.classes.all()[:2])
    plausibility.settle_flags(
        activity, check, school=activity.school, school_class=classes[0] if len(classes) == 1 else None
    )
    record_revision(
        activity,
        RevisionAction.CREATED if creating else RevisionAction.CHANGED,
        user,
        extra={"class_counts": {str(c.pk): n for c, n in (class_counts or {}).items()}},
    )
    return activity


@transaction.atomic
def add_evidence(user, activity: Activity, uploads) -> list[ActivityEvidence]:
    """Check every file first (all or nothing), then store them. Raises ValidationError naming the bad file."""
    used = activity.evidence.aggregate(total=Sum("size"))["total"] or 0
    saved = evidence_files.store_batch(
        uploads,
        used,
        lambda upload, kind, size: ActivityEvidence(
            activity=activity,
            file_kind=kind,
            original_name=evidence_files.original_name(upload, kind),
            size=size,
            uploaded_by=user,
        ),
    )
    if saved:
        record_revision(
            activity, RevisionAction.CHANGED, user, extra={"evidence_added": [e.original_name for e in saved]}
        )
    return saved


@transaction.atomic
def remove_evidence(user, evidence: ActivityEvidence) -> None:
    activity = evidence.activity
    record_revision(activity, RevisionAction.CHANGED, user, extra={"evidence_removed": evidence.original_name})
    # The file goes with the row: evidence removed by its school is not kept in a place nobody can see.
    evidence.file.delete(save=False)
    evidence.delete()


# --- student works --------------------------------------------------------------------------------------


@transaction.atomic
def add_student_work(user, *, student: Student, upload, title: str, description: str = "", activity=None):
    data, kind = evidence_files.checked_file(upload)
    work = StudentWork(
        school_id=student.school_id,
        student=student,
        activity=activity,
        title=clean_plain(title)[:200],
        description=clean_html(description),
        file_kind=kind,
        original_name=evidence_files.original_name(upload, kind),
        size=len(data),
        uploaded_by=user,
    )
    evidence_files.store(work, data, kind)
    record_revision(work, RevisionAction.CREATED, user)
    return work


@transaction.atomic
def delete_student_work(user, work: StudentWork) -> None:
    record_revision(work, RevisionAction.DELETED, user)
    work.file.delete(save=False)
    work.delete()
