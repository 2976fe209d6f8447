"""Hostile and malformed files, each built in the test so its recipe is in plain sight (and shared with the view
tests in tests/security/test_uploads.py, and the people and quizzes import tests)."""

import functools
import io
import re
import struct
import zipfile
import zlib

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import Workbook

MB = 1024 * 1024
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)
DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>禁毒主题班会</w:t></w:r></w:p></w:body></w:document>"
)
OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def zip_of(members: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx(extra: dict | None = None, main: str = DOCX_MAIN) -> bytes:
    return zip_of(
        {
            "[Content_Types].xml": CONTENT_TYPES.format(main=main),
            "_rels/.rels": ROOT_RELS,
            "word/document.xml": DOCUMENT,
            **(extra or {}),
        }
    )


@functools.cache
def _deflated_zeros(megabytes: int) -> tuple[bytes, int]:
    """Raw deflate of `megabytes` MB of zeros, and their CRC-32, without deflating gigabytes in the test.

    zlib's deflate of one megabyte of zeros ended by a full flush does not depend on what came before, so the
    stream for N megabytes is that block N times and an end block: exactly what deflating N MB would give."""
    zeros = bytes(MB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(zeros, crc)
    return block * megabytes + compressor.flush(), crc


def _raw_zip(entries: list[tuple[str, int, int, bytes, int]]) -> bytes:
    """A zip written record by record: (name, method, crc, packed data, unpacked size[, flags]) for each member."""
    out = bytearray()
    directory = bytearray()
    for name, method, crc, packed, size, *rest in entries:
        flags = rest[0] if rest else 0x800  # bit 11: the name is UTF-8; bit 0 would say "encrypted"
        encoded = name.encode()
        offset = len(out)
        header = (0x04034B50, 20, flags, method, 0, 0x21, crc, len(packed), size, len(encoded), 0)
        out += struct.pack("<IHHHHHIIIHH", *header)
        out += encoded + packed
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            flags,
            method,
            0,
            0x21,
            crc,
            len(packed),
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        directory += encoded
    start = len(out)
    out += directory
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), start, 0)
    return bytes(out)


def _stored(name: str, text: str) -> tuple:
    data = text.encode()
    return (name, 0, zlib.crc32(data), data, len(data))


def docx_bomb(members: int = 4, member_mb: int = 256) -> bytes:
    """A real DOCX (it opens as one) whose pictures are deflated zeros: about 1 MB that inflates to 1 GB."""
    packed, crc = _deflated_zeros(member_mb)
    entries = [
        _stored("[Content_Types].xml", CONTENT_TYPES.format(main=DOCX_MAIN)),
        _stored("_rels/.rels", ROOT_RELS),
        _stored("word/document.xml", DOCUMENT),
    ]
    entries += [(f"word/media/image{n}.png", 8, crc, packed, member_mb * MB) for n in range(members)]
    return _raw_zip(entries)


def xlsx_bomb(members: int = 4, member_mb: int = 256) -> bytes:
    """A real roster workbook with pictures of deflated zeros beside its sheet: about 1 MB, 1 GB inflated."""
    packed, crc = _deflated_zeros(member_mb)
    entries = [(name, 0, zlib.crc32(data), data, len(data)) for name, data in _members(xlsx())]
    entries += [(f"xl/media/image{n}.png", 8, crc, packed, member_mb * MB) for n in range(members)]
    return _raw_zip(entries)


def nested_zip_docx() -> bytes:
    return docx({"word/media/archive.png": zip_of({"payload.exe": b"MZ" + bytes(100)})})


def docx_with_ole_object() -> bytes:
    return docx({"word/embeddings/oleObject1.bin": OLE_HEADER})


def docm() -> bytes:
    return docx(main=DOCM_MAIN)


def xlsx(rows=(("姓名", "学号"), ("张三", "20260001"))) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite_zip(data: bytes, change) -> bytes:
    """The zip with each member passed through change(name, bytes) -> bytes, or None to leave it out."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = {}
    for info in source.infolist():
        changed = change(info.filename, source.read(info))
        if changed is not None:
            out[info.filename] = changed
    return zip_of(out)


def xlsx_with_vba() -> bytes:
    def change(name, data):
        if name == "[Content_Types].xml":
            return data.replace(
                b"</Types>",
                b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
            )
        return data

    return zip_of({**dict(_members(rewrite_zip(xlsx(), change))), "xl/vbaProject.bin": OLE_HEADER})


def _members(data: bytes):
    archive = zipfile.ZipFile(io.BytesIO(data))
    return [(info.filename, archive.read(info)) for info in archive.infolist()]


SHEET = "xl/worksheets/sheet1.xml"
MALFORMED_XLSX = {
    "no sheets": lambda n, d: (
        None if n == SHEET else (re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", d) if n == "xl/workbook.xml" else d)
    ),
    "missing sheet part": lambda n, d: None if n == SHEET else d,
    "broken XML": lambda n, d: d[: len(d) // 2] if n == SHEET else d,
    "bad cell reference": lambda n, d: d.replace(b'r="A2"', b'r="2A"') if n == SHEET else d,
    "sheet padded to every column": lambda n, d: (
        d.replace(b'<dimension ref="A1:B2"', b'<dimension ref="A1:XFD2"') if n == SHEET else d
    ),
}


def malformed_xlsx(case: str) -> bytes:
    return rewrite_zip(xlsx(), MALFORMED_XLSX[case])


def pdf(body: bytes) -> bytes:
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + body + b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


PDF_OPEN_JAVASCRIPT = pdf(
    b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"3 0 obj\n<< /S /JavaScript /JS (app.alert\\(document.cookie\\)) >>\nendobj\n"
)


def pdf_with_hidden_javascript() -> bytes:
    """The script's dictionary inside a Flate object stream, its names spelt with #-escapes."""
    objects = b"3 0 << /S /J#61vaScript /J#53 (app.alert(1)) >>"
    packed = zlib.compress(objects)
    return pdf(
        b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Open#41ction 3 0 R >>\nendobj\n"
        b"4 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n"
        % len(packed)
        + packed
        + b"\nendstream\nendobj\n"
    )


def benign_pdf() -> bytes:
    """Opens at page 1 fit to width (a destination, not an action), with a compressed stream whose bytes happen
    to spell /JS and /AA: a picture's data is data, never names."""
    noise = b"(/JS /AA /JavaScript << >> stream" + bytes(range(256)) * 4
    return pdf(
        b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /FitH null] >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
        b"3 0 obj\n<< /Type /Page /Parent 2 0 R /Title (see /JS in the manual) >>\nendobj\n"
        b"5 0 obj\n<< /Length %d /Filter /DCTDecode >>\nstream\n" % len(noise) + noise + b"\nendstream\nendobj\n"
    )


def pdf_opening_on(action: bytes, packed: bool = False) -> bytes:
    """A PDF whose /OpenAction is `action`, written in place or (packed) as object 3 in a Flate object stream,
    as pdfTeX writes its "open at page 1" GoTo."""
    if not packed:
        return pdf(b"1 0 obj\n<< /Type /Catalog /OpenAction " + action + b" >>\nendobj\n")
    objects = b"3 0 " + action
    stream = zlib.compress(objects)
    return pdf(
        b"1 0 obj\n<< /Type /Catalog /OpenAction 3 0 R >>\nendobj\n"
        b"4 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n"
        % len(stream)
        + stream
        + b"\nendstream\nendobj\n"
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_of_pixels(width: int, height: int) -> bytes:
    """A valid 1-bit greyscale PNG: 72 megapixels in a few kilobytes (each row is a filter byte and zeros)."""
    row = bytes(1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    packed = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", packed) + _png_chunk(b"IEND", b"")


ROSTER_TEXT = "姓名,学号,性别,年级,班级\n张小明,20260001,男,初一,1班\n"
CSV_GBK = ROSTER_TEXT.encode("gbk")
CSV_UTF16 = ROSTER_TEXT.encode("utf-16")
CSV_NUL = ROSTER_TEXT.encode() + b"\x00\x00\x00"
CSV_LATIN1 = "Name,Student number,Grade,Class\nJosé Müller,20260001,7,1\n".encode("latin-1")


# --- what each refusal says (msgids of core/uploads/) ---------------------------------------------------------


def expected(msgid: str, name: str, **params) -> str:
    """The message as the site's language gives it, with the file's name in front."""
    with translation.override(settings.LANGUAGE_CODE):
        problem = gettext(msgid) % params if params else gettext(msgid)
        return gettext("“%(name)s”: %(problem)s") % {"name": name, "problem": problem}


ZIP_BOMB = (
    "The file unpacks to more than %(limit)s MB, far more than a document of its size; it is refused as a possible "
    "zip bomb."
)
MACROS = (
    "The file contains macros (VBA, ActiveX or Excel 4.0), which are not accepted. Save it as .docx, .xlsx or .pptx "
    "without macros and retry."
)
NESTED = (
    "The file holds another archive, an embedded object or a program (part “%(part)s”), which is not accepted. Save "
    "the document without it (insert pictures as pictures) and retry."
)
PDF_ACTIVE = (
    "The PDF contains scripts or automatic actions (%(what)s), which are not accepted. Print it to a new PDF, or "
    "export it again without them."
)
PDF_UNINSPECTABLE = (
    "The PDF is encrypted or built in a way that cannot be checked, so it is not accepted. Print it to a new PDF "
    "and upload that."
)
TOO_MANY_PIXELS = (
    "The image is %(width)s × %(height)s pixels; at most %(limit)s megapixels are accepted. Make it smaller and retry."
)
TOO_WIDE = "The sheet spans %(columns)s columns; at most %(limit)s are read. Delete the empty columns and retry."
NOT_TEXT = "The file is not text in UTF-8 or GBK. Save it from Excel as “CSV UTF-8” or as XLSX."

# Each malformed XLSX case: the refusal's code, msgid and parameters.
MALFORMED = {
    "no sheets": ("no_sheets", "The workbook has no sheets. Save it again from Excel with the table and retry.", {}),
    "missing sheet part": (
        "missing_sheet",
        "The sheet “%(sheet)s” is missing from the file. Save it again from Excel and retry.",
        {"sheet": "Sheet"},
    ),
    "broken XML": (
        "damaged",
        "The file is damaged or is not a real Office document (part “%(part)s”). Save it again and retry.",
        {"part": SHEET},
    ),
    "bad cell reference": (
        "bad_cell",
        "The sheet “%(part)s” has a damaged cell reference “%(ref)s”. Save it again from Excel and retry.",
        {"part": SHEET, "ref": "2A"},
    ),
}
