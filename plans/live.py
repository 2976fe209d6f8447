"""Live figures: every record that feeds a class's figures queues a refresh of that class, without a button.

The lower apps never call plans (nothing imports plans): plans listens. It connects, in its AppConfig.ready(),
to the model signals of the records behind the figures (quiz attempts, lesson progress, class-hour logs,
activities and their classes, enrollments, students, integrity flags, classes) and to `people.signals.
roster_changed`, which the roster import and promotion send after writing enrollments in bulk (bulk writes send
no model signal).

Each event adds its classes (or the query that finds them, run after the commit so the event's request spends
no query on it) to the event's transaction's on-commit list (`classes_changed`); once it commits,
`mark` leaves one PendingRefresh row per class and queues `plans.tasks.refresh_class_figures` only for the
classes that had none, to run GATHER later, so a burst of attempts in one class queues one task. An event for a
class whose row exists raises the row's generation instead; the task compares it after computing
(`run_refresh`) and runs again if it moved, so an event that landed while the task was computing is never
lost. A rolled-back event queues nothing. The refresh is idempotent: it recomputes the class from the records,
so running it twice is harmless.

A row whose task was never taken (its worker was lost before it started, or the queue was flushed) is queued
again by the next event for its class once it is STALE_AFTER old; a task whose worker died while running is
retried by the lease sweep (plans/leases.py). `manage.py refresh_figures` stays the full rebuild, a repair.
"""

import datetime
import logging
import uuid
from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_init, post_save
from django.utils import timezone

from classroom.models import (
    Activity,
    ActivityClass,
    ClassHourLog,
    IntegrityFlag,
    LessonProgress,
    LetterSend,
    ParentAcknowledgement,
)
from people.models import Enrollment, SchoolClass, SchoolYear, Student
from people.signals import roster_changed
from quizzes.models import Attempt

from .models import PendingRefresh

logger = logging.getLogger(__name__)

# A queued row this old whose class has a new event is queued again: its task was lost before it ran.
STALE_AFTER = datetime.timedelta(minutes=5)
# A refresh waits this long before it runs, so that the submissions a room makes within it are one refresh, not
# one each (an exam burst queued 1,286 refreshes for 1,000 submissions in 39 classes, issue #15). Well inside the
# seconds the figures may lag (issue #17's budget is 5 s); a backend that cannot defer runs it at once.
GATHER = datetime.timedelta(seconds=1)


def classes_changed(class_ids: Iterable[int]) -> None:
    """Queue a refresh of these classes once the current transaction commits (at once outside one)."""
    ids = {int(pk) for pk in class_ids if pk is not None}
    if ids:
        # robust: the event is committed already; a failure to queue must not turn its response into an error.
        transaction.on_commit(partial(mark, ids), robust=True)


def classes_found_later(resolve) -> None:
    """Like `classes_changed`, for classes that take a query to find: `resolve()` runs after the commit, so the
    event's own request spends no query on it and reads what was committed."""
    transaction.on_commit(lambda: mark(resolve()), robust=True)


def mark(class_ids: Iterable[int], now: datetime.datetime | None = None) -> set[int]:
    """Record that these classes changed and queue a refresh for those not queued yet; the ids queued."""
    now = now or timezone.now()
    ids = set(SchoolClass.objects.filter(pk__in=set(class_ids)).values_list("pk", flat=True))
    if not ids:
        return set()
    token = uuid.uuid4().hex
    # Raise the generation first, then create the missing rows: a row created between the two by another event
    # is that event's to queue, and its task computes after this event committed.
    PendingRefresh.objects.filter(school_class_id__in=ids).update(generation=F("generation") + 1)
    PendingRefresh.objects.bulk_create(
        [PendingRefresh(school_class_id=pk, token=token, queued_at=now) for pk in sorted(ids)], ignore_conflicts=True
    )
    created = set(
        PendingRefresh.objects.filter(school_class_id__in=ids, token=token).values_list("school_class_id", flat=True)
    )
    stale = set(
        PendingRefresh.objects.filter(school_class_id__in=ids - created, queued_at__lt=now - STALE_AFTER).values_list(
            "school_class_id", flat=True
        )
    )
    if stale:
        PendingRefresh.objects.filter(school_class_id__in=stale).update(queued_at=now)
    for pk in sorted(created | stale):
        _queue(pk, now)
    return created | stale


def _queue(class_id: int, now: datetime.datetime) -> None:
    from .tasks import refresh_class_figures

    if refresh_class_figures.get_backend().supports_defer:
        refresh_class_figures.using(run_after=now + GATHER).enqueue(class_id)
    else:
        refresh_class_figures.enqueue(class_id)


def run_refresh(class_id: int) -> int:
    """The task's work: recompute one class, then drop its pending row unless an event moved it meanwhile."""
    from .rollup import refresh_class

    generation = PendingRefresh.objects.filter(school_class_id=class_id).values_list("generation", flat=True).first()
    school_class = SchoolClass.objects.select_related("school", "school_year").filter(pk=class_id).first()
    if school_class is None:
        return 0  # the class was deleted; its pending row went with it
    rows = refresh_class(school_class)
    if generation is not None:
        done, _ = PendingRefresh.objects.filter(school_class_id=class_id, generation=generation).delete()
        now = timezone.now()
        if not done and PendingRefresh.objects.filter(school_class_id=class_id).update(queued_at=now):
            # An event came while this run computed: its records may be missing from these rows.
            _queue(class_id, now)
    return rows


# --- who the events are about -------------------------------------------------------------------------------


def classes_of_students(student_ids: Iterable[int], day: datetime.date | None = None) -> set[int]:
    """The classes the students are enrolled in: in the school year of `day`, or in every year."""
    enrollments = Enrollment.objects.filter(student_id__in=set(student_ids))
    if day is not None:
        enrollments = enrollments.filter(school_year__starts_on__lte=day, school_year__ends_on__gte=day)
    return set(enrollments.values_list("school_class_id", flat=True))


def classes_of_school(school_id: int, school_year_id: int | None) -> set[int]:
    classes = SchoolClass.objects.filter(school_id=school_id)
    if school_year_id is not None:
        classes = classes.filter(school_year_id=school_year_id)
    return set(classes.values_list("pk", flat=True))


def _attempt(sender, instance: Attempt, update_fields=None, raw=False, **kwargs):
    if raw or instance.submitted_at is None:
        return
    # An answer saved mid-attempt changes no figure; the submission does, and so does a change of its flags or
    # grade (a regrade writes the percent).
    if update_fields is not None and not {"submitted_at", "percent", "passed", "flags"} & set(update_fields):
        return
    day = timezone.localtime(instance.submitted_at).date()
    student_id, class_id = instance.student_id, instance.school_class_id
    classes_found_later(lambda: classes_of_students([student_id], day) | ({class_id} - {None}))


def _attempt_deleted(sender, instance: Attempt, **kwargs):
    if instance.submitted_at is not None:
        day, student_id = timezone.localtime(instance.submitted_at).date(), instance.student_id
        classes_found_later(lambda: classes_of_students([student_id], day))


def _remember_completion(sender, instance: LessonProgress, **kwargs):
    # From __dict__: a deferred field must not cost a query per row loaded.
    instance._live_completed_at = instance.__dict__.get("completed_at")


def _lesson_progress(sender, instance: LessonProgress, created=False, raw=False, **kwargs):
    """A lesson just finished (the reader saves `completed_at` with every heartbeat; only the first counts)."""
    if raw or instance.completed_at is None:
        return
    if not created and getattr(instance, "_live_completed_at", None) is not None:
        return
    instance._live_completed_at = instance.completed_at
    day, student_id = timezone.localtime(instance.completed_at).date(), instance.student_id
    classes_found_later(lambda: classes_of_students([student_id], day))


def _hour_log(sender, instance: ClassHourLog, raw=False, **kwargs):
    if not raw:
        classes_changed([instance.school_class_id])


def _acknowledgement(sender, instance: ParentAcknowledgement, raw=False, **kwargs):
    """A parent's 签收 or home activity: the family figures of the class the letter went to."""
    if not raw:
        send_id = instance.send_id
        classes_found_later(
            lambda: list(LetterSend.objects.filter(pk=send_id).values_list("school_class_id", flat=True))
        )


def _letter_send(sender, instance: LetterSend, raw=False, **kwargs):
    # A withdrawn letter's acknowledgements stop counting.
    if not raw:
        classes_changed([instance.school_class_id])


def _activity(sender, instance: Activity, raw=False, **kwargs):
    # An activity with no class linked counts for a grade or the whole school: every class of its school year.
    if not raw:
        year_id = instance.term.school_year_id if instance.term_id else None
        school_id = instance.school_id
        classes_found_later(lambda: classes_of_school(school_id, year_id))


def _activity_class(sender, instance: ActivityClass, raw=False, **kwargs):
    if raw:
        return
    activity_id, class_id = instance.activity_id, instance.school_class_id

    def resolve():
        activity = Activity.objects.filter(pk=activity_id).values("school_id", "term__school_year_id").first()
        if activity is None:
            return {class_id}  # the activity was deleted: its own signal queued its classes
        return classes_of_school(activity["school_id"], activity["term__school_year_id"])

    classes_found_later(resolve)


def _remember_class(sender, instance: Enrollment, **kwargs):
    instance._live_class_id = instance.__dict__.get("school_class_id")


def _enrollment(sender, instance: Enrollment, raw=False, **kwargs):
    if not raw:
        # A move changes two rolls: the class left and the class joined.
        classes_changed({instance.school_class_id, getattr(instance, "_live_class_id", None)})
        instance._live_class_id = instance.school_class_id


# The fields of a student that decide whether he is on a roll (people.membership).
ROLL_FIELDS = {"left_on", "graduated_on", "anonymised_at", "school"}


def _student(sender, instance: Student, created=False, update_fields=None, raw=False, **kwargs):
    if raw or created or (update_fields is not None and not ROLL_FIELDS & set(update_fields)):
        return
    student_id = instance.pk
    classes_found_later(lambda: classes_of_students([student_id]))


def _flag(sender, instance: IntegrityFlag, raw=False, **kwargs):
    """A flag raised, confirmed or cleared takes records out of the figures or puts them back."""
    if raw:
        return
    day = timezone.localtime(instance.raised_at).date()
    if instance.school_class_id is not None:
        classes_changed([instance.school_class_id])
    elif instance.student_id is not None:
        student_id = instance.student_id
        classes_found_later(lambda: classes_of_students([student_id], day))
    else:
        school_id = instance.school_id
        classes_found_later(lambda: classes_of_school(school_id, SchoolYear.for_date(day).pk))


def _class(sender, instance: SchoolClass, created=False, raw=False, **kwargs):
    if created and not raw:
        classes_changed([instance.pk])


def _roster(sender, school_id: int, school_year_id: int | None = None, student_ids=None, **kwargs):
    student_ids = set(student_ids or ())

    def resolve():
        classes = classes_of_school(school_id, school_year_id)
        if student_ids:
            # Students who came back or graduated change the rolls of their classes of earlier years too.
            classes |= classes_of_students(student_ids)
        return classes

    classes_found_later(resolve)


def connect() -> None:
    """Called once from PlansConfig.ready()."""
    post_save.connect(_attempt, sender=Attempt, dispatch_uid="plans.live.attempt")
    post_delete.connect(_attempt_deleted, sender=Attempt, dispatch_uid="plans.live.attempt_deleted")
    post_init.connect(_remember_completion, sender=LessonProgress, dispatch_uid="plans.live.progress_seen")
    post_save.connect(_lesson_progress, sender=LessonProgress, dispatch_uid="plans.live.progress")
    for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
        signal.connect(_hour_log, sender=ClassHourLog, dispatch_uid=f"plans.live.hour_log_{name}")
        signal.connect(_activity, sender=Activity, dispatch_uid=f"plans.live.activity_{name}")
        signal.connect(_activity_class, sender=ActivityClass, dispatch_uid=f"plans.live.activity_class_{name}")
        signal.connect(_enrollment, sender=Enrollment, dispatch_uid=f"plans.live.enrollment_{name}")
        signal.connect(_flag, sender=IntegrityFlag, dispatch_uid=f"plans.live.flag_{name}")
        signal.connect(_acknowledgement, sender=ParentAcknowledgement, dispatch_uid=f"plans.live.ack_{name}")
        signal.connect(_letter_send, sender=LetterSend, dispatch_uid=f"plans.live.letter_send_{name}")
    post_init.connect(_remember_class, sender=Enrollment, dispatch_uid="plans.live.enrollment_seen")
    post_save.connect(_student, sender=Student, dispatch_uid="plans.live.student")
    post_save.connect(_class, sender=SchoolClass, dispatch_uid="plans.live.class")
    roster_changed.connect(_roster, dispatch_uid="plans.live.roster")
