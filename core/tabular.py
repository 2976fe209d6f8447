"""Reading and writing spreadsheets as Chinese schools make them.

Reading: CSV in UTF-8, UTF-8 with BOM, GBK/GB18030 (what Excel in China saves), and XLSX; the format is
decided by the file's content, not its name. Writing: CSV and XLSX (core/xlsx_stream.py) streamed in chunks of
rows with memory flat, and cells that a spreadsheet would run as a formula neutralised (CSV/formula injection);
a million rows take seconds (bench: `python -m bench micro-export csv|xlsx ROWS`).
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

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


def write_xlsx(target, headers: list[str], rows: Iterable[Iterable], title: str = "Sheet1") -> int:
    """Write an XLSX to a file path or binary file, streamed (rows are not kept in memory), with text cells that
    start like a formula neutralised; return the number of rows. See core.xlsx_stream for what cells become."""
    from .xlsx_stream import write_xlsx_stream

    return write_xlsx_stream(target, headers, rows, title=title, guard="".join(FORMULA_PREFIXES))
