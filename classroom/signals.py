"""Classroom reacts to quizzes through signals (quizzes never import classroom)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from quizzes.models import Attempt

from . import completion


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
    from .models import Activity
    from .services import refresh_participation

    for activity in Activity.objects.filter(quiz_id=instance.quiz_id, school_id=instance.school_id):
        refresh_participation(activity)
