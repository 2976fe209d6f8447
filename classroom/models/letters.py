"""告家长书 sent to a class, a link per student for a parent, and the parent's 签收 (acknowledgement).

A parent has no account: the link is the only key, so it is random, per student and per letter sent, expires
with the sending and can be revoked. Only a digest of it is stored (see classroom.letters for how it is made).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from people.models import SchoolClass, Student


class LetterSend(models.Model):
    """One letter sent to one class: its parents are asked to read and acknowledge it by `closes_on`."""

    letter = models.ForeignKey(
        "lessons.ParentLetter", on_delete=models.PROTECT, related_name="sends", verbose_name=_("letter")
    )
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, related_name="letter_sends", verbose_name=_("class")
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("sent by")
    )
    sent_at = models.DateTimeField(_("sent at"))
    closes_on = models.DateField(_("acknowledge by"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("letter sent to a class")
        verbose_name_plural = _("letters sent to classes")
        ordering = ["-sent_at"]
        constraints = [
            # One open sending of a letter per class: a second would give the parents two links for one letter.
            models.UniqueConstraint(
                fields=["letter", "school_class"], condition=Q(withdrawn_at__isnull=True), name="one_open_letter_send"
            )
        ]

    def __str__(self):
        return f"{self.letter} · {self.school_class}"


class ParentLink(models.Model):
    """The link one student's parent opens. `salt` makes the link with the server's secret; `digest` finds it."""

    send = models.ForeignKey(LetterSend, on_delete=models.CASCADE, related_name="links", verbose_name=_("sending"))
    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="parent_links", verbose_name=_("student")
    )
    salt = models.CharField(max_length=32)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    issued_at = models.DateTimeField(_("issued at"))
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("first opened at"), null=True, blank=True)

    class Meta:
        verbose_name = _("parent link")
        verbose_name_plural = _("parent links")
        constraints = [
            models.UniqueConstraint(
                fields=["send", "student"], condition=Q(revoked_at__isnull=True), name="one_live_parent_link"
            )
        ]

    def __str__(self):
        return f"{self.send} · {self.student_id}"


class Relationship(models.TextChoices):
    MOTHER = "mother", pgettext_lazy("relationship", "Mother")
    FATHER = "father", pgettext_lazy("relationship", "Father")
    GRANDPARENT = "grandparent", pgettext_lazy("relationship", "Grandparent")
    GUARDIAN = "guardian", pgettext_lazy("relationship", "Other guardian")


class ParentAcknowledgement(models.Model):
    """A parent's 签收, kept per student and sending (a revoked and reissued link does not ask again)."""

    send = models.ForeignKey(
        LetterSend, on_delete=models.CASCADE, related_name="acknowledgements", verbose_name=_("sending")
    )
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+", verbose_name=_("student"))
    link = models.ForeignKey(ParentLink, on_delete=models.SET_NULL, null=True, related_name="+")
    parent_name = models.CharField(_("parent's name"), max_length=50)
    relationship = models.CharField(_("relationship"), max_length=20, choices=Relationship.choices)
    acknowledged_at = models.DateTimeField(_("acknowledged at"))
    # [{"question": text as asked, "answer": plain text}], empty until the family has done the home activity.
    answers = models.JSONField(_("home activity answers"), default=list, blank=True)
    activity_done_at = models.DateTimeField(_("home activity done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("parent acknowledgement")
        verbose_name_plural = _("parent acknowledgements")
        constraints = [models.UniqueConstraint(fields=["send", "student"], name="one_acknowledgement_per_student")]

    def __str__(self):
        return f"{self.send} · {self.parent_name}"
