"""The bounds every upload is inspected within; each can be changed in settings.QINGDUN (docs/security.md, "Upload
inspection")."""

from dataclasses import dataclass

from django.conf import settings

DEFAULTS = {
    # Zip containers (XLSX, DOCX, PPTX, ODF): what all members may inflate to together and one member alone.
    "MAX_UNZIPPED_BYTES": 100 * 1024 * 1024,
    "MAX_ZIP_MEMBER_BYTES": 50 * 1024 * 1024,
    # Inflated ÷ compressed size a member may reach once it has inflated past MIN_RATIO_CHECK_BYTES: text XML
    # deflates 5–30 times, deflated zeros about 1,000 times.
    "MAX_ZIP_RATIO": 200,
    "MIN_RATIO_CHECK_BYTES": 1024 * 1024,
    "MAX_ZIP_MEMBERS": 5_000,
    # An Office document embedded in another (a chart's workbook in a PPTX) is read into memory to be inspected.
    "MAX_EMBEDDED_BYTES": 10 * 1024 * 1024,
    # Width × height of a photo or picture, read from its header before any pixel is decoded (a 12-megapixel phone
    # photo is 12,000,000; 40 megapixels decode to about 120 MB).
    "MAX_IMAGE_PIXELS": 40_000_000,
    # What a PDF's object streams may inflate to together while they are searched for scripts and actions.
    "MAX_PDF_INFLATED_BYTES": 50 * 1024 * 1024,
    # Columns an imported table's sheet may span (dimension or cells): past it openpyxl pads every row.
    "MAX_TABLE_COLUMNS": 200,
}


@dataclass(frozen=True)
class Limits:
    max_unzipped_bytes: int
    max_zip_member_bytes: int
    max_zip_ratio: float
    min_ratio_check_bytes: int
    max_zip_members: int
    max_embedded_bytes: int
    max_image_pixels: int
    max_pdf_inflated_bytes: int
    max_table_columns: int


def current() -> Limits:
    """The limits in force now (read on each upload so a test or an operator's change applies at once)."""
    configured = getattr(settings, "QINGDUN", {})
    return Limits(**{key.lower(): configured.get(key, default) for key, default in DEFAULTS.items()})
