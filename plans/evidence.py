"""Evidence the platform gathers by itself for a ledger item: the school's figures for the task's year."""

from dataclasses import dataclass

from people.models import School

from . import metrics
from .metrics import TASK_FIGURE
from .models import ClassFigures, LedgerItem, Period, TaskKind


@dataclass
class AutoEvidence:
    figures: metrics.Figures
    figure_key: str | None
    value: float | None
    target: float | None
    lines: list[tuple[str, str]]


def auto_evidence(item: LedgerItem) -> AutoEvidence:
    from django.utils.translation import gettext as _

    rows = ClassFigures.objects.filter(school=item.school, school_year=item.school_year, period=Period.YEAR)
    figures = metrics.total(rows, count_flagged=metrics.counts_flagged(item.task.plan))
    start_year = item.school_year.start_year
    key = TASK_FIGURE.get(item.task.kind)
    if item.task.kind in metrics.STAFF_KINDS:
        figures.staff = tuple(metrics.staff_for(School.objects.filter(pk=item.school_id), start_year).values())
    value = metrics.task_value(figures, item.task, start_year)
    target = metrics.task_target(item.task, start_year)
    lines = [(_("Students on roll"), str(figures.on_roll)), (_("Flagged records"), str(figures.flagged))]
    if item.task.kind == TaskKind.CLASS_HOURS:
        lines.append(
            (_("Class hours delivered / required"), f"{figures.hours_delivered:g} / {figures.hours_required:g}")
        )
    elif item.task.kind == TaskKind.ACTIVITIES:
        lines.append((_("Activities done / required"), f"{figures.activities_done} / {figures.activities_required}"))
    elif item.task.kind in metrics.STAFF_KINDS:
        lines.append((_("Teachers (师资)"), metrics.staff_text(figures, item.task, start_year)))
    elif item.task.kind in (TaskKind.PARTICIPATION, TaskKind.PASS_RATE, TaskKind.REGISTRATION):
        lines += [
            (_("Students who took part"), str(figures.participants)),
            (_("Students who ever signed in"), str(figures.registered)),
            (_("Results"), str(figures.results)),
            (_("Passed"), str(figures.passed)),
        ]
    return AutoEvidence(
        figures=figures,
        figure_key=key,
        value=value,
        target=target,
        lines=lines,
    )
