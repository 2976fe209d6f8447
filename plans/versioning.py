"""Every edit of a plan goes through `change()`: it bumps the plan's version and records who, when, before, after.

Figures name the plan version they were set against through `plan_version()`. `change()` also holds an adopted
plan to its template: no edit may set a target below the template's (its floor), ask less of an adopted task than
the template's task asks (`planning.weaker_requirements`) or retire a task the template holds, whichever view or
script makes it.
"""

from collections.abc import Callable

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from people.models import SchoolKind

from .models import (
    COMPOSITE_FIGURES,
    HoursPeriod,
    Plan,
    PlanChange,
    PlanTask,
    ResponsibleKind,
    TaskKind,
    TaskTarget,
)
from .models.plan import RETIRE_HELD_MESSAGE, floor_message, target_floors
from .planning import activity_labels, below_floor, requirement_floors, weaker_requirements

# When a change happened; tests set it, as tests/security does for the rate limits' clock.
clock = timezone.now

PLAN_FIELDS = ["name", "excellent_percent", "count_flagged_records", "composite_weights", "published_at"]


def _plain(value):
    if value is None or isinstance(value, bool | int | str | list | dict):
        return value
    return str(value)  # Decimal, dates: a stable text in the JSON snapshot


def plan_snapshot(plan: Plan) -> dict:
    # As stored, not as a bound form left the instance, so before and after compare like with like.
    plan = Plan.objects.get(pk=plan.pk)
    snapshot = {field: _plain(getattr(plan, field)) for field in PLAN_FIELDS}
    snapshot["activity_types"] = [
        {"code": kind.code, "zh": kind.label_zh, "en": kind.label_en, "years": kind.year_indexes}
        for kind in plan.activity_types.order_by("code")
    ]
    return snapshot


def task_snapshot(task: PlanTask) -> dict:
    fields = [
        "order",
        "kind",
        "title",
        "description",
        "responsible_kind",
        "responsible",
        "evidence_required",
        "grades",
        "school_kinds",
        "hours",
        "hours_period",
        "activity_types",
        "activity_count",
        "retired_at",
    ]
    task = PlanTask.all_objects.get(pk=task.pk)
    snapshot = {field: _plain(getattr(task, field)) for field in fields}
    snapshot["targets"] = [
        {"year": t.year_index, "target": _plain(t.target), "deadline": _plain(t.deadline)}
        for t in task.targets.order_by("year_index")
    ]
    return snapshot


def change(
    plan: Plan,
    user,
    action: str,
    apply: Callable[[], object],
    snapshot: Callable[[object], dict],
    before: dict | None = None,
) -> PlanChange | None:
    """Apply one edit and record it as the plan's next version; None (and no new version) if nothing changed.

    `before` is the edited thing's snapshot taken before any form touched it (None when the edit adds it);
    `apply` makes the edit and returns the edited thing, which `snapshot` turns into JSON. The plan row is locked
    so concurrent edits take their numbers in turn.
    """
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        held = _held(plan)
        edited = apply()
        _refuse_below_template(plan, held)
        after = snapshot(edited)
        if before == after:
            return None
        number = locked.version + 1
        Plan.objects.filter(pk=plan.pk).update(version=number)
        plan.version = number
        return PlanChange.objects.create(
            plan=plan,
            number=number,
            action=action,
            subject=str(edited)[:200],
            by=user if getattr(user, "is_authenticated", False) else None,
            at=clock(),
            before=before,
            after=after,
        )


# What an adopted task asks, read before and after an edit to tell what the edit changed.
REQUIREMENT_FIELDS = ["kind", "hours", "hours_period", "grades", "school_kinds", "activity_types", "activity_count"]


def _held(plan: Plan) -> tuple[dict, set, dict]:
    """The adopted tasks' targets ((task, year) → target), the retired adopted tasks, and the adopted tasks
    (id → task with its requirements), as they stand."""
    targets = {
        (task_id, index): value
        for task_id, index, value in TaskTarget.objects.filter(
            task__plan=plan, task__adopted_from__isnull=False
        ).values_list("task_id", "year_index", "target")
    }
    adopted = {
        task.pk: task
        for task in PlanTask.all_objects.filter(plan=plan, adopted_from__isnull=False).only(
            "pk", "plan_id", "adopted_from_id", "retired_at", *REQUIREMENT_FIELDS
        )
    }
    retired = {pk for pk, task in adopted.items() if task.retired_at is not None}
    return targets, retired, adopted


def _refuse_below_template(plan: Plan, held: tuple[dict, set, dict]) -> None:
    """Raise (so the edit is rolled back) if it set a target below its floor, asked less of an adopted task than
    its templates do, or retired a task the template holds. A target or a requirement left below a floor raised
    since is not the edit's doing and passes until it is changed."""
    before_targets, before_retired, before_adopted = held
    after_targets, after_retired, after_adopted = _held(plan)
    floors = target_floors(plan)
    for key, value in after_targets.items():
        floor = floors.get(key)
        if floor is not None and value < floor and before_targets.get(key) != value:
            raise ValidationError(floor_message(floor), code="below_floor")
    requirements = requirement_floors(plan) if after_adopted else {}
    for pk, task in after_adopted.items():
        weaker = weaker_requirements(task, requirements.get(pk), before_adopted.get(pk))
        if weaker:
            raise ValidationError(
                [ValidationError(message, code="below_template_requirement") for message in weaker.values()]
            )
    newly_retired = after_retired - before_retired
    retired = PlanTask.all_objects.filter(pk__in=newly_retired).select_related("adopted_from")
    if newly_retired and any(task.held_by_template for task in retired):
        raise ValidationError(RETIRE_HELD_MESSAGE, code="template_task")


def publish(plan: Plan, user) -> PlanChange | None:
    """A region's template made available to the level below, as a recorded version (publishing is one way:
    a published template's later edits are versions of it too, and reach the plans adopted from it as floors)."""
    if plan.region_id is None or plan.published_at is not None:
        return None
    before = plan_snapshot(plan)

    def apply():
        plan.published_at = clock()
        Plan.objects.filter(pk=plan.pk).update(published_at=plan.published_at)
        return plan

    return change(plan, user, "published", apply, plan_snapshot, before)


def raise_to_floors(plan: Plan, user) -> int:
    """Every target below its floor set to the floor, one recorded version per task; returns the targets raised."""
    below = below_floor(plan)
    by_task: dict[int, dict] = {}
    for (task_id, index), floor in below.items():
        by_task.setdefault(task_id, {})[index] = floor
    for task in PlanTask.all_objects.filter(pk__in=by_task):
        before = task_snapshot(task)

        def apply(task=task):
            for index, floor in by_task[task.pk].items():
                TaskTarget.objects.filter(task=task, year_index=index).update(target=floor)
            return task

        change(plan, user, "raised_to_floor", apply, task_snapshot, before)
    return len(below)


def plan_version(plan: Plan | None) -> int | None:
    """The version a figure set against this plan names (None without a plan)."""
    return None if plan is None else plan.version


def _label(key: str) -> str:
    if key == "targets":
        return str(_("Yearly targets"))
    if key == "activity_types":
        return str(_("Activity types"))
    for model in (Plan, PlanTask):
        try:
            return str(model._meta.get_field(key).verbose_name)
        except FieldDoesNotExist:
            continue
    return key


def _display(plan: Plan, key: str, value):
    """A snapshot value as the page shows it: labels, never the stored codes."""
    if value is None or value in ("", []):
        return None
    if key == "activity_types" and value and isinstance(value[0], dict):
        return "、".join(f"{kind['zh']} / {kind['en']}" for kind in value)
    if key == "activity_types":
        return "、".join(activity_labels(plan, value))
    if key == "school_kinds":
        return "、".join(str(SchoolKind(kind).label) for kind in value if kind in SchoolKind.values)
    if key == "composite_weights":
        return " + ".join(
            f"{weight:g} × {COMPOSITE_FIGURES[name]}" for name, weight in value.items() if name in COMPOSITE_FIGURES
        )
    if key == "targets":
        return "; ".join(f"{t['year']}: {t['target']}% {t['deadline'] or ''}".strip() for t in value)
    choices = {"kind": TaskKind, "responsible_kind": ResponsibleKind, "hours_period": HoursPeriod}
    if key in choices and value in choices[key].values:
        return str(choices[key](value).label)
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if key == "published_at":
        return str(pgettext("plan", "Published"))
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return value


def diff_rows(change: PlanChange) -> list[tuple[str, object, object]]:
    """What one version changed, by field label: (label, before, after), only the fields that differ."""
    before, after = change.before or {}, change.after or {}
    keys = list(after) + [key for key in before if key not in after]
    return [
        (_label(key), _display(change.plan, key, before.get(key)), _display(change.plan, key, after.get(key)))
        for key in keys
        if before.get(key) != after.get(key)
    ]
