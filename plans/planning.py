"""Plans as bureaus use them: the national template, a region's published template, adopting (copying) the nearest
one above into a city's, province's or county's plan, what an adopted task's requirements are held to, finding
the plan of a year."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from lessons.activities import ActivityType
from people.models import District, Region, School, SchoolKind

from .models import HoursPeriod, Plan, PlanActivityType, PlanTask, TaskKind, TaskTarget, default_deadline
from .models.plan import same_school_year, target_floors

# A name is data, shown as it is in every language; the platform is zh-Hans first. Databases seeded before the
# name was Chinese carry the old one, which is renamed when the template is next asked for.
NATIONAL_TEMPLATE_NAME = "国家基线（大纲与2021年“五个一”）"
OLD_NATIONAL_TEMPLATE_NAME = "National baseline (syllabus and 2021 five-ones)"
# 小学五年级 to 高中二年级, as the national syllabus asks.
NATIONAL_GRADES = list(range(5, 12))


def national_template() -> Plan:
    """The national baseline: 2 class hours a school year in grades 5–11, and the 2021 national 五个一 list.

    Created once (idempotent); bureaus copy it and edit their copy (some regions ask 4 hours, or 2 a term).
    """
    national = Plan.objects.filter(district__isnull=True, region__isnull=True)
    national.filter(name=OLD_NATIONAL_TEMPLATE_NAME).update(name=NATIONAL_TEMPLATE_NAME)
    plan = national.filter(name=NATIONAL_TEMPLATE_NAME).first()
    if plan is not None:
        return plan
    with transaction.atomic():
        plan = Plan.objects.create(name=NATIONAL_TEMPLATE_NAME, first_year=None, years=3)
        hours = PlanTask.objects.create(
            plan=plan,
            order=1,
            kind=TaskKind.CLASS_HOURS,
            title=_("Drug-prevention class hours"),
            description=_("At least 2 class hours each school year, from Grade 5 to Senior 2 (national syllabus)."),
            responsible=_("Schools"),
            grades=NATIONAL_GRADES,
            hours=2,
            hours_period=HoursPeriod.YEAR,
        )
        five = PlanTask.objects.create(
            plan=plan,
            order=2,
            kind=TaskKind.ACTIVITIES,
            title=_("The five ones"),
            description=_(
                "Exhibition visit, theme class meeting, knowledge quiz, works collection, film or performance."
            ),
            responsible=_("Schools"),
            grades=NATIONAL_GRADES,
            activity_types=list(ActivityType.values),
            activity_count=1,
        )
        TaskTarget.objects.bulk_create(
            [TaskTarget(task=task, year_index=index, target=100) for task in (hours, five) for index in (1, 2, 3)]
        )
    return plan


@transaction.atomic
def copy_plan(source: Plan, owner: District | Region, first_year: int, name: str, user=None) -> Plan:
    """A county's (District) or a city's or province's (Region) plan adopted from a template, ready to edit.

    From a region's template each task keeps a link to the one it was copied from (its targets are the new task's
    floors, and it cannot be retired while the template holds it), and each yearly
    target takes the source's target of the same school year (of the same year of the plan from the national
    template, which has no first year).
    """
    plan = Plan.objects.create(
        district=owner if isinstance(owner, District) else None,
        region=owner if isinstance(owner, Region) else None,
        name=name,
        first_year=first_year,
        years=source.years,
        copied_from=source,
        copied_version=source.version,
        excellent_percent=source.excellent_percent,
        composite_weights=dict(source.composite_weights),
        count_flagged_records=source.count_flagged_records,
        created_by=user,
    )
    for task in source.tasks.prefetch_related("targets"):
        targets = {target.year_index: target for target in task.targets.all()}
        # Only a region's template holds what it gives (floors, tasks kept); the national template is a baseline
        # a county may lower (some ask 4 hours, some fewer activities), so its tasks become the plan's own.
        adopted_from = task.pk if source.region_id is not None else None
        task.pk = None
        task.plan = plan
        task.adopted_from_id = adopted_from
        task.save()
        copied = []
        for index in range(1, plan.years + 1):
            target = targets.get(same_school_year(plan, source, index))
            if target is not None:
                deadline = target.deadline if source.first_year is not None and target.deadline else None
                copied.append(
                    TaskTarget(
                        task=task,
                        year_index=index,
                        target=target.target,
                        deadline=deadline or default_deadline(first_year + index - 1),
                    )
                )
        TaskTarget.objects.bulk_create(copied)
    _copy_activity_types(source, plan)
    return plan


def _copy_activity_types(source: Plan, plan: Plan) -> None:
    """The source's local activity types (告家长书, 演讲比赛 …) come with its tasks: an adopted task that asks for
    one must find it among the plan's choices, or the county could neither keep nor tick it. Each keeps its
    school years; a type whose years all fall outside the new plan is left behind."""
    copied = []
    for kind in source.activity_types.all():
        indexes = []
        for index in range(1, plan.years + 1):
            if same_school_year(plan, source, index) in kind.year_indexes:
                indexes.append(index)
        if kind.year_indexes and not indexes:
            continue
        copied.append(
            PlanActivityType(
                plan=plan, code=kind.code, label_zh=kind.label_zh, label_en=kind.label_en, year_indexes=indexes
            )
        )
    PlanActivityType.objects.bulk_create(copied)


def template_above(owner: District | Region, start_year: int) -> Plan:
    """The plan a county or a region adopts: the nearest published template above it covering the school year
    (a county's city, then its province; a city's province), else the national template."""
    if isinstance(owner, District):
        region = owner.region
        levels = [region, region.parent] if region is not None else []
    else:
        levels = [owner.parent]
    for level in levels:
        if level is None:
            continue
        published = Plan.objects.filter(region=level, published_at__isnull=False, first_year__lte=start_year).order_by(
            "-first_year", "-published_at", "-id"
        )
        for plan in published:
            if plan.year_index(start_year) is not None:
                return plan
    return national_template()


def below_floor(plan: Plan) -> dict:
    """(task id, year of the plan) → floor, for the plan's targets now below their floor (a template raised its
    target after the plan adopted it)."""
    floors = target_floors(plan)
    if not floors:
        return {}
    return {
        (task_id, index): floors[(task_id, index)]
        for task_id, index, value in TaskTarget.objects.filter(task__plan=plan).values_list(
            "task_id", "year_index", "target"
        )
        if (task_id, index) in floors and value < floors[(task_id, index)]
    }


@dataclass(frozen=True)
class Requirements:
    """What the chain of templates asks of an adopted task, the strongest of each level's: the class hours a class
    owes a year, the grades and school types it must cover (empty: all), the activity types it must ask for and
    how many times each. `plans` are the templates, nearest first, whose local activity types name the codes."""

    kind: str
    yearly_hours: float
    grades: frozenset
    school_kinds: frozenset
    activity_types: tuple
    activity_count: int
    plans: tuple

    @classmethod
    def of(cls, task: PlanTask) -> "Requirements":
        return cls(
            kind=task.kind,
            yearly_hours=task.hours_for("year"),
            grades=frozenset(task.grades),
            school_kinds=frozenset(task.school_kinds),
            activity_types=tuple(task.activity_types),
            activity_count=task.activity_count,
            plans=(task.plan,),
        )

    def with_above(self, above: "Requirements | None") -> "Requirements":
        """Held to both levels: covering each one's scope is covering their union, and all absorbs any list."""
        if above is None:
            return self
        return Requirements(
            kind=self.kind,
            yearly_hours=max(self.yearly_hours, above.yearly_hours),
            grades=_wider(self.grades, above.grades),
            school_kinds=_wider(self.school_kinds, above.school_kinds),
            activity_types=self.activity_types
            + tuple(code for code in above.activity_types if code not in self.activity_types),
            activity_count=max(self.activity_count, above.activity_count),
            plans=self.plans + above.plans,
        )

    def activity_labels(self) -> list[str]:
        labels = {}
        for plan in reversed(self.plans):  # the nearest template's label wins
            labels.update(activity_choices(plan))
        return [labels.get(code, code) for code in self.activity_types]


def _wider(scope: frozenset, other: frozenset) -> frozenset:
    return frozenset() if not scope or not other else scope | other


def requirement_floors(plan: Plan) -> dict[int, Requirements]:
    """Task id → what its templates ask of it, for the plan's tasks adopted from a template task still in the
    template (the same tasks `target_floors` holds); a county is held to its city's and its province's."""
    tasks = list(
        PlanTask.all_objects.filter(
            plan=plan, adopted_from__isnull=False, adopted_from__retired_at__isnull=True
        ).select_related("adopted_from__plan")
    )
    above: dict[int, dict] = {}
    floors = {}
    for task in tasks:
        template_task = task.adopted_from
        if template_task.plan_id not in above:
            above[template_task.plan_id] = requirement_floors(template_task.plan)
        floors[task.pk] = Requirements.of(template_task).with_above(above[template_task.plan_id].get(template_task.pk))
    return floors


def _changed(task: PlanTask, stored: PlanTask | None, fields: list[str]) -> bool:
    if stored is None:
        return True
    return any(_comparable(getattr(task, field)) != _comparable(getattr(stored, field)) for field in fields)


def _comparable(value):
    return frozenset(value) if isinstance(value, list) else value


def weaker_requirements(task: PlanTask, floor: Requirements | None, stored: PlanTask | None = None) -> dict:
    """The one rule for an adopted task's requirements: each may be raised above its templates', never lowered
    below. Returns requirement → the message naming the templates' value, for those `task` (as edited) asks less
    of than `floor`. With `stored` (the task as it was), a requirement the edit did not change passes: left
    weaker by a template raised since, it is not the edit's doing. Keys: hours, grades, school_kinds,
    activity_types, activity_count (the form's fields, but grades is its grades_text)."""
    if floor is None:
        return {}
    weaker = {}
    if floor.kind == TaskKind.CLASS_HOURS and task.hours_for("year") < floor.yearly_hours:
        if _changed(task, stored, ["hours", "hours_period"]):
            weaker["hours"] = hours_floor_message(floor)
    for field in ("grades", "school_kinds"):
        required, scope = getattr(floor, field), frozenset(getattr(task, field))
        covers = not scope or (required and required <= scope)
        if not covers and _changed(task, stored, [field]):
            weaker[field] = scope_floor_message(floor, field)
    if floor.kind == TaskKind.ACTIVITIES:
        if not set(floor.activity_types) <= set(task.activity_types) and _changed(task, stored, ["activity_types"]):
            weaker["activity_types"] = _("Must ask for the higher level's activity types: %(types)s.") % {
                "types": "、".join(floor.activity_labels())
            }
        if task.activity_count < floor.activity_count and _changed(task, stored, ["activity_count"]):
            weaker["activity_count"] = _(
                "Must not be fewer than the higher level's %(count)s times each activity a year."
            ) % {"count": floor.activity_count}
    return weaker


def hours_floor_message(floor: Requirements) -> str:
    return _("Must not be fewer than the higher level's %(hours)s class hours a school year.") % {
        "hours": f"{floor.yearly_hours:g}"
    }


def scope_floor_message(floor: Requirements, field: str) -> str:
    if field == "grades":
        if not floor.grades:
            return _("Must apply to all grades, as the higher level's task does.")
        return _("Must cover the higher level's grades %(grades)s.") % {"grades": _grade_text(floor.grades)}
    if not floor.school_kinds:
        return _("Must apply to every school type, as the higher level's task does.")
    return _("Must cover the higher level's school types: %(kinds)s.") % {"kinds": _kind_text(floor.school_kinds)}


def requirement_hints(floor: Requirements | None) -> dict:
    """Form field → what the templates ask, to show beside the field in the task editor."""
    if floor is None:
        return {}
    hints = {}
    if floor.grades:
        hints["grades_text"] = _("The higher level's grades: %(grades)s; keep them all.") % {
            "grades": _grade_text(floor.grades)
        }
    else:
        hints["grades_text"] = _("The higher level's task applies to all grades: leave it empty.")
    if floor.school_kinds:
        hints["school_kinds"] = _("The higher level's school types: %(kinds)s; keep them all.") % {
            "kinds": _kind_text(floor.school_kinds)
        }
    else:
        hints["school_kinds"] = _("The higher level's task applies to every school type: tick none.")
    if floor.kind == TaskKind.CLASS_HOURS:
        hints["hours"] = _("At least %(hours)s class hours a school year, the higher level's requirement.") % {
            "hours": f"{floor.yearly_hours:g}"
        }
    if floor.kind == TaskKind.ACTIVITIES:
        hints["activity_types"] = _("At least the higher level's: %(types)s.") % {
            "types": "、".join(floor.activity_labels())
        }
        hints["activity_count"] = _("At least %(count)s, the higher level's requirement.") % {
            "count": floor.activity_count
        }
    return hints


def _grade_text(grades) -> str:
    return ", ".join(str(grade) for grade in sorted(grades))


def _kind_text(kinds) -> str:
    return "、".join(str(label) for value, label in SchoolKind.choices if value in kinds)


def adoption(plan: Plan) -> dict:
    """What a plan adopted and how it stands against it: the template, the version adopted and the template's
    version now, how many targets it set above its floor and how many are below a floor raised since."""
    floors = target_floors(plan)
    values = {
        (task_id, index): value
        for task_id, index, value in TaskTarget.objects.filter(task__plan=plan).values_list(
            "task_id", "year_index", "target"
        )
    }
    held = [(key, floor, values[key]) for key, floor in floors.items() if key in values]
    return {
        "plan": plan,
        "source": plan.copied_from,
        "adopted_version": plan.copied_version,
        "raised": sum(1 for _key, floor, value in held if value > floor),
        "below": sum(1 for _key, floor, value in held if value < floor),
        "added": PlanTask.objects.filter(plan=plan, adopted_from__isnull=True).count(),
    }


def plan_for(district_id: int, start_year: int) -> Plan | None:
    """The district's plan covering a school year (the latest to start, if plans overlap)."""
    return plans_for([district_id], start_year).get(district_id)


def plans_for(district_ids, start_year: int) -> dict[int, Plan]:
    """`plan_for` of several districts in one query: district id → its plan covering the year (if any)."""
    found: dict[int, Plan] = {}
    for plan in Plan.objects.filter(district_id__in=list(district_ids), first_year__lte=start_year).order_by(
        "district_id", "-first_year", "-id"
    ):
        if plan.district_id not in found and plan.year_index(start_year) is not None:
            found[plan.district_id] = plan
    return found


def tasks_for_school(plan: Plan, school: School) -> list[PlanTask]:
    return [task for task in plan.tasks.all() if task.applies_to_school(school)]


def activity_choices(plan: Plan, start_year: int | None = None) -> list[tuple[str, str]]:
    """The activity types a plan offers, by label: the national five of 2021, then its local types (those of
    the given school year only, if one is given)."""
    index = plan.year_index(start_year) if start_year is not None else None
    local = [(kind.code, kind.label) for kind in plan.activity_types.all() if start_year is None or kind.in_year(index)]
    return [(code, str(label)) for code, label in ActivityType.choices] + local


def activity_labels(plan: Plan, codes: list[str]) -> list[str]:
    """Labels for a task's activity codes, never the raw code (an unknown one reads as the code it is)."""
    labels = dict(activity_choices(plan))
    return [labels.get(code, code) for code in codes]
