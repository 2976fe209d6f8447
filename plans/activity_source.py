"""Offer the plan's configured 五个一 list to classroom (which may not import plans) through its registry."""

import datetime

from .models import TaskKind
from .planning import activity_choices, plan_for


def plan_activity_types(school, day: datetime.date) -> list[tuple[str, str]] | None:
    start_year = day.year if day.month >= 8 else day.year - 1
    plan = plan_for(school.district_id, start_year)
    if plan is None:
        return None
    offered = dict(activity_choices(plan, start_year))
    codes: list[str] = []
    for task in plan.tasks.filter(kind=TaskKind.ACTIVITIES):
        if task.applies_to_school(school):
            codes += [code for code in task.activity_types if code in offered and code not in codes]
    return [(code, offered[code]) for code in codes] or None
