"""What the bureau's screens and exports read: the roll-up filtered, grouped, sorted and set against targets.

Everything here reads ClassFigures (the roll-up) with a constant number of queries, whatever the number of
schools, so the dashboard and the 通报 table stay fast on a province's data.
"""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from people.grades import GRADE_BAND_CHOICES
from people.models import School, SchoolKind

from . import metrics
from .metrics import TASK_FIGURE, Figures, Shortfall
from .models import ClassFigures, Period, Plan, TaskKind


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    percent: bool = True
    numeric: bool = True


SCHOOL_COLUMNS = [
    Column("name", _("School"), percent=False, numeric=False),
    Column("township", _("Township"), percent=False, numeric=False),
    Column("on_roll", _("Students"), percent=False),
    Column("registration", _("Registration rate")),
    Column("participation", _("Student participation rate")),
    Column("pass", _("Pass rate")),
    Column("full", _("Full-score rate")),
    Column("excellent", _("Excellent rate")),
    Column("average", _("Average score"), percent=False),
    Column("hours", _("Class hours")),
    Column("activities", _("Activities")),
    Column("composite", _("Composite score"), percent=False),
    Column("flagged", _("Flagged records"), percent=False),
]
SORT_KEYS = {column.key for column in SCHOOL_COLUMNS}


@dataclass
class Filters:
    start_year: int
    period: str = Period.YEAR.value
    band: str = ""
    kind: str = ""

    @classmethod
    def from_query(cls, query, default_year: int, years: list[int]) -> "Filters":
        try:
            year = int(query.get("year", default_year))
        except (TypeError, ValueError):
            year = default_year
        if years and year not in years:
            year = default_year
        period = query.get("period", Period.YEAR.value)
        band = query.get("band", "")
        kind = query.get("kind", "")
        return cls(
            start_year=year,
            period=period if period in Period.values else Period.YEAR.value,
            band=band if band in dict(GRADE_BAND_CHOICES) else "",
            kind=kind if kind in SchoolKind.values else "",
        )

    def rows(self, district_id: int) -> QuerySet:
        rows = ClassFigures.objects.filter(
            district_id=district_id, school_year__start_year=self.start_year, period=self.period
        )
        if self.band:
            rows = rows.filter(grade_band=self.band)
        if self.kind:
            rows = rows.filter(school_kind=self.kind)
        return rows

    def as_query(self) -> dict:
        return {"year": self.start_year, "period": self.period, "band": self.band, "kind": self.kind}


@dataclass
class Row:
    """One line of a table: a school, a township, a class or the total."""

    key: dict
    name: str
    figures: Figures
    composite: float | None
    township: str = ""
    link: str = ""
    shortfalls: list[Shortfall] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def value(self, key: str):
        if key == "name":
            return self.name
        if key == "township":
            return self.township
        if key == "on_roll":
            return self.figures.on_roll
        if key == "composite":
            return self.composite
        if key == "flagged":
            return self.figures.flagged
        return self.figures.value(key)


def weights_of(plan: Plan | None) -> dict[str, float]:
    return plan.weights() if plan is not None else {}


def school_rows(rows: QuerySet, plan: Plan | None) -> list[Row]:
    weights = weights_of(plan)
    out = []
    count_flagged = metrics.counts_flagged(plan)
    for key, figures in metrics.grouped(
        rows, "school_id", "school__name", "school__township", count_flagged=count_flagged
    ):
        out.append(
            Row(
                key=key,
                name=key["school__name"],
                township=key["school__township"],
                figures=figures,
                composite=figures.composite(weights),
            )
        )
    return out


def class_rows(rows: QuerySet, plan: Plan | None) -> list[Row]:
    """One row per class of the roll-up rows (a school's page), named and ordered by grade and number."""
    weights = weights_of(plan)
    out = []
    for key, figures in metrics.grouped(
        rows, "school_class_id", "grade", "school_class__number", count_flagged=metrics.counts_flagged(plan)
    ):
        out.append(Row(key=key, name="", figures=figures, composite=figures.composite(weights)))
    return out


def township_rows(school_list: list[Row], plan: Plan | None) -> list[Row]:
    weights = weights_of(plan)
    groups: dict[str, list] = {}
    for row in school_list:
        groups.setdefault(row.township, []).append((row.key, row.figures))
    out = []
    for township, members in sorted(groups.items()):
        figures = metrics.add_up_schools(members)
        out.append(
            Row(key={"township": township}, name=township or "—", figures=figures, composite=figures.composite(weights))
        )
    return out


def total_row(school_list: list[Row], plan: Plan | None, label) -> Row:
    figures = metrics.add_up_schools([(row.key, row.figures) for row in school_list])
    return Row(key={}, name=str(label), figures=figures, composite=figures.composite(weights_of(plan)))


def sort_rows(rows: list[Row], key: str, descending: bool) -> list[Row]:
    if key not in SORT_KEYS:
        key = "name"
    present = [row for row in rows if row.value(key) is not None]
    missing = [row for row in rows if row.value(key) is None]
    present.sort(key=lambda row: row.value(key), reverse=descending)
    return present + sorted(missing, key=lambda row: row.name)


@dataclass
class TargetLine:
    """A task of this year set against the district's figure."""

    task: object
    figure_key: str | None
    target: float | None
    value: float | None
    deadline: object = None
    # Set when the target is not the percentage itself (a training task's N teachers per school).
    target_label: str = ""
    # The counts behind a 师资 figure, in words.
    detail: str = ""

    @property
    def met(self) -> bool | None:
        if self.target is None or self.value is None:
            return None
        return self.value >= self.target

    @property
    def bar(self) -> float:
        return max(0.0, min(100.0, self.value or 0.0))


def target_lines(plan: Plan | None, start_year: int, figures: Figures) -> list[TargetLine]:
    """This year's target of every task with a figure (evidence-only tasks are followed in the ledger)."""
    if plan is None:
        return []
    lines = []
    for task in plan.tasks.all():
        target = task.target_for(start_year)
        label = ""
        if task.kind == TaskKind.TRAINED_TEACHERS and target is not None:
            label = _("target: at least %(teachers)s trained teachers in every school") % {
                "teachers": metrics.teachers_owed(target)
            }
        lines.append(
            TargetLine(
                task=task,
                figure_key=TASK_FIGURE.get(task.kind),
                target=metrics.task_target(task, start_year),
                value=metrics.task_value(figures, task, start_year),
                deadline=target.deadline if target is not None else None,
                target_label=label,
                detail=metrics.staff_text(figures, task, start_year),
            )
        )
    return lines


def add_staff(rows: list[Row], plan: Plan | None, start_year: int, period: str) -> None:
    """Give each school row its school's 师资 (metrics.staff_for), when a task of the plan is measured by it:
    four queries then, none otherwise."""
    if not metrics.plan_reads_staff(plan):
        return
    staff = metrics.staff_for(School.objects.filter(pk__in=[row.key["school_id"] for row in rows]), start_year, period)
    for row in rows:
        row.figures.staff = (staff[row.key["school_id"]],)


def most_behind(rows: list[Row], plan: Plan | None, start_year: int, count: int = 5) -> list[Row]:
    """The schools behind the most of this year's targets, then the farthest behind on any one of them.

    Each row carries its shortfalls task by task (metrics.shortfalls); percentage points of different tasks
    are never added up.
    """
    for row in rows:
        row.shortfalls = metrics.shortfalls(row.figures, plan, start_year)
    behind = [row for row in rows if row.shortfalls]
    behind.sort(key=lambda row: (-len(row.shortfalls), -row.shortfalls[0].points, row.name))
    return behind[:count]


def trend(district_id: int, plan: Plan | None, band: str = "", kind: str = "") -> list[dict]:
    """Participation, pass rate and composite of each plan year (whole-year figures): one query."""
    if plan is None or not plan.start_years:
        return []
    rows = ClassFigures.objects.filter(
        district_id=district_id, period=Period.YEAR, school_year__start_year__in=plan.start_years
    )
    if band:
        rows = rows.filter(grade_band=band)
    if kind:
        rows = rows.filter(school_kind=kind)
    by_year = {
        key["school_year__start_year"]: figures
        for key, figures in metrics.grouped(rows, "school_year__start_year", count_flagged=metrics.counts_flagged(plan))
    }
    participation = next((t for t in plan.tasks.all() if t.kind == TaskKind.PARTICIPATION), None)
    points = []
    for start_year in plan.start_years:
        figures = by_year.get(start_year)
        target = participation.target_for(start_year) if participation is not None else None
        points.append(
            {
                "year": start_year,
                "participation": figures.participation_rate if figures else None,
                "pass": figures.pass_rate if figures else None,
                "composite": figures.composite(plan.weights()) if figures else None,
                "target": float(target.target) if target is not None else None,
            }
        )
    return points
