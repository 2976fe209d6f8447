"""The ledger's state machine, its append-only trail, and who may do what."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from core.models import AuditEvent
from people.models import SchoolYear
from plans import ledger
from plans.models import LedgerEvent, LedgerItem, LedgerState
from plans.planning import copy_plan, national_template

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2027, 5, 1)


@pytest.fixture
def plan(world):
    year = SchoolYear.current().start_year
    plan = copy_plan(national_template(), world.district, year, "青山区三年规划")
    ledger.open_items(plan, year)
    return plan


@pytest.fixture
def item(world, plan):
    return LedgerItem.objects.filter(school=world.school).order_by("task__order").first()


def test_open_items_one_per_school_and_task_idempotent(world, plan):
    year = SchoolYear.current().start_year
    # Two junior schools of the district (grades 7–9) × two national tasks; the other district gets nothing.
    assert LedgerItem.objects.count() == 4
    assert ledger.open_items(plan, year) == 0
    assert not LedgerItem.objects.filter(school=world.far_school).exists()
    assert LedgerEvent.objects.filter(to_state=LedgerState.OPEN, from_state="").count() == 4


def test_full_cycle_with_return_and_audit_trail(world, item):
    ledger.add_evidence(item, world.school_admin, note="教案在校办")
    ledger.submit(item, world.school_admin, "已完成")
    ledger.return_for_rectification(item, world.auditor, "缺少照片", DEADLINE)
    assert item.state == LedgerState.RETURNED and item.due_on == DEADLINE
    ledger.add_evidence(item, world.school_admin, note="照片已补")
    ledger.submit(item, world.school_admin)
    ledger.close(item, world.auditor, "核实", confirm_below_target=True)  # no figures yet: below its target
    item.refresh_from_db()
    assert item.state == LedgerState.CLOSED
    trail = list(item.events.values_list("from_state", "to_state", "actor_name", "comment", "deadline"))
    assert trail[0][:3] == ("", "open", "")
    assert trail[1:] == [
        ("open", "submitted", "school_admin", "已完成", None),
        ("submitted", "returned", "auditor", "缺少照片", DEADLINE),
        ("returned", "submitted", "school_admin", "", None),
        ("submitted", "closed", "auditor", "核实", None),
    ]
    actions = list(AuditEvent.objects.filter(action__startswith="ledger.").values_list("action", flat=True))
    assert actions.count("ledger.close") == 1 and actions.count("ledger.return") == 1
    assert item.evidence.count() == 2


def test_illegal_transitions_are_refused(world, item):
    with pytest.raises(ledger.LedgerError):
        ledger.close(item, world.auditor)  # not submitted yet
    ledger.submit(item, world.school_admin)
    with pytest.raises(ledger.LedgerError):
        ledger.submit(item, world.school_admin)
    with pytest.raises(ledger.LedgerError):
        ledger.add_evidence(item, world.school_admin, note="too late")
    with pytest.raises(ledger.LedgerError):
        ledger.return_for_rectification(item, world.auditor, "", DEADLINE)  # a reason is required


def test_school_admin_cannot_close_or_return_its_own_items(world, item):
    ledger.submit(item, world.school_admin)
    with pytest.raises(PermissionDenied):
        ledger.close(item, world.school_admin)
    with pytest.raises(PermissionDenied):
        ledger.return_for_rectification(item, world.school_admin, "x", DEADLINE)


def test_a_school_admin_who_is_also_an_auditor_still_cannot_close_her_school(world, item):
    from people.models import Role, RoleKind
    from people.scope import forget_roles

    Role.objects.create(user=world.school_admin, kind=RoleKind.BUREAU_AUDITOR, district=world.district)
    forget_roles(world.school_admin)
    ledger.submit(item, world.school_admin)
    with pytest.raises(PermissionDenied):
        ledger.close(item, world.school_admin)


def test_others_cannot_act(world, item):
    for user in (world.teacher, world.other_school_admin, world.far_auditor, world.auditor):
        with pytest.raises(PermissionDenied):
            ledger.submit(item, user)
    ledger.submit(item, world.school_admin)
    for user in (world.far_auditor, world.teacher, world.other_school_admin):
        with pytest.raises(PermissionDenied):
            ledger.close(item, user)


def test_history_is_append_only(item):
    event = item.events.first()
    event.comment = "rewritten"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    with pytest.raises(ValueError):
        item.delete()


def test_carry_over_marks_unfinished_and_links_next_year(world, plan, item):
    year = SchoolYear.current().start_year
    closed = LedgerItem.objects.filter(school=world.school).exclude(pk=item.pk).first()
    ledger.submit(closed, world.school_admin)
    ledger.close(closed, world.auditor, "已核实", confirm_below_target=True)
    assert ledger.carry_over(plan, year, world.bureau_admin) == 3  # item + the other school's two
    item.refresh_from_db()
    assert item.state == LedgerState.CARRIED
    successor = LedgerItem.objects.get(carried_from=item)
    assert successor.school_year.start_year == year + 1 and successor.state == LedgerState.OPEN
    assert not LedgerItem.objects.filter(carried_from=closed).exists()
    # Opening next year's items afterwards does not duplicate the carried ones.
    assert ledger.open_items(plan, year + 1) == 1  # only the closed task's item was missing
    assert LedgerItem.objects.filter(school_year__start_year=year + 1).count() == 4
