"""A small streaming XLSX writer: rows go straight into the zipped sheet XML as they arrive.

openpyxl's write-only mode builds an element per cell and managed about 5,000 rows a second, so a million-row
export took minutes; this writes the SpreadsheetML text directly (inline strings, no shared-string table, so
memory stays flat), cell by cell, and deflates it at zlib's fastest level.

It covers what exports need: a bold, frozen header row, column widths from the first rows, and rows of text,
numbers, booleans, dates and times; nothing else (no formulas, merged cells or charts). openpyxl stays the
library that READS spreadsheets. What a cell becomes:
- str (and str subclasses, e.g. Django's choices): text, with the characters XML 1.0 cannot hold dropped and
  cut to Excel's 32,767 characters per cell; text starting with a `guard` character (core.tabular passes the
  formula prefixes) gets a leading apostrophe;
- int, float, Decimal: a number (NaN and infinities, which a sheet cannot hold, as text); bool: TRUE/FALSE;
- datetime, date, time, timedelta: a number with a date/time format; aware datetimes in the current zone;
- None and "": an empty cell; anything else: its text.

A sheet holds at most 1,048,576 rows; more go on to continuation sheets ("title (2)", …), each with the header
row again, so nothing is lost. The parts are written in the order openpyxl uses (the sheets first, the small
parts that describe them last, when the number of sheets is known).
"""

import datetime
import math
import re
import time
import unicodedata
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from itertools import chain, islice
from xml.sax.saxutils import escape, quoteattr

MAX_ROWS = 1_048_576  # Excel's rows per worksheet
MAX_CELL_CHARS = 32_767  # Excel's characters per cell
# A part streamed into a zip must stay under 2 GiB unless ZIP64 is asked for up front (zipfile raises past it);
# a sheet that nears that size continues on a new one, as at the row limit.
MAX_SHEET_BYTES = 1_800_000_000
BATCH_ROWS = 500
WIDTH_SAMPLE_ROWS = 100
COMPRESS_LEVEL = 1

EPOCH = datetime.datetime(1899, 12, 30)  # Excel's day 0 on Windows (1900 date system)
ONE_DAY = datetime.timedelta(days=1)

# What XML 1.0 cannot hold (control characters but tab, LF, CR; lone surrogates; U+FFFE, U+FFFF).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Text that needs more than copying: markup characters, CR (kept as &#13;, since XML reads a bare CR as LF)
# and the characters above. Leading/trailing whitespace is checked apart (it needs xml:space="preserve").
_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML_SPACE = " \t\n\r"
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\\x00-\x1f]")

# Cell formats (the s= index of a cell): 0 general, 1 date and time, 2 date, 3 time, 4 duration, 5 bold header.
_DATETIME, _DATE, _TIME, _DURATION, _HEADER = 1, 2, 3, 4, 5


def column_letters(index: int) -> str:
    """A 0-based column index as Excel's letters: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def clean_text(text: str) -> str:
    """The text as a cell can hold it: characters XML 1.0 forbids dropped, cut to Excel's cell limit."""
    return _ILLEGAL.sub("", text)[:MAX_CELL_CHARS]


def _text_cell(ref: str, text: str, guard: str, style: str = "") -> str:
    """A text cell the slow way: cleaned, then guarded, escaped, its edge whitespace kept."""
    text = clean_text(text)
    if not text:
        return ""
    if text[0] in guard:
        text = ("'" + text)[:MAX_CELL_CHARS]
    text = escape(text).replace("\r", "&#13;")
    space = ' xml:space="preserve"' if text[0] in _XML_SPACE or text[-1] in _XML_SPACE else ""
    return f'<c r="{ref}" t="inlineStr"{style}><is><t{space}>{text}</t></is></c>'


def _serial(value) -> float:
    from openpyxl.utils.datetime import to_excel

    return to_excel(value)


def _other_cell(ref: str, value, guard: str) -> str:
    """A cell of a type the row loop does not handle inline: subclasses, Decimal, dates and times."""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float, Decimal)):
        if isinstance(value, int) or math.isfinite(value):
            return f'<c r="{ref}"><v>{value}</v></c>'
        return _text_cell(ref, str(value), guard)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            from django.utils import timezone

            value = timezone.localtime(value).replace(tzinfo=None)
        return f'<c r="{ref}" s="{_DATETIME}"><v>{_serial(value)}</v></c>'
    if isinstance(value, datetime.date):
        return f'<c r="{ref}" s="{_DATE}"><v>{_serial(value)}</v></c>'
    if isinstance(value, datetime.time):
        return f'<c r="{ref}" s="{_TIME}"><v>{_serial(value.replace(tzinfo=None))}</v></c>'
    if isinstance(value, datetime.timedelta):
        return f'<c r="{ref}" s="{_DURATION}"><v>{_serial(value)}</v></c>'
    # str subclasses (Django's choices, safe strings), lazy translations, UUIDs, …
    return _text_cell(ref, str(value), guard)


def _rows_xml(rows, first: int, columns: list[str], guard: str, style: str = "") -> str:
    """The <row> elements of `rows`, numbered from `first`, cell by cell (the header row with `style`)."""
    out = []
    append = out.append
    special = _SPECIAL.search
    space = _XML_SPACE
    number = first - 1
    for row in rows:
        if row.__class__ is not tuple and row.__class__ is not list:
            row = list(row)
        number += 1
        r = str(number)
        append(f'<row r="{r}">')
        if len(row) > len(columns):
            columns.extend(column_letters(index) for index in range(len(columns), len(row)))
        for column, value in zip(columns, row, strict=False):  # columns may be more
            kind = value.__class__
            if value is None or value == "":
                continue
            if kind is str:
                if (
                    len(value) < MAX_CELL_CHARS
                    and special(value) is None
                    and value[0] not in space
                    and value[-1] not in space
                ):
                    if value[0] in guard:
                        value = "'" + value
                    append(f'<c r="{column}{r}" t="inlineStr"{style}><is><t>{value}</t></is></c>')
                else:
                    append(_text_cell(f"{column}{r}", value, guard, style))
            elif kind is float and value - value == 0.0:  # finite (inf - inf and NaN - NaN are NaN)
                append(f'<c r="{column}{r}"><v>{value!r}</v></c>')
            elif kind is int:
                append(f'<c r="{column}{r}"><v>{value}</v></c>')
            else:
                append(_other_cell(f"{column}{r}", value, guard))
        append("</row>")
    return "".join(out)


def _display_width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return 19
    if isinstance(value, datetime.date):
        return 10
    text = str(value)
    if len(text) > 100:
        return 100
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _cols_xml(sample: list, count: int) -> str:
    """Column widths from the header and the first rows, so dates do not show as ##### and Chinese fits."""
    widths = [0] * count
    for row in sample:
        for index, value in enumerate(row):
            if index < count:
                widths[index] = max(widths[index], _display_width(value))
    if not widths:
        return ""
    cols = "".join(
        f'<col min="{index}" max="{index}" width="{min(max(width + 2, 8), 60)}" customWidth="1"/>'
        for index, width in enumerate(widths, start=1)
    )
    return f"<cols>{cols}</cols>"


def sheet_name(title: str, number: int = 1) -> str:
    """A valid, at most 31-character sheet name; continuation sheets get " (2)", " (3)", …"""
    name = _SHEET_NAME_BAD.sub("_", clean_text(str(title))).strip().strip("'") or "Sheet"
    if name.lower() == "history":  # reserved by Excel
        name += "_"
    if number == 1:
        return name[:31]
    suffix = f" ({number})"
    return name[: 31 - len(suffix)] + suffix


_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_STYLES = (
    f"{_XML}<styleSheet {_NS}>"
    '<numFmts count="4">'
    '<numFmt numFmtId="164" formatCode="yyyy-mm-dd h:mm:ss"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="166" formatCode="h:mm:ss"/>'
    '<numFmt numFmtId="167" formatCode="[h]:mm:ss"/>'
    "</numFmts>"
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="6">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="167" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _content_types(sheets: int) -> str:
    ct = "application/vnd.openxmlformats-officedocument"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{ct}.spreadsheetml.worksheet+xml"/>'
        for n in range(1, sheets + 1)
    )
    return (
        f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.spreadsheetml.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{ct}.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        f'<Override PartName="/docProps/app.xml" ContentType="{ct}.extended-properties+xml"/>'
        f"{overrides}</Types>"
    )


def _workbook(names: list[str]) -> str:
    sheets = "".join(
        f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(names, start=1)
    )
    return f"{_XML}<workbook {_NS} {_R_NS}><bookViews><workbookView/></bookViews><sheets>{sheets}</sheets></workbook>"


def _workbook_rels(sheets: int) -> str:
    rels = "".join(
        f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, sheets + 1)
    )
    styles = f'<Relationship Id="rId{sheets + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
    return f'{_XML}<Relationships xmlns="{_PKG_REL}">{rels}{styles}</Relationships>'


_ROOT_RELS = (
    f'{_XML}<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{_PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
_APP = (
    f'{_XML}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Microsoft Excel</Application></Properties>"
)


def _core() -> str:
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return (
        f"{_XML}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def write_xlsx_stream(target, headers: list, rows: Iterable[Iterable], title: str = "Sheet1", guard: str = "") -> int:
    """Write one table (a bold header row, then `rows`) to `target`, a path or a binary file; return the number
    of rows written (without headers). `guard`: the characters that give a text cell starting with one of them a
    leading apostrophe (core.tabular passes the formula prefixes)."""
    headers = list(headers)
    rows = iter(rows)
    sample = [list(row) for row in islice(rows, WIDTH_SAMPLE_ROWS)]
    cols_xml = _cols_xml([headers, *sample], max([len(headers), *map(len, sample)]))
    columns = [column_letters(index) for index in range(max(len(headers), 1))]
    header_xml = _rows_xml([headers], 1, columns, guard, f' s="{_HEADER}"')
    source = chain(sample, rows)
    names: list[str] = []
    written = 0
    carry: list = []
    done = False
    # Every part is deflated at the archive's level: zlib level 1 takes under a third of the time of the default
    # level 6, for a file about a quarter larger.
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as archive:
        while not done:
            names.append(sheet_name(title, len(names) + 1))
            with archive.open(f"xl/worksheets/sheet{len(names)}.xml", "w") as sheet:
                head = (
                    f'{_XML}<worksheet {_NS} {_R_NS}><sheetViews><sheetView workbookViewId="0">'
                    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                    "</sheetView></sheetViews>"
                    f'<sheetFormatPr defaultRowHeight="15"/>{cols_xml}<sheetData>{header_xml}'
                ).encode()
                sheet.write(head)
                size, number = len(head), 2  # bytes so far, the next row's number
                while True:
                    batch, carry = carry or list(islice(source, BATCH_ROWS)), []
                    if not batch:
                        done = True
                        break
                    room = MAX_ROWS - number + 1
                    if len(batch) > room:
                        batch, carry = batch[:room], batch[room:]
                    data = _rows_xml(batch, number, columns, guard).encode()
                    sheet.write(data)
                    size += len(data)
                    number += len(batch)
                    written += len(batch)
                    if number > MAX_ROWS or size > MAX_SHEET_BYTES:  # full: the rest goes on the next sheet
                        carry = carry or list(islice(source, BATCH_ROWS))
                        done = not carry
                        break
                sheet.write(b"</sheetData></worksheet>")
        archive.writestr("docProps/app.xml", _APP)
        archive.writestr("docProps/core.xml", _core())
        archive.writestr("xl/styles.xml", _STYLES)
        archive.writestr("xl/workbook.xml", _workbook(names))
        archive.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(names)))
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("[Content_Types].xml", _content_types(len(names)))
    return written
