from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from people.models import School


class TrainingCompletion(models.Model):
    """One teacher's try at a training course's test. A pass earns the course's hours, once per course: the
    hours are copied here so a later change of the course does not rewrite what was earned."""

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="training_completions",
        verbose_name=_("teacher"),
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="training_completions", verbose_name=_("school")
    )
    course = models.ForeignKey(
        "lessons.TrainingCoursePage", on_delete=models.PROTECT, related_name="completions", verbose_name=_("course")
    )
    score = models.PositiveSmallIntegerField(_("score (%)"))
    passed = models.BooleanField(_("passed"))
    hours = models.DecimalField(_("training hours"), max_digits=4, decimal_places=1)
    completed_at = models.DateTimeField(_("completed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("training completion")
        verbose_name_plural = _("training completions")
        ordering = ["-completed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["teacher", "course"], condition=Q(passed=True), name="one_pass_per_teacher_and_course"
            )
        ]

    def __str__(self):
        return f"{self.teacher_id} {self.course_id} {self.score}"
