"""The 通报 table: the columns bureaus publish, by school or by township, with a total line.

The screen, the CSV and the XLSX all build their lines with `report_lines`, so they cannot disagree.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .dashboard import Filters, Row, school_rows, sort_rows, total_row, township_rows
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
    schools = school_rows(filters.rows(district_id), plan)
    for row in schools:
        row.figures = row.figures.as_school()
    total = total_row(schools, plan, _("Total"))
    lines = township_rows(schools, plan) if group_by == "township" else sort_rows(schools, "name", False)
    return lines, total
