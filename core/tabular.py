"""Reading and writing spreadsheets as Chinese schools make them.

Reading: CSV in UTF-8, UTF-8 with BOM, GBK/GB18030 (what Excel in China saves), and XLSX; the format is
decided by the file's content, not its name. Writing: CSV and XLSX streamed row by row, with cells that a
spreadsheet would run as a formula neutralised (CSV/formula injection).
"""

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

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


class _Echo:
    def write(self, value):
        return value


def stream_csv(headers: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """Yield CSV text line by line (with a BOM so Excel opens Chinese correctly); memory stays constant."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row])


def write_xlsx(target, headers: list[str], rows: Iterable[Iterable], title: str = "Sheet1") -> None:
    """Write an XLSX to a file path or binary file with openpyxl's write-only mode (rows are not kept in memory)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([neutralise(h) for h in headers])
    for row in rows:
        sheet.append([neutralise(cell) for cell in row])
    workbook.save(target)
