from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class RevisionAction(models.TextChoices):
    CREATED = "created", _("Created")
    CHANGED = "changed", _("Changed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DELETED = "deleted", _("Deleted")


class RecordRevision(models.Model):
    """An append-only snapshot of a classroom record, written on every create, edit, withdrawal or deletion.

    The record's own row holds who created it and when; this table holds every later state, so an inspector
    can see what a record said before it was changed. Rows are never updated or deleted by the application.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    action = models.CharField(_("action"), max_length=10, choices=RevisionAction.choices)
    snapshot = models.JSONField(_("snapshot"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("changed by")
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("record revision")
        verbose_name_plural = _("record revisions")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.content_type} #{self.object_id} {self.action}"
