"""Plans as bureaus use them: the national template, copying it into a district plan, finding the plan of a year."""

from django.db import transaction
from django.utils.translation import gettext as _

from lessons.activities import ActivityType
from people.models import District, School

from .models import HoursPeriod, Plan, PlanTask, TaskKind, TaskTarget, default_deadline

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
    Plan.objects.filter(district__isnull=True, name=OLD_NATIONAL_TEMPLATE_NAME).update(name=NATIONAL_TEMPLATE_NAME)
    plan = Plan.objects.filter(district__isnull=True, name=NATIONAL_TEMPLATE_NAME).first()
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
def copy_plan(source: Plan, district: District, first_year: int, name: str, user=None) -> Plan:
    """A district's own plan made from the template (or from another plan), ready to edit."""
    plan = Plan.objects.create(
        district=district,
        name=name,
        first_year=first_year,
        years=source.years,
        copied_from=source,
        excellent_percent=source.excellent_percent,
        composite_weights=dict(source.composite_weights),
        count_flagged_records=source.count_flagged_records,
        created_by=user,
    )
    for task in source.tasks.prefetch_related("targets"):
        targets = list(task.targets.all())
        task.pk = None
        task.plan = plan
        task.save()
        TaskTarget.objects.bulk_create(
            [
                TaskTarget(
                    task=task,
                    year_index=target.year_index,
                    target=target.target,
                    deadline=default_deadline(first_year + target.year_index - 1),
                )
                for target in targets
                if target.year_index <= plan.years
            ]
        )
    return plan


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
