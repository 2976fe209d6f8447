"""The ledger's state machine (台账 and 销账): one function per transition, each checking who may make it.

    open ──submit──▶ submitted ──close──▶ closed
      │                 │  ▲
      └──return──▶ returned ─┘ (submit again after rectification)
    open / submitted / returned ──carry_over──▶ carried (the next year's item is marked 补上)
    closed ──reopen (with a reason)──▶ open

A school (its administrators) submits; a bureau auditor or admin of the school's district closes, returns or
reopens. A member unit's or social organisation's item (a task given to organisations) goes the same way: its
officers add evidence and submit, the bureau of its district decides. Closing an item whose figure is below this
year's target (销账 below target, `shortfall`) takes a reason and an explicit confirmation; reopening a closed
item takes a reason.
Nobody closes an item of a school she administers. Every change writes a LedgerEvent and an audit record;
nothing is updated in place except the item's current state, and nothing is deleted.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from core.sanitize import clean_plain
from people.models import School, SchoolYear
from people.scope import (
    can_act_for_organisation,
    can_audit_organisation,
    can_audit_school,
    can_manage_school,
    roles_of,
)

from .metrics import Shortfall
from .models import (
    Accountability,
    AccountabilityKind,
    EvidenceKind,
    LedgerEvent,
    LedgerEvidence,
    LedgerItem,
    LedgerState,
    Plan,
)
from .planning import tasks_for_school

OPEN, SUBMITTED, RETURNED, CLOSED, CARRIED = (
    LedgerState.OPEN,
    LedgerState.SUBMITTED,
    LedgerState.RETURNED,
    LedgerState.CLOSED,
    LedgerState.CARRIED,
)


class LedgerError(ValueError):
    """A transition the item's state does not allow; the message is translated and fit to show."""


def _event(item, actor, from_state, to_state, comment="", deadline=None) -> LedgerEvent:
    return LedgerEvent.objects.create(
        item=item,
        actor=actor,
        # The person's name as it was at the time: the history names people, not accounts.
        actor_name=(actor.get_full_name() if actor is not None else "")[:150],
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        deadline=deadline,
    )


def _move(item: LedgerItem, actor, allowed_from, to_state, action, request=None, comment="", deadline=None):
    with transaction.atomic():
        locked = LedgerItem.objects.select_for_update().get(pk=item.pk)
        if locked.state not in allowed_from:
            raise LedgerError(
                _("This item is %(state)s; that cannot be done now.") % {"state": locked.get_state_display()}
            )
        from_state = locked.state
        locked.state = to_state
        if deadline is not None:
            locked.due_on = deadline
        locked.save(update_fields=["state", "due_on", "updated_at"])
        event = _event(locked, actor, from_state, to_state, comment, deadline)
        audit.record(
            f"ledger.{action}",
            request=request,
            actor=actor,
            target=str(locked),
            district_id=locked.district_id,
            item=locked.pk,
            from_state=from_state,
            to_state=to_state,
            comment=comment,
            deadline=deadline.isoformat() if deadline else None,
        )
    item.state, item.due_on = locked.state, locked.due_on
    return event


def can_submit(user, item: LedgerItem) -> bool:
    if item.organisation_id is not None:
        return can_act_for_organisation(user, item.organisation)
    return can_manage_school(user, item.school)


def can_decide(user, item: LedgerItem) -> bool:
    """Close or return: an auditor of the school's district who does not run the school herself."""
    if item.organisation_id is not None:
        return can_audit_organisation(user, item.organisation)
    if item.school_id in roles_of(user).school_admin_schools:
        return False
    return can_audit_school(user, item.school)


def submit(item: LedgerItem, user, comment: str = "", request=None) -> LedgerEvent:
    if not can_submit(user, item):
        raise PermissionDenied
    return _move(item, user, (OPEN, RETURNED), SUBMITTED, "submit", request, clean_plain(comment, multiline=True))


def shortfall(item: LedgerItem) -> Shortfall | None:
    """How far the school's figure for the item's task is below this year's target, or None when it is not (or
    the task has no figure: evidence tasks, and the survey gain, as in `metrics.shortfalls`). An organisation's
    item has no figure: its evidence is what its officers add."""
    from .evidence import auto_evidence

    if item.school_id is None:
        return None
    auto = auto_evidence(item)
    if auto.figure_key is None or auto.figure_key == "survey_gain" or auto.target is None:
        return None
    gap = Shortfall(item.task, auto.figure_key, auto.target, auto.value)
    return gap if gap.points > 0 else None


def close(
    item: LedgerItem, user, comment: str = "", request=None, *, confirm_below_target: bool = False
) -> LedgerEvent:
    """销账. Below target it takes a reason (kept as the event's comment) and `confirm_below_target`."""
    if not can_decide(user, item):
        raise PermissionDenied
    comment = clean_plain(comment, multiline=True)
    gap = shortfall(item)
    if gap is not None:
        if not comment:
            raise LedgerError(
                _(
                    "The school's figure is below this year's target (%(value)s against %(target)s): give the "
                    "reason for closing the item anyway."
                )
                % {"value": _figure(gap.value), "target": _figure(gap.target)}
            )
        if not confirm_below_target:
            raise LedgerError(_("Confirm that you close this item although it is below its target."))
    return _move(item, user, (SUBMITTED,), CLOSED, "close", request, comment)


def _figure(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def reopen(item: LedgerItem, user, reason: str, request=None) -> LedgerEvent:
    """A closed item back to open (a mistaken 销账, evidence found wanting later), with the reason recorded."""
    if not can_decide(user, item):
        raise PermissionDenied
    reason = clean_plain(reason, multiline=True)
    if not reason:
        raise LedgerError(_("Give the reason for reopening the item."))
    return _move(item, user, (CLOSED,), OPEN, "reopen", request, reason)


def return_for_rectification(
    item: LedgerItem, user, comment: str, deadline: datetime.date, request=None
) -> LedgerEvent:
    if not can_decide(user, item):
        raise PermissionDenied
    comment = clean_plain(comment, multiline=True)
    if not comment:
        raise LedgerError(_("Say what must be rectified."))
    if deadline is None:
        raise LedgerError(_("Give a rectification deadline."))
    return _move(item, user, (OPEN, SUBMITTED), RETURNED, "return", request, comment, deadline)


def add_evidence(
    item: LedgerItem, user, *, note: str = "", upload=None, record_label: str = "", record_url: str = ""
) -> LedgerEvidence:
    """Attach evidence while the school still works on the item. `upload` is (name, bytes, kind) already checked."""
    if not can_submit(user, item):
        raise PermissionDenied
    if item.state not in (OPEN, RETURNED):
        raise LedgerError(_("Evidence can be added only while the item is open or returned."))
    evidence = LedgerEvidence(item=item, added_by=user, note=clean_plain(note, multiline=True))
    if upload is not None:
        from django.core.files.base import ContentFile

        name, data, kind = upload
        evidence.kind = EvidenceKind.FILE
        evidence.original_name = clean_plain(name)[:200] or f"evidence.{kind}"
        evidence.file_kind = kind
        evidence.size = len(data)
        evidence.file.save(f"{item.pk}-{kind}.{kind}", ContentFile(data), save=False)
    elif record_url:
        evidence.kind = EvidenceKind.RECORD
        evidence.record_label = clean_plain(record_label)[:200]
        evidence.record_url = record_url[:300]
    else:
        if not evidence.note:
            raise LedgerError(_("Write a note or choose a file."))
        evidence.kind = EvidenceKind.NOTE
    evidence.save()
    audit.record(
        "ledger.evidence",
        actor=user,
        target=str(item),
        district_id=item.district_id,
        item=item.pk,
        kind=evidence.kind,
        name=evidence.original_name,
    )
    return evidence


def open_items(plan: Plan, start_year: int) -> int:
    """Create the year's items (one per school and task that applies), each with its first event. Idempotent."""
    index = plan.year_index(start_year)
    if index is None or plan.district_id is None:
        return 0
    school_year = SchoolYear.get_or_create_for(start_year)
    tasks = list(plan.tasks.prefetch_related("targets", "organisations"))
    for_organisations = {task.id for task in tasks if task.organisations.all()}
    existing = set(
        LedgerItem.objects.filter(school_year=school_year, task__plan=plan).values_list(
            "school_id", "organisation_id", "task_id"
        )
    )
    new = []
    for task in tasks:
        target = task.target_for(start_year)
        for organisation in task.organisations.all():
            # Only the plan's own district's organisations: a task cannot bind another county's units.
            if organisation.district_id != plan.district_id or (None, organisation.id, task.id) in existing:
                continue
            new.append(
                LedgerItem(
                    organisation=organisation,
                    task=task,
                    school_year=school_year,
                    due_on=target.deadline if target else None,
                )
            )
    for school in School.objects.filter(district_id=plan.district_id):
        for task in tasks_for_school(plan, school) if tasks else []:
            if task.id in for_organisations or (school.id, None, task.id) in existing:
                continue
            target = task.target_for(start_year)
            new.append(
                LedgerItem(
                    school=school, task=task, school_year=school_year, due_on=target.deadline if target else None
                )
            )
    with transaction.atomic():
        created = LedgerItem.objects.bulk_create(new)
        LedgerEvent.objects.bulk_create(
            [
                LedgerEvent(item=item, from_state="", to_state=OPEN, comment=_("Opened with the plan's yearly tasks."))
                for item in created
            ]
        )
    return len(created)


def carry_over(plan: Plan, start_year: int, user=None) -> int:
    """Mark the year's unfinished items as carried and link each to next year's item of the same task (补上)."""
    school_year = SchoolYear.get_or_create_for(start_year)
    next_year = SchoolYear.get_or_create_for(start_year + 1)
    in_plan = plan.year_index(start_year + 1) is not None
    moved = 0
    unfinished = LedgerItem.objects.filter(
        task__plan=plan, school_year=school_year, state__in=(OPEN, SUBMITTED, RETURNED)
    )
    for item in unfinished.select_related("school", "organisation"):
        with transaction.atomic():
            successor = None
            if in_plan:
                target = item.task.target_for(start_year + 1)
                successor, created = LedgerItem.objects.get_or_create(
                    school=item.school,
                    organisation=item.organisation,
                    task=item.task,
                    school_year=next_year,
                    defaults={"due_on": target.deadline if target else None},
                )
                if created:
                    _event(successor, user, "", OPEN, _("Opened to make up last year's unfinished item."))
                if successor.carried_from_id is None:
                    successor.carried_from = item
                    successor.save(update_fields=["carried_from", "updated_at"])
            _move(
                item,
                user,
                (OPEN, SUBMITTED, RETURNED),
                CARRIED,
                "carry",
                comment=_("Unfinished at the end of the year; carried into %(year)s.") % {"year": next_year},
            )
            moved += 1
    return moved


def assign_organisations(task, organisations) -> None:
    """Give a task to member units or social organisations of its plan's district (the responsible units, by
    account rather than by name). Items follow when the year's items are opened."""
    organisations = list(organisations)
    if any(org.district_id != task.plan.district_id for org in organisations):
        raise LedgerError(_("A task can be given only to organisations of its plan's district."))
    task.organisations.set(organisations)


def record_accountability(
    item: LedgerItem, user, kind: str, *, deadline: datetime.date | None = None, minutes: str = "", request=None
) -> Accountability:
    """责任追究 over an item, by the bureau that decides it (the same people who close and return it)."""
    if not can_decide(user, item):
        raise PermissionDenied
    if kind not in AccountabilityKind.values:
        raise LedgerError(_("Choose a measure."))
    minutes = clean_plain(minutes, multiline=True)
    if kind == AccountabilityKind.RECTIFY and deadline is None:
        raise LedgerError(_("Give the deadline for the rectification."))
    if kind == AccountabilityKind.TALK and not minutes:
        raise LedgerError(_("Write the minutes of the talk."))
    measure = Accountability.objects.create(
        item=item,
        kind=kind,
        deadline=deadline if kind == AccountabilityKind.RECTIFY else None,
        minutes=minutes if kind == AccountabilityKind.TALK else "",
        recorded_by=user,
        recorded_by_name=user.get_full_name()[:150],
    )
    audit.record(
        "ledger.accountability",
        request=request,
        actor=user,
        target=str(item),
        district_id=item.district_id,
        item=item.pk,
        kind=kind,
        deadline=deadline.isoformat() if deadline else None,
    )
    return measure
