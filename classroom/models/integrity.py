"""Integrity flags: records that a rule found implausible, kept with their evidence until a person reviews them.

A flag never changes the record it points at. Whether a flagged record counts in the bureau's figures is the
plan's choice (plans.metrics); until a reviewer clears it, a flag is open. The rules that raise flags live in
`classroom.integrity`; this table is only their memory.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from people.models import School, SchoolClass, Student


class FlagRule(models.TextChoices):
    # Quiz attempts
    TOO_FAST = "too_fast", _("Implausibly fast for this quiz")
    EMPTY_ANSWERS = "empty_answers", _("Submitted with no or almost no answers")
    SAME_POSITION = "same_position", _("Answers follow one position pattern")
    AUTO_SUBMITTED = "auto_submitted", _("Submitted by the server at the deadline")
    LATE_ANSWERS = "late_answers", _("Answers that arrived after the deadline counted on the page's time stamps")
    # Attempts and lesson progress
    SHARED_DEVICE = "shared_device", _("Several students on one device")
    SHARED_NETWORK = "shared_network", _("Several students on one network at the same time")
    AFTER_PASSWORD_RESET = (
        "after_password_reset",
        _("Finished soon after a staff password reset, from that staff member's device or network"),
    )
    # Class-hour logs and activities
    HOURS_BEYOND_DAY = "hours_beyond_day", _("More class hours in one day than a school day holds")
    PRESENT_OVER_ENROLLED = "present_over_enrolled", _("More students present than enrolled")
    PARTICIPANTS_OVER_ROLL = "participants_over_roll", _("More participants than students on the roll")
    DATE_OUTSIDE_YEAR = "date_outside_year", _("Dated outside the school year")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Waiting for review")
    CONFIRMED = "confirmed", _("Confirmed")
    CLEARED = "cleared", _("Cleared")


# A record with a flag in one of these states does not count where the plan excludes flagged records.
UNCOUNTED_STATUSES = (FlagStatus.OPEN, FlagStatus.CONFIRMED)


class IntegrityFlag(models.Model):
    """One rule's finding about one record (an attempt, a lesson progress, a class-hour log or an activity)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    rule = models.CharField(_("rule"), max_length=32, choices=FlagRule.choices)
    # Where the record belongs, so scope rules can find the flag without loading its subject.
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+", verbose_name=_("school"))
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("class")
    )
    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("student")
    )
    # The device or network group the finding is about (a device id or a network hash), so a reviewer can see
    # every record of one group together.
    group = models.CharField(_("device or network group"), max_length=64, blank=True, db_index=True)
    evidence = models.JSONField(_("evidence"), default=dict)
    raised_at = models.DateTimeField(_("raised at"))
    status = models.CharField(_("status"), max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("integrity flag")
        verbose_name_plural = _("integrity flags")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "rule"], name="one_flag_per_rule"),
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["school", "status"]),
            models.Index(
                fields=["content_type", "object_id"],
                condition=Q(status__in=["open", "confirmed"]),
                name="uncounted_flags",
            ),
        ]

    def __str__(self):
        return f"{self.rule} · {self.content_type_id}:{self.object_id} · {self.status}"
