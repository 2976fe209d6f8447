from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .organisations import School, SchoolYear


class Promotion(models.Model):
    """One year-end promotion of a school, with exactly what it made, so it can be undone (people.promotion).

    At most one live (not undone) promotion per school and year promoted from: the database refuses a second one,
    so two administrators pressing the button at once cannot promote the school twice.
    """

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="promotions", verbose_name=_("school"))
    from_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("promoted from")
    )
    to_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("promoted to"))
    performed_at = models.DateTimeField(_("promoted at"))
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("promoted by"),
    )
    # What promotion made or changed, by id: undoing removes these and nothing else.
    created_classes = models.JSONField(_("classes created"), default=list)
    created_enrollments = models.JSONField(_("enrollments created"), default=list)
    graduated_students = models.JSONField(_("students marked graduated"), default=list)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("undone by"),
    )

    class Meta:
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "from_year"], condition=Q(undone_at__isnull=True), name="one_live_promotion_per_year"
            ),
        ]

    def __str__(self):
        return f"{self.school} {self.from_year} → {self.to_year}"
