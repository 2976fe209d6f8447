"""The CMS's own uploads go through the same inspector: Wagtail documents by this base form
(WAGTAILDOCS_DOCUMENT_FORM_BASE, used by the single, multiple and chooser uploads alike); Wagtail images by
Wagtail's own checks of format and size, with the pixel limit set to ours (WAGTAILIMAGES_MAX_IMAGE_PIXELS)."""

from django.conf import settings
from wagtail.documents.forms import BaseDocumentForm

from . import check_upload

# WAGTAILDOCS_EXTENSIONS: pdf, docx, pptx, xlsx and txt (which the inspector knows as text, "csv").
DOCUMENT_KINDS = frozenset({"pdf", "docx", "pptx", "xlsx", "csv"})


class DocumentForm(BaseDocumentForm):
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and "file" in self.changed_data:
            limit = getattr(settings, "WAGTAILDOCS_MAX_UPLOAD_SIZE", None) or 20 * 1024 * 1024
            upload.seek(0)
            data = upload.read(limit + 1)
            upload.seek(0)  # Wagtail reads the file again to store it and to hash it
            check_upload(data, DOCUMENT_KINDS, limit, name=upload.name)
        return upload
