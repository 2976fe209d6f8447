"""Reading and writing spreadsheets as Chinese schools make them.

Reading: CSV in UTF-8, UTF-8 with BOM, GBK/GB18030 (what Excel in China saves), and XLSX; the format is
decided by the file's content, not its name. Writing: CSV streamed in chunks of rows, and XLSX through
XlsxWriter in constant_memory mode (each row goes to a temporary file as the next one starts, so memory stays
flat however long the table). Cells a spreadsheet would run as a formula are neutralised in both
(CSV/formula injection). Bench: `python -m bench.xlsx_compare`.
"""

import csv
import datetime
import io
import math
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import chain, islice

from django.utils import timezone
from django.utils.translation import gettext as _

XLSX_MAGIC = b"PK\x03\x04"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class TabularError(ValueError):
    """A file that cannot be read as a table; the message is translated and fit to show the user."""


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]  # cell text, row by row, without the header row
    first_row_number: int = 2  # the spreadsheet row number of rows[0], for messages


def decode_text(data: bytes) -> str:
    """Decode CSV bytes: UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK and GB2312)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TabularError(_("The file is not text in UTF-8 or GBK. Save it from Excel as “CSV UTF-8” or as XLSX."))


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel gives 20260001 back as 20260001.0
    return str(value).strip()


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise TabularError(_("The XLSX file could not be opened. Save it again from Excel and retry.")) from error
    try:
        sheet = workbook.worksheets[0]
        return [[_cell_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _read_csv(data: bytes) -> list[list[str]]:
    text = decode_text(data)
    if "\x00" in text:
        raise TabularError(_("The file is not a CSV or XLSX table."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        # newline="" hands line endings to the csv module, which knows quoted fields may hold them.
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as error:
        raise TabularError(_("The file is not a CSV or XLSX table.")) from error


def read_table(data: bytes, max_bytes: int | None = None, max_rows: int = 100_000) -> Table:
    """Read the first sheet (XLSX) or the CSV text; the first non-empty row is the header row."""
    if not data:
        raise TabularError(_("The file is empty."))
    if max_bytes is not None and len(data) > max_bytes:
        raise TabularError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": round(len(data) / 1_048_576, 1), "limit": round(max_bytes / 1_048_576, 1)}
        )
    raw = _read_xlsx(data) if data.startswith(XLSX_MAGIC) else _read_csv(data)
    start = 0
    while start < len(raw) and not any(raw[start]):
        start += 1
    if start >= len(raw):
        raise TabularError(_("The file has no header row."))
    headers = [h.strip() for h in raw[start]]
    rows = []
    for row in raw[start + 1 :]:
        if any(cell for cell in row):
            rows.append(row + [""] * (len(headers) - len(row)))
        else:
            rows.append([])  # keep numbering: blank rows are skipped by callers but still count
    while rows and not rows[-1]:
        rows.pop()
    if len(rows) > max_rows:
        raise TabularError(_("The file has more than %(max)s rows.") % {"max": max_rows})
    return Table(headers=headers, rows=rows, first_row_number=start + 2)


def map_headers(headers: list[str], aliases: dict[str, Iterable[str]]) -> dict[str, int]:
    """Map canonical field names to column indexes, accepting any alias (Chinese or English, any case)."""
    normalised = [h.replace(" ", "").replace("\u3000", "").lower() for h in headers]
    found = {}
    for field, names in aliases.items():
        for name in names:
            key = name.replace(" ", "").lower()
            if key in normalised:
                found[field] = normalised.index(key)
                break
    return found


# --- writing ---------------------------------------------------------------------------------------------


def neutralise(value):
    """Make a cell safe to open in Excel: text that starts like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


# Where a CSV field can start: at the start of the text, after a comma or a line end, and after the opening quote
# of a quoted field (a field starting with CR is quoted). Every formula cell matches one of these, so a chunk of
# CSV text without a match holds none; a match that is not one (a negative number, a comma followed by "-"
# inside a quoted field) only sends the chunk through the exact cell-by-cell pass. (Two patterns, not one with
# "^|,": a pattern that starts with a character set is searched several times faster.)
_FIRST_FIELD_FORMULA = re.compile(r'"?[=+\-@\t\r]')
_NEXT_FIELD_FORMULA = re.compile(r'[,\n]"?[=+\-@\t\r]')
CSV_CHUNK_ROWS = 1000


def _sequences(rows: Iterable[Iterable], count: int) -> list:
    return [row if row.__class__ is tuple or row.__class__ is list else list(row) for row in islice(rows, count)]


def stream_csv(headers: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """Yield CSV text (with a BOM so Excel opens Chinese correctly) in chunks of rows; memory stays constant.

    Each chunk is written by the csv module in one call and checked for formula cells with one search; only a
    chunk that may hold one is written again with `neutralise` applied cell by cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def take() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([neutralise(h) for h in headers])
    yield "\ufeff" + take()
    rows = iter(rows)
    while chunk := _sequences(rows, CSV_CHUNK_ROWS):
        writer.writerows(chunk)
        text = take()
        if _FIRST_FIELD_FORMULA.match(text) is not None or _NEXT_FIELD_FORMULA.search(text) is not None:
            writer.writerows([neutralise(cell) for cell in row] for row in chunk)
            text = take()
        yield text


# --- XLSX ------------------------------------------------------------------------------------------------

XLSX_MAX_ROWS = 1_048_576  # Excel's rows per worksheet, the header row included
WIDTH_SAMPLE_ROWS = 100

XLSX_OPTIONS = {
    # Rows go to a temporary file as soon as the next row starts and strings are written inline (no shared-string
    # table), so memory stays flat however long the table; rows must therefore be written in order.
    "constant_memory": True,
    # Text is text: never turned into a formula, a hyperlink or a number, whatever it looks like.
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
_FORMATS = {
    "header": {"bold": True},
    datetime.datetime: {"num_format": "yyyy-mm-dd hh:mm:ss"},
    datetime.date: {"num_format": "yyyy-mm-dd"},
    datetime.time: {"num_format": "hh:mm:ss"},
    datetime.timedelta: {"num_format": "[h]:mm:ss"},
}

# What XML 1.0 cannot hold (control characters but tab, LF and CR; lone surrogates; U+FFFE, U+FFFF): XlsxWriter
# would write _xHHHH_ escapes, which Excel decodes but other readers show as text. Exports have no use for them.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Text that cannot go to XlsxWriter as it is (see _safe_text): a formula start, XlsxWriter's rich-string marker
# "<r>" at the start, a CR or an unwritable character anywhere. Most cells match none, at one search each.
_NEEDS_CARE = re.compile("\\A(?:[=+\\-@\t\r]|<r>)|[\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]").search
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def _safe_text(text: str) -> str:
    """`text` as a cell may hold it: unwritable characters dropped, a formula start neutralised, line ends as LF
    (Excel's line break in a cell; XlsxWriter would write a CR as the text "_x000D_" for readers other than Excel)."""
    text = neutralise(_UNWRITABLE.sub("", text)).replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("<r>") and text.endswith("</r>"):
        # XlsxWriter 3.3 copies such a string into the sheet unescaped, as rich-text XML, in constant_memory mode:
        # a name like "<r>…</r></is></c><c><f>…</f></c>…</r>" would add a formula cell. The apostrophe, as for a
        # formula, keeps it text.
        text = "'" + text
    return text


def _write_text(sheet, row: int, column: int, text: str, cell_format=None) -> None:
    text = _safe_text(text)
    if text:
        sheet.write_string(row, column, text, cell_format)


def _write_cell(sheet, row: int, column: int, value, formats: dict, cell_format=None) -> None:
    """Any cell: text (str subclasses and lazy translations too), numbers, booleans, dates and times; None and
    "" leave the cell empty. The row loop in _write_table writes plain str, int and float itself."""
    if value is None or value == "":
        return
    if isinstance(value, str):
        _write_text(sheet, row, column, str(value), cell_format)
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value, cell_format)
    elif isinstance(value, int):
        sheet.write_number(row, column, int(value), cell_format)
    elif isinstance(value, (float, Decimal, Fraction)):
        if math.isfinite(value):
            sheet.write_number(row, column, float(value), cell_format)
        else:  # a sheet cannot hold NaN or infinities as numbers, and an error cell would be a formula
            _write_text(sheet, row, column, str(value), cell_format)
    elif isinstance(value, datetime.datetime):
        if value.tzinfo is not None:  # a sheet has no time zones: the wall-clock time where the user is
            value = timezone.localtime(value).replace(tzinfo=None)
        sheet.write_datetime(row, column, value, formats[datetime.datetime])
    elif isinstance(value, datetime.date):
        sheet.write_datetime(row, column, value, formats[datetime.date])
    elif isinstance(value, datetime.time):
        sheet.write_datetime(row, column, value.replace(tzinfo=None), formats[datetime.time])
    elif isinstance(value, datetime.timedelta):
        sheet.write_datetime(row, column, value, formats[datetime.timedelta])
    else:  # UUIDs, model instances, …
        _write_text(sheet, row, column, str(value), cell_format)


def _display_width(value) -> int:
    """Columns a value needs: a Chinese character takes two."""
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return 19
    if isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
        return 10
    text = str(value)[:60]
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def column_widths(rows: Iterable[Sequence]) -> list[int]:
    """Widths that fit the header and the first rows, so Chinese headers and dates show whole (not as #####)."""
    widths: list[int] = []
    for row in rows:
        for index, value in enumerate(row):
            width = _display_width(value)
            if index == len(widths):
                widths.append(width)
            elif width > widths[index]:
                widths[index] = width
    return [min(max(width + 2, 8), 60) for width in widths]


def sheet_name(title, taken: set[str]) -> str:
    """A valid sheet name for `title` that is not in `taken` (compared as Excel does, ignoring case): characters
    Excel refuses replaced, cut to 31 UTF-16 units; a repeated title gets " (2)", " (3)", …; added to `taken`."""
    base = _SHEET_NAME_BAD.sub("_", _UNWRITABLE.sub("", str(title))).strip().strip("'") or "Sheet"
    if base.lower() == "history":  # reserved by Excel
        base += "_"
    number = 1
    while True:
        suffix = f" ({number})" if number > 1 else ""
        name = base
        while len((name + suffix).encode("utf-16-le")) > 62:
            name = name[:-1]
        name = name.rstrip("'") + suffix
        if name.lower() not in taken:
            taken.add(name.lower())
            return name
        number += 1


def _sequence(row) -> Sequence:
    return row if row.__class__ is tuple or row.__class__ is list else list(row)


def _write_table(workbook, formats: dict, taken: set[str], title, header: list, rows: Iterator) -> int:
    sample = [_sequence(row) for row in islice(rows, WIDTH_SAMPLE_ROWS)]
    widths = column_widths([header, *sample])

    def new_sheet():
        sheet = workbook.add_worksheet(sheet_name(title, taken))
        sheet.freeze_panes(1, 0)
        for column, width in enumerate(widths):
            sheet.set_column(column, column, width)
        for column, value in enumerate(header):
            _write_cell(sheet, 0, column, value, formats, formats["header"])
        return sheet

    sheet = None
    number = XLSX_MAX_ROWS  # where the next row goes; "full" opens the first sheet at the first row
    written = 0
    for row in chain(sample, rows):
        if number >= XLSX_MAX_ROWS:  # a new sheet, the header again: nothing is cut off
            sheet = new_sheet()
            write_string, write_number, number = sheet.write_string, sheet.write_number, 1
        # Plain text and numbers, nearly every cell of an export, are written here; anything else by _write_cell.
        for column, value in enumerate(row):
            kind = value.__class__
            if kind is str:
                if not value:
                    continue
                if _NEEDS_CARE(value) is None:
                    write_string(number, column, value)
                else:
                    _write_text(sheet, number, column, value)
            elif kind is int or kind is float and value - value == 0.0:  # finite: inf - inf and NaN - NaN are NaN
                write_number(number, column, value)
            elif value is not None:
                _write_cell(sheet, number, column, value, formats)
        number += 1
        written += 1
    if sheet is None:
        new_sheet()  # the header alone
    return written


def write_workbook(target, sheets: Iterable[tuple[str, Sequence, Iterable[Iterable]]]) -> int:
    """Write each `(title, header, rows)` as a sheet to `target` (a path or a binary file) and return the number of
    rows written, headers not counted. Rows may be any iterables and are read once, in order, never all held.

    Each sheet has a bold header row that stays in view (frozen) and columns as wide as the header and first rows
    need. A table longer than a sheet holds goes on to "title (2)", … each with the header again. What a cell
    becomes: text (neutralised when it starts like a formula, see `neutralise`), a number, a boolean, or a date or
    time with its format (an aware datetime in the current time zone); None and "" leave it empty."""
    import xlsxwriter

    if isinstance(target, os.PathLike):
        target = os.fspath(target)
    written = 0
    with xlsxwriter.Workbook(target, XLSX_OPTIONS) as workbook:
        formats = {key: workbook.add_format(properties) for key, properties in _FORMATS.items()}
        taken: set[str] = set()
        for title, header, rows in sheets:
            written += _write_table(workbook, formats, taken, title, list(header), iter(rows))
    return written


def write_xlsx(target, headers: Sequence, rows: Iterable[Iterable], title: str = "Sheet1") -> int:
    """Write one table as an XLSX workbook; see `write_workbook`."""
    return write_workbook(target, [(title, headers, rows)])
