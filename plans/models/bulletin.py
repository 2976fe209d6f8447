"""The 通报 document a bureau publishes: its own text around the ranking, the schools behind target and the 整改
list, frozen when it is published and shown to the schools it names (plans/bulletin.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from people.models import District, School, SchoolYear

from .figures import Period


class Bulletin(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+", verbose_name=_("district"))
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("school year")
    )
    period = models.CharField(_("period"), max_length=4, choices=Period.choices, default=Period.YEAR)
    title = models.CharField(_("title"), max_length=200)
    # The period as the document names it, e.g. "2025—2026学年第一学期".
    period_label = models.CharField(_("period covered"), max_length=100)
    # HTML, cleaned by core.sanitize.clean_html when it is saved through the form.
    body = models.TextField(_("the bureau's text"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What the document said when it was published (ranking, schools behind, 整改 list): it no longer follows
    # the live figures, so every copy of a published 通报 is the same.
    content = models.JSONField(default=dict, blank=True)
    # The schools the published document names (behind a target, or with an item returned for rectification).
    schools = models.ManyToManyField(School, related_name="+", blank=True, verbose_name=_("schools named"))

    class Meta:
        verbose_name = _("bulletin (通报)")
        verbose_name_plural = _("bulletins (通报)")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
