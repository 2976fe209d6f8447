"""Plans as bureaus use them: the national template, a region's published template, adopting (copying) the nearest
one above into a city's, province's or county's plan, finding the plan of a year."""

from django.db import transaction
from django.utils.translation import gettext as _

from lessons.activities import ActivityType
from people.models import District, Region, School

from .models import HoursPeriod, Plan, PlanTask, TaskKind, TaskTarget, default_deadline
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
    return plan


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
