"""The 通报 table: the columns bureaus publish, by school or by township, with a total line, as a ranking.

The screen, the CSV, the XLSX and the 通报 document all build their lines with `report_lines` and rank them with
`rank_lines` (the one definition of 排名, `RANK_RULE`), so they cannot disagree.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .dashboard import Column, Filters, Row, school_rows, total_row, township_rows
from .models import Plan

HEADERS = [
    pgettext_lazy("school or area", "Name"),
    _("Participating schools"),
    _("Total schools"),
    _("School participation rate (%)"),
    _("Participating students"),
    _("Total students"),
    _("Student participation rate (%)"),
    _("Pass rate (%)"),
    _("Full-score rate (%)"),
    _("Average score"),
    _("Composite score"),
    _("Registration rate (%)"),
    _("Excellent rate (%)"),
    _("Flagged records"),
]
# The column names bureaus publish, as they publish them: exports carry these whatever the reader's language.
PUBLISHED_HEADERS = [
    "名称",
    "参与学校数",
    "学校总数",
    "学校参与率(%)",
    "参与学生数",
    "学生总数",
    "学生参与率(%)",
    "及格率(%)",
    "满分率(%)",
    "平均分",
    "总分",
    "注册率(%)",
    "优秀率(%)",
    "存疑记录数",
]
PUBLISHED_TOTAL = "合计"
GROUPINGS = ("school", "township")


def rounded(value: float | None):
    return None if value is None else round(value, 1)


def cells(row: Row) -> list:
    f = row.figures
    return [
        row.name,
        f.participating_schools,
        f.schools,
        rounded(f.school_participation_rate),
        f.participants,
        f.on_roll,
        rounded(f.participation_rate),
        rounded(f.pass_rate),
        rounded(f.full_rate),
        rounded(f.average),
        rounded(row.composite),
        rounded(f.registration_rate),
        rounded(f.excellent_rate),
        f.flagged,
    ]


def report_lines(
    district_id: int, filters: Filters, plan: Plan | None, group_by: str = "school"
) -> tuple[list[Row], Row]:
    """The lines of the table in rank order (`rank_lines`), each carrying its rank, and the total line."""
    schools = school_rows(filters.rows(district_id), plan)
    for row in schools:
        row.figures = row.figures.as_school()
    total = total_row(schools, plan, _("Total"))
    lines = township_rows(schools, plan) if group_by == "township" else schools
    return rank_lines(lines), total


# --- the ranking (排名) ---------------------------------------------------------------------------------------

RANK_RULE = _(
    "Rank (排名): by composite score, highest first, compared as published (one decimal place). Equal scores "
    "share a rank and the next rank skips as many places (1, 2, 2, 4). A line without a composite score is not "
    "ranked and comes last. Lines sharing a rank are listed by student participation rate, highest first, then "
    "by name; that order does not change their rank."
)
RANK_HEADER = _("Rank")
PUBLISHED_RANK_HEADER = "排名"


def rank_value(row: Row) -> float | None:
    """What a line is ranked by: its composite score as published."""
    return rounded(row.composite)


def rank_lines(rows: list[Row]) -> list[Row]:
    """The rows in rank order, each with `extra["rank"]` (None when unranked): standard competition ranking."""
    ranked = [row for row in rows if rank_value(row) is not None]
    unranked = [row for row in rows if rank_value(row) is None]
    ranked.sort(key=lambda row: (-rank_value(row), -(row.figures.participation_rate or 0.0), row.name))
    previous = None
    for position, row in enumerate(ranked, start=1):
        value = rank_value(row)
        row.extra["rank"] = previous[1] if previous is not None and previous[0] == value else position
        previous = (value, row.extra["rank"])
    unranked.sort(key=lambda row: row.name)
    for row in unranked:
        row.extra["rank"] = None
    return ranked + unranked


def ranked_cells(row: Row) -> list:
    """A line's cells with its rank first, as the screen, the exports and the document show them."""
    return [row.extra.get("rank"), *cells(row)]


def ranked_headers() -> list:
    return [RANK_HEADER, *HEADERS]


def published_ranked_headers() -> list[str]:
    return [PUBLISHED_RANK_HEADER, *PUBLISHED_HEADERS]


# --- the table on screen: columns, column choice and sorting ----------------------------------------------------


@dataclass(frozen=True)
class ReportColumn(Column):
    # Shown in the compact choice, the one that fits a 1,280 px screen; the others are shown on request.
    compact: bool = True


# Index i is the i-th cell of `ranked_cells`.
REPORT_COLUMNS = [
    ReportColumn("rank", RANK_HEADER, percent=False),
    ReportColumn("name", HEADERS[0], percent=False, numeric=False),
    ReportColumn("participating_schools", HEADERS[1], percent=False, compact=False),
    ReportColumn("schools", HEADERS[2], percent=False, compact=False),
    ReportColumn("school_participation", HEADERS[3]),
    ReportColumn("participants", HEADERS[4], percent=False, compact=False),
    ReportColumn("on_roll", HEADERS[5], percent=False),
    ReportColumn("participation", HEADERS[6]),
    ReportColumn("pass", HEADERS[7]),
    ReportColumn("full", HEADERS[8]),
    ReportColumn("average", HEADERS[9], percent=False),
    ReportColumn("composite", HEADERS[10], percent=False),
    ReportColumn("registration", HEADERS[11], compact=False),
    ReportColumn("excellent", HEADERS[12], compact=False),
    ReportColumn("flagged", HEADERS[13], percent=False),
]
REPORT_SORT_KEYS = {column.key for column in REPORT_COLUMNS}
COLUMN_CHOICES = ("compact", "all")


def shown_columns(choice: str) -> list[int]:
    """Indexes into `ranked_cells` of the columns shown for a column choice."""
    return [i for i, column in enumerate(REPORT_COLUMNS) if choice == "all" or column.compact]


def sort_report(lines: list[Row], key: str, descending: bool) -> list[Row]:
    """Lines sorted by a column (empty values last); by rank, the stated order, when the key is unknown.

    Sorting changes the order shown, never a line's rank.
    """
    if key not in REPORT_SORT_KEYS or key == "rank":
        ordered = list(lines)  # `report_lines` gives rank order
        if descending:
            ranked = [line for line in ordered if line.extra.get("rank") is not None]
            return ranked[::-1] + [line for line in ordered if line.extra.get("rank") is None]
        return ordered
    index = [column.key for column in REPORT_COLUMNS].index(key)
    present = [line for line in lines if ranked_cells(line)[index] is not None]
    missing = [line for line in lines if ranked_cells(line)[index] is None]
    present.sort(key=lambda line: ranked_cells(line)[index], reverse=descending)
    return present + missing
