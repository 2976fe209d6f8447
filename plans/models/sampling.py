from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from people.models import District, SchoolYear


class Sample(models.Model):
    """A random draw of schools for inspection (抽查). The seed is kept so anyone can redraw the same list."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+", verbose_name=_("district"))
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("school year")
    )
    percent = models.PositiveSmallIntegerField(
        _("share of schools (%)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    minimum = models.PositiveSmallIntegerField(_("at least"), default=4, validators=[MinValueValidator(1)])
    seed = models.BigIntegerField(_("random seed"))
    population = models.JSONField(_("schools drawn from"), default=list)
    school_ids = models.JSONField(_("schools drawn"), default=list)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("drawn by")
    )
    drawn_at = models.DateTimeField(_("drawn at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection sample")
        verbose_name_plural = _("inspection samples")
        ordering = ["-drawn_at"]

    def __str__(self):
        return f"{self.district} {self.school_year} #{self.seed}"
