"""Classroom reacts to quizzes through signals (quizzes never import classroom), and runs the integrity rules on
every submitted attempt (in a task, classroom/tasks.py) and finished lesson (classroom/integrity/rules.py)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver

from quizzes.models import Attempt

from . import completion
from .integrity import rules
from .integrity.flags import forget_flags
from .models import Activity, ClassHourFile, ClassHourLog, LessonProgress


@receiver(post_save, sender=Attempt, dispatch_uid="classroom.attempt_submitted")
def attempt_submitted(sender, instance: Attempt, update_fields=None, **kwargs):
    if instance.submitted_at is None:
        return
    if update_fields is not None and "submitted_at" not in update_fields:
        return
    completion.on_attempt_submitted(instance)


@receiver(post_save, sender=Attempt, dispatch_uid="classroom.contest_participation")
def contest_participation(sender, instance: Attempt, update_fields=None, **kwargs):
    """A knowledge-quiz activity linked to this contest counts its participants from submitted attempts."""
    if instance.submitted_at is None or (update_fields is not None and "submitted_at" not in update_fields):
        return
    from .services import refresh_participation

    for activity in Activity.objects.filter(quiz_id=instance.quiz_id, school_id=instance.school_id):
        refresh_participation(activity)


@receiver(post_save, sender=Attempt, dispatch_uid="classroom.attempt_integrity")
def attempt_integrity(sender, instance: Attempt, update_fields=None, raw=False, **kwargs):
    """A submitted attempt goes through the integrity rules, in a task queued with the submission (classroom.tasks:
    a submission does not wait for them); a later change of its quiz codes is mirrored at once."""
    if raw or instance.submitted_at is None:
        return
    if update_fields is None or "submitted_at" in update_fields:
        from .tasks import check_attempt_integrity

        check_attempt_integrity.enqueue(instance.pk)
    elif "flags" in update_fields:
        rules.mirror_attempt_flags(instance)


@receiver(post_init, sender=LessonProgress, dispatch_uid="classroom.progress_completion_seen")
def remember_completion(sender, instance: LessonProgress, **kwargs):
    # Read from __dict__: a deferred completed_at must not cost a query for every row a page loads.
    instance._integrity_completed_at = instance.__dict__.get("completed_at")


@receiver(post_save, sender=LessonProgress, dispatch_uid="classroom.progress_integrity")
def lesson_integrity(sender, instance: LessonProgress, created=False, update_fields=None, raw=False, **kwargs):
    """A lesson that has just become finished goes through the integrity rules, once.

    The reader saves `completed_at` with every heartbeat, finished or not; only the save that finishes the
    lesson (or creates it finished) runs the rules, so rereading a finished lesson costs nothing.
    """
    if raw or instance.completed_at is None:
        return
    if update_fields is not None and "completed_at" not in update_fields:
        return
    if not created and getattr(instance, "_integrity_completed_at", None) is not None:
        return
    instance._integrity_completed_at = instance.completed_at
    rules.check_lesson_progress(instance)


@receiver(post_delete, sender=Attempt, dispatch_uid="classroom.attempt_flags_forgotten")
@receiver(post_delete, sender=LessonProgress, dispatch_uid="classroom.progress_flags_forgotten")
@receiver(post_delete, sender=ClassHourLog, dispatch_uid="classroom.log_flags_forgotten")
@receiver(post_delete, sender=Activity, dispatch_uid="classroom.activity_flags_forgotten")
def flagged_record_deleted(sender, instance, **kwargs):
    """Flags point at their record by a generic key, which no foreign key cascades; they go with the record."""
    forget_flags(instance)


@receiver(post_delete, sender=ClassHourFile, dispatch_uid="classroom.class_hour_file_deleted")
def class_hour_file_deleted(sender, instance, **kwargs):
    """A log's files go with it (a cascade deletes rows, not what they stored), and with their own removal."""
    transaction.on_commit(lambda: instance.file.delete(save=False))
