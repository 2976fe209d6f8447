"""Upload checks: decide what a file really is from its content, never from its name or the browser's word.

    kind = check_upload(data, allowed={"xlsx", "csv"}, max_bytes=5 * 1024 * 1024)   # or raises ValidationError
    clean = reencode_image(data)                                                    # JPEG/PNG/WebP, EXIF gone

Kinds: "csv" (plain text in UTF-8 or GB18030), "xlsx", "docx", "pptx", "pdf", "jpeg", "png", "webp".
An Office file is a zip; it counts as XLSX/DOCX/PPTX only when its [Content_Types].xml names that document
type and its main folder is there, so a renamed zip (or a renamed .exe) is refused.
"""

import io
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

KINDS = ("csv", "xlsx", "docx", "pptx", "pdf", "jpeg", "png", "webp")
IMAGE_KINDS = {"jpeg", "png", "webp"}

# Main document content type and folder of each Office Open XML kind.
_OFFICE = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "xl/"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", "word/"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml", "ppt/"),
}
# Bytes that never appear in text a person typed (NUL and most C0 controls): their presence means binary.
_BINARY_BYTES = frozenset(range(0, 9)) | {11, 12} | frozenset(range(14, 27)) | frozenset(range(28, 32))
_MAX_IMAGE_PIXELS = 40_000_000


def _office_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "[Content_Types].xml" not in names:
                return None
            content_types = archive.read("[Content_Types].xml")[:200_000].decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, NotImplementedError):
        return None
    for kind, (content_type, folder) in _OFFICE.items():
        if content_type in content_types and any(name.startswith(folder) for name in names):
            return kind
    return None


def _is_text(data: bytes) -> bool:
    sample = data[:65_536]
    if any(byte in _BINARY_BYTES for byte in sample):
        return False
    # A multi-byte character may be cut at the sample's end; judge all but the last few bytes.
    chunk = sample if len(data) <= len(sample) else sample[:-4]
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            chunk.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def sniff(data: bytes) -> str | None:
    """The kind the bytes are, or None when they are none of the kinds we accept."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    if _is_text(data):
        return "csv"
    return None


def check_upload(data: bytes, allowed: set[str] | frozenset[str], max_bytes: int) -> str:
    """Return the detected kind when it is allowed and the file is not too large; otherwise raise ValidationError."""
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    if len(data) > max_bytes:
        raise ValidationError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB."),
            code="too_large",
            params={"size": round(len(data) / 1_048_576, 1), "limit": round(max_bytes / 1_048_576, 1)},
        )
    kind = sniff(data)
    if kind is None or kind not in allowed:
        raise ValidationError(
            _("This kind of file is not accepted here. Accepted: %(kinds)s."),
            code="bad_type",
            params={"kinds": ", ".join(k.upper() for k in KINDS if k in allowed)},
        )
    return kind


def reencode_image(data: bytes) -> bytes:
    """Decode and re-encode a JPEG/PNG/WebP image, keeping its format and dropping EXIF (GPS, camera, owner).

    Re-encoding also defeats files that are an image and something else at once. The orientation the camera
    recorded is applied to the pixels first, so the photo does not turn sideways when its EXIF goes.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    kind = sniff(data)
    if kind not in IMAGE_KINDS:
        raise ValidationError(_("The file is not a JPEG, PNG or WebP image."), code="bad_type")
    Image.MAX_IMAGE_PIXELS = _MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if kind == "jpeg":
                if image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                image.save(out, format="JPEG", quality=88, optimize=True)
            elif kind == "png":
                image.save(out, format="PNG", optimize=True)
            else:
                image.save(out, format="WEBP", quality=88)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(_("The image could not be read. Take or save it again."), code="bad_image") from error
    return out.getvalue()
