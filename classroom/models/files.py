from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

IMAGE_FILE_KINDS = frozenset({"jpeg", "png", "webp"})


class StoredFile(models.Model):
    """What every uploaded file a record holds keeps beside its bytes, so evidence, class-hour files and students'
    works are checked, stored (classroom.evidence_files), listed and served the same way.

    Each kind declares its own `file` field: where it is stored follows what it belongs to."""

    file_kind = models.CharField(_("file type"), max_length=10)
    original_name = models.CharField(_("original file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.file_kind in IMAGE_FILE_KINDS
