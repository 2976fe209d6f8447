"""Reading an uploaded table (roster, teacher list, question template): inspected first, then read, and every way
it can fail ends in a translated TabularError that names the file, never in a server error."""

import logging

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.tabular import Table, TabularError, read_table

from . import inspect, limits

logger = logging.getLogger(__name__)
TABLE_KINDS = frozenset({"csv", "xlsx"})


def _named(name, message) -> TabularError:
    from . import display_name

    if not name:
        return TabularError(message)
    return TabularError(_("“%(name)s”: %(problem)s") % {"name": display_name(name), "problem": message})


def read_uploaded_table(data: bytes, name: str, *, max_bytes: int, max_rows: int) -> Table:
    """The table in an uploaded CSV or XLSX file, or TabularError with a message that names the file (when
    `name` is given)."""
    try:
        inspection = inspect(data, TABLE_KINDS, max_bytes)
    except ValidationError as error:
        raise _named(name, " ".join(error.messages)) from error
    bounds = limits.current()
    if inspection.first_sheet_extent is not None:
        # openpyxl pads every row of the sheet it reads up to the sheet's declared extent: a sheet that claims
        # column XFD or row 1,048,576 would cost gigabytes in a file of a few kilobytes.
        rows, columns = inspection.first_sheet_extent
        if columns > bounds.max_table_columns:
            raise _named(
                name,
                _(
                    "The sheet spans %(columns)s columns; at most %(limit)s are read. Delete the empty columns and "
                    "retry."
                )
                % {"columns": columns, "limit": bounds.max_table_columns},
            )
        if rows > max_rows + 1_000:
            raise _named(name, _("The file has more than %(max)s rows.") % {"max": max_rows})
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
