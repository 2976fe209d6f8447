"""Reading an uploaded table (roster, teacher list, question template): inspected first, then read, and every way
it can fail ends in a translated TabularError that names the file, never in a server error."""

import logging

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.tabular import Table, TabularError, read_table

from . import inspect, limits, named

logger = logging.getLogger(__name__)
TABLE_KINDS = frozenset({"csv", "xlsx"})


def _named(name, message) -> TabularError:
    from . import display_name

    if not name:
        return TabularError(message)
    return TabularError(_("“%(name)s”: %(problem)s") % {"name": display_name(name), "problem": message})


def check_table(data: bytes, name: str, *, max_bytes: int, max_rows: int) -> None:
    """Refuse (ValidationError naming the file, when `name` is given) what the inspector refuses for a table, and
    a sheet whose declared extent would make openpyxl pad it beyond reason."""
    inspection = inspect(data, TABLE_KINDS, max_bytes, name=name or None)
    if inspection.first_sheet_extent is None:
        return
    # openpyxl pads every row of the sheet it reads up to the sheet's declared extent: a sheet that claims column
    # XFD or row 1,048,576 would cost gigabytes in a file of a few kilobytes.
    rows, columns = inspection.first_sheet_extent
    bounds = limits.current()
    problem = None
    if columns > bounds.max_table_columns:
        problem = ValidationError(
            _("The sheet spans %(columns)s columns; at most %(limit)s are read. Delete the empty columns and retry."),
            code="too_wide",
            params={"columns": columns, "limit": bounds.max_table_columns},
        )
    elif rows > max_rows + 1_000:
        problem = ValidationError(_("The file has more than %(max)s rows."), code="too_long", params={"max": max_rows})
    if problem is not None:
        raise named(name, problem) if name else problem


def read_uploaded_table(data: bytes, name: str, *, max_bytes: int, max_rows: int) -> Table:
    """The table in an uploaded CSV or XLSX file, or TabularError with a message that names the file (when
    `name` is given)."""
    try:
        check_table(data, name, max_bytes=max_bytes, max_rows=max_rows)
    except ValidationError as error:
        raise TabularError(" ".join(error.messages)) from error
    try:
        return read_table(data, max_bytes=max_bytes, max_rows=max_rows)
    except TabularError as error:
        raise _named(name, str(error)) from error
    except Exception as error:
        # openpyxl fails on a damaged file with whatever exception it meets. The inspector has refused what we
        # know to be damaged; whatever openpyxl still trips on is the file's fault too, and the user must hear
        # it named, not get a server error.
        logger.info("Unreadable table %r: %s: %s", name, type(error).__name__, error)
        raise _named(name, _("The XLSX file could not be opened. Save it again from Excel and retry.")) from error
