"""What the roster and teacher imports share: reading the table, problems by row and column, sign-in numbers,
and creating accounts with printable initial passwords in bulk.

Each import reads every row, collects every problem, and writes only a file without a single problem, in one
transaction; this module holds the parts of that pipeline that do not depend on what a row describes.
"""

import re
import unicodedata
from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from core.tabular import Table, TabularError, map_headers
from core.uploads.tables import check_table, read_uploaded_table

from . import passwords
from .models import InitialPassword

NUMBER_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")
MAX_ROWS = 20_000


@dataclass(frozen=True)
class Problem:
    row: int  # spreadsheet row number; 1 is the header row
    column: str  # a key of the importer's `labels`
    message: str

    labels: ClassVar[dict] = {}

    @property
    def column_label(self) -> str:
        return self.labels.get(self.column, self.column)


def clean_text(value) -> str:
    """A cell's text as the checks read it, whether it came from a file or from the API (a number stays text)."""
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


def clean_number(value) -> str:
    """A student or staff number as typed, without the “.0” Excel adds to numbers or stray spaces."""
    number = clean_text(value).replace(" ", "")
    if number.endswith(".0") and number[:-2].isdigit():
        number = number[:-2]
    return number


def cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return clean_text(row[index])


def number_cell(row: list[str], index: int | None) -> str:
    return clean_number(cell(row, index))


def check_file(data: bytes, name: str) -> None:
    """Refuse at upload what the upload inspector refuses (ValidationError naming the file): a damaged, bombed or
    macro-carrying XLSX, a sheet padded past reason, text in neither UTF-8 nor GBK, anything that is not a table.
    The preview reads the file again and still turns whatever else fails into a problem naming the file."""
    check_table(data, name, max_bytes=settings.QINGDUN["MAX_IMPORT_BYTES"], max_rows=MAX_ROWS)


def open_table(
    data: bytes, aliases: dict, required, problem_class, filename: str = ""
) -> tuple[Table | None, dict, list]:
    """Read the file and map its header row; return (table, columns, problems) with table None on a problem.

    Whatever makes the file unreadable is one problem on the "file" column whose message names `filename`."""
    try:
        table = read_uploaded_table(data, filename, max_bytes=settings.QINGDUN["MAX_IMPORT_BYTES"], max_rows=MAX_ROWS)
    except TabularError as error:
        return None, {}, [problem_class(0, "file", str(error))]
    columns = map_headers(table.headers, aliases)
    missing = [key for key in required if key not in columns]
    if missing:
        header_row = table.first_row_number - 1
        message = str(_("The column is missing from the header row."))
        return None, columns, [problem_class(header_row, key, message) for key in missing]
    return table, columns, []


def sort_problems(problems: list, labels: dict) -> list:
    order = list(labels)
    return sorted(problems, key=lambda p: (p.row, order.index(p.column) if p.column in order else len(order)))


def create_accounts(people: list[tuple[str, str]], must_change: bool, group_names=()) -> tuple[list, dict]:
    """Create users from (username, full name) pairs with initial passwords, in a few bulk queries.

    Returns the users (with primary keys) and {username: initial password}.
    """
    User = get_user_model()
    issued = {username: passwords.generate() for username, _name in people}
    users = User.objects.bulk_create(
        [
            User(
                username=username,
                full_name=name,
                password=passwords.quick_hash(issued[username]),
                must_change_password=must_change,
            )
            for username, name in people
        ]
    )
    if not all(user.pk for user in users):  # databases that do not return ids from bulk inserts
        by_name = dict(User.objects.filter(username__in=issued).values_list("username", "pk"))
        for user in users:
            user.pk = by_name[user.username]
    InitialPassword.objects.bulk_create([InitialPassword(user=user, password=issued[user.username]) for user in users])
    groups = list(Group.objects.filter(name__in=group_names))
    if groups:
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=user.pk, group_id=group.pk) for user in users for group in groups]
        )
    return users, issued
