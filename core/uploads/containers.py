"""Zip containers (XLSX, DOCX, PPTX, ODF) inspected member by member within bounds, never trusting the headers.

Every member is inflated in chunks and counted as it comes out; the reading stops at the first bound passed (one
member's size, all members' size, the compression ratio), so a 1 MB zip bomb of gigabytes costs at most one
bound's worth of inflating, 64 KB at a time. On the way each XML part goes through expat (well-formed, no DTD
or entity), each first chunk is looked at for an archive or an OLE object inside, worksheets' references are
checked, and the part names and content types are searched for macros.
"""

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.parsers import expat

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .limits import Limits

CHUNK = 64 * 1024
MAX_CONTENT_TYPES_BYTES = 1024 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
# First bytes of what has no place inside a document: another archive, a compound file (an OLE object, where
# Office keeps embedded programs, "Package" objects and legacy equations). Only long signatures: a part of random
# bytes (an obfuscated font) starts with a two-byte one now and then.
FOREIGN_MAGICS = (*ZIP_MAGICS, OLE_MAGIC, b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07")

# Main document content type and folder of each Office Open XML kind.
OFFICE = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "xl/"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", "word/"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml", "ppt/"),
}
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
# Content types that carry code: VBA projects, ActiveX controls, Excel 4.0 macro sheets, every *.macroEnabled.*.
MACRO_TYPE_MARKERS = ("macroenabled", "vbaproject", "activex", "macrosheet", "vba")
MACRO_PART_NAMES = {"vbaproject.bin", "vbadata.xml", "vbaprojectsignature.bin", "vbaprojectsignatureagile.bin"}
MACRO_FOLDERS = ("activex/", "macrosheets/")
ODF_MACRO_FOLDERS = ("basic/", "scripts/")
MACRO_EXTENSIONS = (".xlsm", ".xltm", ".xlam", ".docm", ".dotm", ".pptm", ".potm", ".ppsm", ".ppam", ".sldm")

EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384
_CELL_RE = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]{1,7})")


def _refuse(code: str, message, **params):
    raise ValidationError(message, code=code, params=params or None)


def _macro_refusal():
    _refuse(
        "macro",
        _(
            "The file contains macros (VBA, ActiveX or Excel 4.0), which are not accepted. Save it as .docx, .xlsx "
            "or .pptx without macros and retry."
        ),
    )


def _damaged(part: str):
    _refuse(
        "damaged",
        _("The file is damaged or is not a real Office document (part “%(part)s”). Save it again and retry."),
        part=part[:100],
    )


def refuse_macro_name(name: str) -> None:
    """A file named *.xlsm, *.docm, … declares macros whatever its content."""
    if name.lower().endswith(MACRO_EXTENSIONS):
        _macro_refusal()


@dataclass
class ContentTypes:
    defaults: dict = field(default_factory=dict)  # extension (lower case) -> content type
    overrides: dict = field(default_factory=dict)  # part name without the leading "/" -> content type

    def of(self, part: str) -> str:
        return self.overrides.get(part) or self.defaults.get(part.rsplit(".", 1)[-1].lower(), "")

    def all(self):
        return [*self.defaults.values(), *self.overrides.values()]


class _Entities(Exception):
    pass


def _parser(start=None):
    """An expat parser that refuses a document type declaration: Office XML never has one, and a DTD is where
    entity expansion bombs (billion laughs) and external entities live."""
    parser = expat.ParserCreate(namespace_separator="}")

    def doctype(*_args):
        raise _Entities

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    if start is not None:
        parser.StartElementHandler = start
    return parser


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _parse_small(data: bytes, part: str, start) -> None:
    parser = _parser(start)
    try:
        parser.Parse(data, True)
    except (expat.ExpatError, _Entities):
        _damaged(part)


def read_content_types(archive: zipfile.ZipFile) -> ContentTypes | None:
    """[Content_Types].xml parsed, read at most MAX_CONTENT_TYPES_BYTES far; None when there is none."""
    try:
        with archive.open("[Content_Types].xml") as member:
            data = member.read(MAX_CONTENT_TYPES_BYTES + 1)
    except KeyError:
        return None
    if len(data) > MAX_CONTENT_TYPES_BYTES:
        _damaged("[Content_Types].xml")
    types = ContentTypes()

    def start(name, attrs):
        local = _local(name)
        if local == "Default" and "Extension" in attrs:
            types.defaults[attrs["Extension"].lower()] = attrs.get("ContentType", "")
        elif local == "Override":
            types.overrides[attrs.get("PartName", "").lstrip("/")] = attrs.get("ContentType", "")

    _parse_small(data, "[Content_Types].xml", start)
    return types


def office_kind(names, types: ContentTypes | None) -> str | None:
    if types is None:
        return None
    declared = set(types.overrides.values())
    for kind, (content_type, folder) in OFFICE.items():
        if content_type in declared and any(name.startswith(folder) for name in names):
            return kind
    return None


def _refuse_macros(names, types: ContentTypes | None) -> None:
    for name in names:
        lower = name.lower()
        if (
            posixpath.basename(lower) in MACRO_PART_NAMES
            or any(f"/{folder}" in f"/{lower}" for folder in MACRO_FOLDERS)
            or lower.startswith(ODF_MACRO_FOLDERS)
        ):
            _macro_refusal()
    if types is not None and any(m in t.lower() for t in types.all() for m in MACRO_TYPE_MARKERS):
        _macro_refusal()


def refuse_macro_zip(data: bytes) -> None:
    """Refuse a zip whose part names or content types declare macros (a .docm is not a DOCX, but saying why it
    is refused helps more than "not accepted"). Reads the directory and [Content_Types].xml only."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            types = read_content_types(archive)
    except (zipfile.BadZipFile, ValidationError, OSError, ValueError, NotImplementedError, EOFError):
        return
    _refuse_macros(names, types)


def sniff_zip(data: bytes) -> str | None:
    """The Office kind a zip declares (reading only its directory and [Content_Types].xml), or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return office_kind(archive.namelist(), read_content_types(archive))
    except (zipfile.BadZipFile, ValidationError, OSError, ValueError, NotImplementedError, EOFError):
        return None


@dataclass
class ZipFacts:
    kind: str | None
    # Worksheet part -> (last row, last column) its dimension and cells reach: openpyxl pads up to them.
    extents: dict = field(default_factory=dict)
    first_sheet: str | None = None  # the worksheet a reader of "the first sheet" reads (openpyxl's worksheets[0])


@dataclass
class _Budget:
    left: int


# References in a worksheet's XML, found by regular expressions over its chunks rather than by an expat callback
# per element (a 20,000-row roster has a quarter of a million elements). XML allows no "<" inside a tag, so a
# chunk cut just before its last "<" holds whole tags only.
_TAG = rb"<(?:[A-Za-z_][\w.-]*:)?%s\s[^>]*?(?<![\w:.-])%s\s*=\s*[\"']"
_CELL = _TAG % (b"c", b"r")
_BAD_CELL = re.compile(_CELL + rb"(?!\$?[A-Z]{1,3}\$?[1-9][0-9]{0,6}[\"'])([^\"']*)")
_WIDE_CELL = re.compile(_CELL + rb"\$?([A-Z]{2,3})\$?[0-9]")  # past column Z: the only ones that can be far
_LOW_CELL = re.compile(_CELL + rb"\$?[A-Z]{1,3}\$?([0-9]{7})[\"']")  # rows past 999,999: maybe past Excel's last
_ROW = re.compile((_TAG % (b"row", b"r")) + rb"([^\"']*)")
_DIMENSION = re.compile((_TAG % (b"dimension", b"ref")) + rb"([^\"']*)")


def _column(letters: bytes) -> int:
    column = 0
    for letter in letters:
        column = column * 26 + letter - 64
    return column


class _SheetChecker:
    """Cell and row references of a worksheet, checked as its chunks inflate (openpyxl fails with ValueError on a
    reference like "2A"), and the extent they reach: the last row, and the last column of the dimension or of a
    cell past column Z (openpyxl pads each row up to it; columns A to Z never matter)."""

    def __init__(self, part: str):
        self.part = part
        self.rows = 0
        self.columns = 0
        self.carry = b""

    def _bad(self, ref: bytes):
        _refuse(
            "bad_cell",
            _("The sheet “%(part)s” has a damaged cell reference “%(ref)s”. Save it again from Excel and retry."),
            part=self.part,
            ref=ref[:20].decode("utf-8", "replace"),
        )

    def _reference(self, ref: bytes) -> None:
        match = _CELL_RE.fullmatch(ref.decode("ascii", "replace"))
        if match is None:
            self._bad(ref)
        column, row = _column(match[1].encode()), int(match[2])
        if not (1 <= row <= EXCEL_ROWS and column <= EXCEL_COLUMNS):
            self._bad(ref)
        self.rows = max(self.rows, row)
        self.columns = max(self.columns, column)

    def feed(self, chunk: bytes, final: bool = False) -> None:
        text = self.carry + chunk
        cut = len(text) if final else text.rfind(b"<")
        if cut < 0:
            cut = len(text)
        self.carry = text[cut:]
        if bad := _BAD_CELL.search(text, 0, cut):
            self._bad(bad[1])
        for match in _WIDE_CELL.finditer(text, 0, cut):
            column = _column(match[1])
            if column > EXCEL_COLUMNS:
                self._bad(match[1])
            self.columns = max(self.columns, column)
        for match in _LOW_CELL.finditer(text, 0, cut):
            if int(match[1]) > EXCEL_ROWS:
                self._bad(match[1])
        for match in _ROW.finditer(text, 0, cut):
            value = match[1]
            if not value.isdigit() or not 1 <= int(value) <= EXCEL_ROWS:
                self._bad(value)
            self.rows = max(self.rows, int(value))
        for match in _DIMENSION.finditer(text, 0, cut):
            for ref in match[1].split(b":", 1):
                self._reference(ref)


def _member_bytes(archive, info, limits: Limits, budget: _Budget, keep: int = 0, on_chunk=None):
    """Inflate one member in chunks, counting; stop at the first bound passed. Answer (its first chunk, all of it
    or None): all of it only when it is at most `keep` bytes (an embedded document, inspected in turn)."""
    count = 0
    first = b""
    kept = bytearray()
    with archive.open(info) as member:
        while chunk := member.read(CHUNK):
            count += len(chunk)
            budget.left -= len(chunk)
            if count > limits.max_zip_member_bytes or budget.left < 0:
                _refuse(
                    "zip_bomb",
                    _(
                        "The file unpacks to more than %(limit)s MB, far more than a document of its size; it is "
                        "refused as a possible zip bomb."
                    ),
                    limit=round(min(limits.max_zip_member_bytes, limits.max_unzipped_bytes) / 1_048_576),
                )
            if count > limits.min_ratio_check_bytes and count > limits.max_zip_ratio * max(info.compress_size, 1):
                _refuse(
                    "zip_bomb",
                    _(
                        "Part “%(part)s” of the file unpacks to more than %(ratio)s times its packed size; it is "
                        "refused as a possible zip bomb."
                    ),
                    part=info.filename[:100],
                    ratio=limits.max_zip_ratio,
                )
            if not first:
                first = chunk
            if keep and count <= keep:
                kept += chunk
            if on_chunk is not None:
                on_chunk(chunk)
    return first, (bytes(kept) if keep and count <= keep else None)


class _Workbook:
    """The sheets a workbook lists and its relationships, gathered while its parts stream by."""

    def __init__(self, main: str):
        self.main = main
        self.rels = posixpath.join(posixpath.dirname(main), "_rels", posixpath.basename(main) + ".rels")
        self.sheets: list[tuple[str, str]] = []  # (name, relationship id)
        self.targets: dict[str, str] = {}  # relationship id -> part

    def handler(self, part: str):
        if part == self.main:
            return self._sheet
        if part == self.rels:
            return self._relationship
        return None

    def _sheet(self, name, attrs):
        if _local(name) == "sheet":
            rid = next((value for key, value in attrs.items() if key.endswith("}id")), "")
            self.sheets.append((attrs.get("name", ""), rid))

    def _relationship(self, name, attrs):
        if _local(name) == "Relationship" and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            if target.startswith("/"):
                target = target.lstrip("/")
            else:
                target = posixpath.normpath(posixpath.join(posixpath.dirname(self.main), target))
            self.targets[attrs.get("Id", "")] = target

    def check(self, names: set) -> None:
        """At least one sheet, and each sheet's part in the file (openpyxl fails with IndexError otherwise)."""
        if self.main not in names:
            _damaged(self.main or "workbook.xml")
        if not self.sheets:
            _refuse("no_sheets", _("The workbook has no sheets. Save it again from Excel with the table and retry."))
        for sheet_name, rid in self.sheets:
            if self.targets.get(rid) not in names:
                _refuse(
                    "missing_sheet",
                    _("The sheet “%(sheet)s” is missing from the file. Save it again from Excel and retry."),
                    sheet=sheet_name[:50],
                )


def inspect_zip(data: bytes, limits: Limits, *, budget: _Budget | None = None, nested: bool = False) -> ZipFacts:
    """Inspect every member of a zip container within `limits`; raise ValidationError on the first problem."""
    budget = budget if budget is not None else _Budget(limits.max_unzipped_bytes)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        _damaged("zip")
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_zip_members:
            _refuse(
                "zip_members",
                _("The file holds more than %(limit)s parts; it is refused as a possible zip bomb."),
                limit=limits.max_zip_members,
            )
        names = [info.filename for info in infos]
        if len(set(names)) != len(names):
            _damaged("zip")  # two members of one name: readers disagree on which one counts
        try:
            types = read_content_types(archive)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
            _damaged("[Content_Types].xml")
        _refuse_macros(names, types)
        kind = office_kind(names, types)
        facts = ZipFacts(kind=kind)
        workbook = None
        if kind == "xlsx":
            workbook = _Workbook(next((p for p, t in types.overrides.items() if t == OFFICE["xlsx"][0]), ""))
        for info in infos:
            _inspect_member(archive, info, types, limits, budget, facts, nested, workbook)
        if workbook is not None:
            workbook.check(set(names))
            facts.first_sheet = next(
                (p for _name, rid in workbook.sheets if types.of(p := workbook.targets[rid]) == WORKSHEET_TYPE), None
            )
    return facts


def _inspect_member(archive, info, types, limits, budget, facts: ZipFacts, nested: bool, workbook) -> None:
    name = info.filename
    if info.is_dir():
        return
    if info.flag_bits & 0x1:
        _refuse(
            "encrypted",
            _("The file is password-protected, so it cannot be checked. Save it without a password and retry."),
        )
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        _damaged(name)
    lower = name.lower()
    parser = None
    sheet = None
    if lower.endswith((".xml", ".rels")):
        handler = workbook.handler(name) if workbook is not None else None
        if types is not None and types.of(name) == WORKSHEET_TYPE:
            sheet = _SheetChecker(name)
        parser = _parser(handler)

    def feed(chunk: bytes) -> None:
        parser.Parse(chunk, False)
        if sheet is not None:
            sheet.feed(chunk)

    embedded = not nested and "/embeddings/" in f"/{lower}"
    try:
        first, whole = _member_bytes(
            archive,
            info,
            limits,
            budget,
            keep=limits.max_embedded_bytes if embedded else 0,
            on_chunk=feed if parser is not None else None,
        )
        if parser is not None:
            parser.Parse(b"", True)
        if sheet is not None:
            sheet.feed(b"", final=True)
    except (expat.ExpatError, _Entities):
        _damaged(name)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        _damaged(name)  # a bad CRC, a truncated member, a broken deflate stream
    if sheet is not None:
        facts.extents[name] = (sheet.rows, sheet.columns)
    if first.startswith(FOREIGN_MAGICS):
        if embedded and whole is not None and whole.startswith(ZIP_MAGICS):
            # A chart in a PPTX or DOCX keeps its numbers in an embedded XLSX: inspected in turn with the same
            # budget, and nothing may be nested inside it.
            if inspect_zip(whole, limits, budget=budget, nested=True).kind is not None:
                return
        _refuse(
            "nested",
            _(
                "The file holds another archive, an embedded object or a program (part “%(part)s”), which is not "
                "accepted. Save the document without it (insert pictures as pictures) and retry."
            ),
            part=name[:100],
        )
