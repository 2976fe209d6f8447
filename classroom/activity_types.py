"""Which 五个一 activity types a school may record: the plan's configured list, or the national five of 2021.

classroom may not import plans, so plans (or any higher app) offers its configured list through this registry:

    from classroom.activity_types import register_source
    register_source(lambda school, day: [("exhibition", "参观禁毒展览"), ("parent_letter", "告家长书")])

A source returns None when it has nothing configured for that school and day; the first list returned wins.
"""

import datetime
from collections.abc import Callable

from lessons.activities import ActivityType

Source = Callable[[object, datetime.date], list[tuple[str, str]] | None]
_sources: list[Source] = []


def register_source(source: Source) -> None:
    if source not in _sources:
        _sources.append(source)


def unregister_source(source: Source) -> None:
    if source in _sources:
        _sources.remove(source)


def choices_for(school, day: datetime.date) -> list[tuple[str, str]]:
    for source in _sources:
        configured = source(school, day)
        if configured:
            return [(code, label) for code, label in configured]
    return list(ActivityType.choices)


def label_of(code: str, school=None, day: datetime.date | None = None) -> str:
    known = dict(ActivityType.choices)
    if school is not None and day is not None:
        known.update(dict(choices_for(school, day)))
    return str(known.get(code, code))
