"""Each student's reading clock: how far wall-clock time has already been credited to any of his lessons.

Reading time is earned per student, not per lesson: a second of wall-clock time is credited to at most one lesson,
however many readers are open. `classroom.completion.record_signal` moves `credited_until` forward under a row
lock, so two heartbeats arriving together cannot both earn the same seconds.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from people.models import Student


class ReadingClock(models.Model):
    student = models.OneToOneField(
        Student,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="reading_clock",
        verbose_name=_("student"),
    )
    # Every second up to this instant has been credited to some lesson; null until the first credited heartbeat.
    credited_until = models.DateTimeField(_("reading credited until"), null=True, blank=True)

    class Meta:
        verbose_name = _("reading clock")
        verbose_name_plural = _("reading clocks")

    def __str__(self):
        return f"{self.student_id} · {self.credited_until}"
