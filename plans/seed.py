"""Demo data: the national template, a 2026–2028 district plan copied from it, figures, a few ledger items."""

import datetime

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.seeding import SeedContext
from people.models import District, Organisation, RoleKind, SchoolYear, User

from . import ledger
from .models import LedgerItem, LedgerState, Plan, PlanTask, TaskKind, TaskTarget
from .planning import copy_plan, national_template
from .rollup import refresh_district

EXTRA_TASKS = [
    # kind, title, targets for years 1–3
    (TaskKind.PARTICIPATION, gettext_lazy("Quiz participation"), (80, 90, 100)),
    (TaskKind.PASS_RATE, gettext_lazy("Quiz pass rate"), (85, 90, 95)),
    (TaskKind.REGISTRATION, gettext_lazy("Student registration"), (90, 95, 100)),
    (TaskKind.CUSTOM, gettext_lazy("A legal vice-principal in every school"), (100, 100, 100)),
]
# A task the district gives to its member units rather than its schools (their ledger items, their 通报 section).
UNIT_TASK = gettext_lazy("Drug-prevention talks in the schools by the member units")
UNIT_TASK_ORGANISATIONS = ("区公安分局", "团区委")


def _district_plan(district: District, first_year: int) -> Plan:
    plan = Plan.objects.filter(district=district, first_year=first_year).first()
    if plan is not None:
        return plan
    with transaction.atomic():
        plan = copy_plan(
            national_template(),
            district,
            first_year,
            _("Three-year plan %(first)s–%(last)s") % {"first": first_year, "last": first_year + 2},
        )
        for order, (kind, title, targets) in enumerate(EXTRA_TASKS, start=10):
            task = PlanTask.objects.create(
                plan=plan, order=order, kind=kind, title=str(title), responsible=_("Schools")
            )
            TaskTarget.objects.bulk_create(
                [
                    TaskTarget(
                        task=task, year_index=index, target=value, deadline=datetime.date(first_year + index, 6, 30)
                    )
                    for index, value in enumerate(targets, start=1)
                ]
            )
        units = Organisation.objects.filter(district=district, name__in=UNIT_TASK_ORGANISATIONS)
        if units.exists():
            task = PlanTask.objects.create(
                plan=plan, order=20, kind=TaskKind.CUSTOM, title=str(UNIT_TASK), responsible=_("Member units")
            )
            TaskTarget.objects.bulk_create(
                [
                    TaskTarget(
                        task=task, year_index=index, target=100, deadline=datetime.date(first_year + index, 6, 30)
                    )
                    for index in (1, 2, 3)
                ]
            )
            ledger.assign_organisations(task, units)
    return plan


def seed_plans(ctx: SeedContext) -> None:
    with translation.override("zh-hans"):
        national_template()
        district = ctx.shared.get("district") or District.objects.filter(code="3301").first()
        if district is None:
            return
        year = SchoolYear.current()
        plan = _district_plan(district, year.start_year)
        ledger.open_items(plan, year.start_year)
        refresh_district(district, year.start_year)
        _demo_states(plan, year)
    ctx.say(f"plans: {plan.name}, ledger items opened, figures computed")


def _demo_states(plan: Plan, year: SchoolYear) -> None:
    """Move a few items along so each state shows once; only done the first time (idempotent)."""
    items = (
        LedgerItem.objects.filter(task__plan=plan, school_year=year, school__isnull=False)
        .select_related("school")
        .order_by("school__code", "task__order")
    )
    if items.exclude(state=LedgerState.OPEN).exists():
        return
    auditor = User.objects.filter(roles__kind=RoleKind.BUREAU_AUDITOR, roles__district=plan.district).first()
    admins = {}
    for item in items[:3]:
        admin = (
            admins.get(item.school_id)
            or User.objects.filter(roles__kind=RoleKind.SCHOOL_ADMIN, roles__school=item.school).first()
        )
        admins[item.school_id] = admin
        if admin is None or auditor is None:
            return
        ledger.add_evidence(item, admin, note=_("Lesson plans and sign-in sheets are in the school office."))
        ledger.submit(item, admin, _("All classes done."))
    first, second = items[0], items[1]
    # The demo's figures may be below the target; the demo auditor confirms the close with her reason.
    ledger.close(first, auditor, _("Checked on the platform's records."), confirm_below_target=True)
    ledger.return_for_rectification(
        second, auditor, _("Photos of the class meeting are missing."), year.ends_on - datetime.timedelta(days=60)
    )
