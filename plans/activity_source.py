"""Offer the plan's configured 五个一 list to classroom (which may not import plans) through its registry."""

import datetime

from lessons.activities import ActivityType

from .models import TaskKind
from .planning import plan_for


def plan_activity_types(school, day: datetime.date) -> list[tuple[str, str]] | None:
    start_year = day.year if day.month >= 8 else day.year - 1
    plan = plan_for(school.district_id, start_year)
    if plan is None:
        return None
    labels = dict(ActivityType.choices)
    codes: list[str] = []
    for task in plan.tasks.filter(kind=TaskKind.ACTIVITIES):
        if task.applies_to_school(school):
            codes += [code for code in task.activity_types if code not in codes]
    return [(code, str(labels.get(code, code))) for code in codes] or None
