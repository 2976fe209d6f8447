"""The one upload inspector: every uploaded file goes through `inspect` (or `check_upload`) before it is read,
stored or shown. The content decides what a file is, never its name or the browser's word.

    kind = check_upload(data, allowed={"xlsx", "csv"}, max_bytes=5 * 1024 * 1024, name=upload.name)
    clean = reencode_image(data)                        # JPEG/PNG/WebP, EXIF gone

Kinds: "csv" (plain text in UTF-8 or GB18030), "xlsx", "docx", "pptx", "pdf", "jpeg", "png", "webp". An Office
file is a zip; it counts as XLSX/DOCX/PPTX only when its [Content_Types].xml names that document type and its main
folder is there, so a renamed zip (or a renamed .exe) is refused. Beyond the kind, within the bounds of
`core.uploads.limits` (docs/security.md, "Upload inspection"):

- zip containers are inflated member by member, counted in chunks, and refused at the first bound passed (one
  member, all members, ratio, number of members); archives, OLE objects and programs inside are refused (an
  Office document embedded in another, as a chart's workbook, is inspected in turn); macros are refused (VBA
  parts, ActiveX, Excel 4.0 macro sheets, macro-enabled content types, *.xlsm/*.docm/*.pptm names); every XML
  part must be well-formed and without a DTD; a workbook must list sheets whose parts are there, with sound
  cell references (containers.py);
- legacy Office files (OLE2 compound files: .doc, .xls, .ppt, and password-protected Office files) are refused
  with a message that says how to save them;
- PDF files are searched for scripts and actions, in their object streams too (pdf.py);
- pictures are refused past the pixel limit from their header, before decoding (images.py).

Every refusal is a ValidationError with a translated message; given the file's `name`, the message names it.
"""

import os
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import containers, images, limits
from .containers import OFFICE, OLE_MAGIC, refuse_macro_name
from .pdf import inspect_pdf

KINDS = ("csv", "xlsx", "docx", "pptx", "pdf", "jpeg", "png", "webp")
IMAGE_KINDS = {"jpeg", "png", "webp"}
OFFICE_KINDS = frozenset(OFFICE)
TEXT_EXTENSIONS = (".csv", ".txt", ".gift", ".aiken", ".tsv")

# Bytes that never appear in text a person typed (NUL and most C0 controls): their presence means binary.
_BINARY_BYTES = frozenset(range(0, 9)) | {11, 12} | frozenset(range(14, 27)) | frozenset(range(28, 32))
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class Inspection:
    kind: str
    # (last row, last column) that the first worksheet of an XLSX reaches, for readers that pad up to them.
    first_sheet_extent: tuple[int, int] | None = None


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
    """The kind the bytes are, or None when they are none of the kinds we accept. Cheap: a zip's directory and
    its [Content_Types].xml are all that is read of it."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"PK\x03\x04"):
        return containers.sniff_zip(data)
    if _is_text(data):
        return "csv"
    return None


def display_name(name) -> str:
    """The file's own name as the user chose it, without a folder or control characters, for messages."""
    base = os.path.basename(str(name or "").replace("\\", "/"))
    return _UNPRINTABLE.sub("", base)[:200] or "file"


def named(name, error: ValidationError) -> ValidationError:
    """`error` with the file's name in front of its message."""
    return ValidationError(
        _("“%(name)s”: %(problem)s"),
        code=getattr(error, "code", None),
        params={"name": display_name(name), "problem": " ".join(error.messages)},
    )


def _accepted(allowed) -> str:
    return ", ".join(k.upper() for k in KINDS if k in allowed)


def _inspect(data: bytes, allowed, max_bytes: int, name) -> Inspection:
    if name:
        refuse_macro_name(str(name))
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    if len(data) > max_bytes:
        raise ValidationError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB."),
            code="too_large",
            params={"size": round(len(data) / 1_048_576, 1), "limit": round(max_bytes / 1_048_576, 1)},
        )
    bounds = limits.current()
    office_allowed = bool(OFFICE_KINDS & set(allowed))
    if data.startswith(OLE_MAGIC) and office_allowed:
        raise ValidationError(
            _(
                "Old Office files (.doc, .xls, .ppt) and password-protected Office files are not accepted. Save it "
                "as .docx, .xlsx or .pptx without a password and retry."
            ),
            code="legacy_office",
        )
    kind = sniff(data)
    if kind is None and office_allowed and data.startswith(b"PK\x03\x04"):
        containers.refuse_macro_zip(data)
    if kind is None or kind not in allowed:
        lower = str(name or "").lower()
        looks_textual = data.startswith(_UTF16_BOMS) or (lower.endswith(TEXT_EXTENSIONS) and kind is None)
        if "csv" in allowed and looks_textual and not data.startswith((b"PK", b"%PDF", OLE_MAGIC)):
            raise ValidationError(
                _("The file is not text in UTF-8 or GBK. Save it from Excel as “CSV UTF-8” or as XLSX."),
                code="bad_encoding",
            )
        raise ValidationError(
            _("This kind of file is not accepted here. Accepted: %(kinds)s."),
            code="bad_type",
            params={"kinds": _accepted(allowed)},
        )
    facts = None
    if kind in OFFICE_KINDS:
        facts = containers.inspect_zip(data, bounds)
    elif kind == "pdf":
        inspect_pdf(data, bounds)
    elif kind in IMAGE_KINDS:
        images.check_pixels(data, bounds)
    extent = facts.extents.get(facts.first_sheet) if facts is not None and facts.first_sheet else None
    return Inspection(kind=kind, first_sheet_extent=extent)


def inspect(data: bytes, allowed, max_bytes: int, *, name=None) -> Inspection:
    """Inspect an upload; raise ValidationError (naming the file when `name` is given) on the first problem."""
    try:
        return _inspect(data, allowed, max_bytes, name)
    except ValidationError as error:
        if name:
            raise named(name, error) from error
        raise


def check_upload(data: bytes, allowed, max_bytes: int, *, name=None) -> str:
    """Return the detected kind when the file is allowed and passes inspection; otherwise raise ValidationError."""
    return inspect(data, allowed, max_bytes, name=name).kind


def reencode_image(data: bytes) -> bytes:
    """Decode and re-encode a JPEG/PNG/WebP image, keeping its format and dropping EXIF; see images.reencode."""
    kind = sniff(data)
    if kind not in IMAGE_KINDS:
        raise ValidationError(_("The file is not a JPEG, PNG or WebP image."), code="bad_type")
    return images.reencode(data, kind, limits.current())
