from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .organisations import School


class InstructorKind(models.TextChoices):
    LEGAL_VICE_PRINCIPAL = "legal_vice_principal", _("Legal vice-principal (法治副校长)")
    OUTSIDE = "outside", _("Outside instructor")


class Instructor(models.Model):
    """Someone from outside the staff who teaches the school's classes: a 法治副校长 (a police officer, judge or
    prosecutor appointed to the school) or an outside instructor. The school admin keeps the roster, so the
    class-hour log picks a person instead of a typed name, and the 法治副校长 rate counts from these rows.

    `contact` is staff-only: it is shown in the admin and never on a student's or parent's page.
    """

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="instructors", verbose_name=_("school"))
    kind = models.CharField(_("kind"), max_length=30, choices=InstructorKind.choices)
    name = models.CharField(_("name"), max_length=100)
    unit = models.CharField(_("unit"), max_length=100, blank=True, help_text=_("e.g. the police station or court."))
    contact = models.CharField(_("contact"), max_length=100, blank=True, help_text=_("Seen by school staff only."))
    active = models.BooleanField(pgettext_lazy("instructor", "active"), default=True)

    class Meta:
        verbose_name = _("instructor")
        verbose_name_plural = _("instructors")
        ordering = ["school", "kind", "name"]

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()}）"
