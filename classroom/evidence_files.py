"""The one file check and store for every classroom record that holds files: an activity's evidence, a class-hour
log's 教案 or 签到表 photo, a student's work. Kinds are decided from content (core.uploads), photos re-encoded,
each file and each record's total bounded; a batch is checked whole before anything is stored (all or nothing)."""

import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from core.sanitize import clean_plain
from core.uploads import IMAGE_KINDS, check_upload, reencode_image

EVIDENCE_KINDS = frozenset({"jpeg", "png", "webp", "pdf", "docx", "pptx", "xlsx"})
EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp", "pdf": "pdf", "docx": "docx", "pptx": "pptx", "xlsx": "xlsx"}


def _limit(name: str, default: int) -> int:
    return int(settings.QINGDUN.get(name, default))


def max_file_bytes() -> int:
    return _limit("MAX_EVIDENCE_FILE_BYTES", 10 * 1024 * 1024)


def max_record_bytes() -> int:
    return _limit("MAX_EVIDENCE_RECORD_BYTES", 50 * 1024 * 1024)


def original_name(upload, fallback: str) -> str:
    """The name the uploader gave, as plain text without its folders, to show beside the file."""
    return clean_plain(os.path.basename(upload.name or ""))[:200] or fallback


def checked_file(upload, allowed=EVIDENCE_KINDS, already_bytes: int = 0) -> tuple[bytes, str]:
    """Read an upload, decide its kind from its content, re-encode images; raise ValidationError with a clear
    message naming the file."""
    name = original_name(upload, "file")
    if upload.size is not None and upload.size > max_file_bytes():
        raise ValidationError(
            _("“%(name)s” is too large (%(size)s MB); each file may be at most %(limit)s MB."),
            code="too_large",
            params={"name": name, "size": round(upload.size / 1_048_576, 1), "limit": max_file_bytes() // 1_048_576},
        )
    data = upload.read(max_file_bytes() + 1)
    try:
        kind = check_upload(data, allowed=allowed, max_bytes=max_file_bytes())
    except ValidationError as error:
        raise ValidationError(
            _("“%(name)s”: %(problem)s"), code=error.code, params={"name": name, "problem": " ".join(error.messages)}
        ) from error
    if kind in IMAGE_KINDS:
        data = reencode_image(data)
    if already_bytes + len(data) > max_record_bytes():
        raise ValidationError(
            _("The files of one record may add up to at most %(limit)s MB; “%(name)s” would go beyond that."),
            code="record_too_large",
            params={"name": name, "limit": max_record_bytes() // 1_048_576},
        )
    return data, kind


def store(instance, data: bytes, kind: str) -> None:
    """Put the checked bytes under a random name (the uploader's name never reaches the file system), then save
    the row."""
    instance.file.save(f"{uuid.uuid4().hex}.{EXTENSIONS[kind]}", ContentFile(data), save=False)
    instance.save()


def store_batch(uploads, already_bytes: int, make) -> list:
    """Check every upload first, then store each as the row `make(upload, kind, size)` builds (unsaved, with a
    `file` field). The caller holds the transaction; a bad file raises before anything is stored."""
    checked = []
    used = already_bytes
    for upload in uploads:
        data, kind = checked_file(upload, EVIDENCE_KINDS, used)
        used += len(data)
        checked.append((upload, data, kind))
    saved = []
    for upload, data, kind in checked:
        row = make(upload, kind, len(data))
        store(row, data, kind)
        saved.append(row)
    return saved
