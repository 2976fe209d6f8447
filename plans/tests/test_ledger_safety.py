"""Ledger safety: 销账 below target takes a reason and a confirmation, a closed item is reopened only with a
reason, a 整改 return shows on the school admin's home with its deadline, and the history names people."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from people.models import SchoolYear
from plans import ledger
from plans.models import LedgerItem, LedgerState, TaskKind
from plans.planning import copy_plan, national_template
from plans.rollup import refresh_district

from .builders import log_hours

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world):
    year = SchoolYear.current().start_year
    plan = copy_plan(national_template(), world.district, year, "青山区三年规划")
    ledger.open_items(plan, year)
    return plan


@pytest.fixture
def hours_item(world, plan):
    item = LedgerItem.objects.get(school=world.school, task__kind=TaskKind.CLASS_HOURS)
    ledger.submit(item, world.school_admin, "已完成")
    return item


def deliver_all_hours(world):
    """Both classes of 青山一中 get the 2 hours the national template asks of grade 8."""
    today = timezone.localdate()
    for school_class in (world.class_a, world.class_b):
        log_hours(school_class, today, "2.0", world.teacher)
    refresh_district(world.district, SchoolYear.current().start_year)


def test_closing_below_target_takes_a_reason_and_a_confirmation(world, hours_item):
    gap = ledger.shortfall(hours_item)
    assert gap is not None and gap.target == 100.0 and gap.value is None, "no hours delivered yet"
    with pytest.raises(ledger.LedgerError, match="100.0"):
        ledger.close(hours_item, world.auditor, confirm_below_target=True)
    with pytest.raises(ledger.LedgerError):
        ledger.close(hours_item, world.auditor, "区里已抽查，课时记录在纸质台账")
    hours_item.refresh_from_db()
    assert hours_item.state == LedgerState.SUBMITTED
    event = ledger.close(hours_item, world.auditor, "区里已抽查，课时记录在纸质台账", confirm_below_target=True)
    assert event.comment == "区里已抽查，课时记录在纸质台账" and hours_item.state == LedgerState.CLOSED


def test_closing_at_target_needs_neither(world, hours_item):
    deliver_all_hours(world)
    assert ledger.shortfall(hours_item) is None
    ledger.close(hours_item, world.auditor)
    assert hours_item.state == LedgerState.CLOSED


def test_the_page_warns_and_refuses_a_close_below_target_without_confirmation(client, world, hours_item):
    client.force_login(world.auditor)
    url = reverse("plans:ledger_item", args=[hours_item.pk])
    page = client.get(url).content.decode()
    assert 'id="below-target"' in page and 'name="close-confirm_below_target"' in page
    action = reverse("plans:ledger_action", args=[hours_item.pk, "close"])
    response = client.post(action, {"close-comment": "已核实"})
    hours_item.refresh_from_db()
    assert hours_item.state == LedgerState.SUBMITTED
    # Refused on the page itself: the error summary says why, and the reason she typed is kept in its field.
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="error-summary"' in page and ("below its target" in page or "低于" in page)
    assert "已核实</textarea>" in page
    client.post(action, {"close-comment": "已核实", "close-confirm_below_target": "on"})
    hours_item.refresh_from_db()
    assert hours_item.state == LedgerState.CLOSED


def test_a_closed_item_is_reopened_with_a_reason(client, world, hours_item):
    ledger.close(hours_item, world.auditor, "核实", confirm_below_target=True)
    with pytest.raises(ledger.LedgerError):
        ledger.reopen(hours_item, world.auditor, "  ")
    for user in (world.school_admin, world.far_auditor, world.teacher):
        with pytest.raises(PermissionDenied):
            ledger.reopen(hours_item, user, "重新核查")
    client.force_login(world.auditor)
    reopen_url = reverse("plans:ledger_action", args=[hours_item.pk, "reopen"])
    assert f'action="{reopen_url}"' in client.get(reverse("plans:ledger_item", args=[hours_item.pk])).content.decode()
    client.post(reverse("plans:ledger_action", args=[hours_item.pk, "reopen"]), {"reopen-reason": "照片为往年照片"})
    hours_item.refresh_from_db()
    assert hours_item.state == LedgerState.OPEN
    last = hours_item.events.order_by("-at", "-id").first()
    assert (last.from_state, last.to_state, last.comment) == ("closed", "open", "照片为往年照片")
    assert AuditEvent.objects.filter(action="ledger.reopen").count() == 1


def test_reopen_is_refused_to_other_roles_through_the_page(client, world, hours_item):
    ledger.close(hours_item, world.auditor, "核实", confirm_below_target=True)
    url = reverse("plans:ledger_action", args=[hours_item.pk, "reopen"])
    client.force_login(world.school_admin)
    assert client.post(url, {"reopen-reason": "想再改"}).status_code == 403
    client.force_login(world.far_auditor)
    assert client.post(url, {"reopen-reason": "想再改"}).status_code == 404
    client.force_login(world.other_school_admin)
    assert client.post(url, {"reopen-reason": "想再改"}).status_code == 404
    hours_item.refresh_from_db()
    assert hours_item.state == LedgerState.CLOSED


def test_a_return_shows_on_the_school_admins_home_with_its_deadline(client, world, hours_item):
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    ledger.return_for_rectification(hours_item, world.auditor, "缺少签到表", deadline)
    client.force_login(world.school_admin)
    page = client.get(reverse("core:home")).content.decode()
    assert 'id="panel-rectification"' in page and hours_item.task.title in page
    assert deadline.strftime("%Y-%m-%d") in page
    assert reverse("plans:ledger_item", args=[hours_item.pk]) in page
    # Another school's admin, a teacher and the bureau do not see it on their home.
    for user in (world.other_school_admin, world.teacher, world.auditor):
        client.force_login(user)
        page = client.get(reverse("core:home")).content.decode()
        assert reverse("plans:ledger_item", args=[hours_item.pk]) not in page


def test_the_history_names_people_not_accounts(client, world, hours_item):
    world.auditor.full_name = "王督导"
    world.auditor.save(update_fields=["full_name"])
    world.school_admin.full_name = "李管理"
    world.school_admin.save(update_fields=["full_name"])
    ledger.return_for_rectification(hours_item, world.auditor, "缺少签到表", timezone.localdate())
    client.force_login(world.auditor)
    history = client.get(reverse("plans:ledger_item", args=[hours_item.pk])).content.decode()
    history = history.split('id="history-heading"')[1]
    assert "王督导" in history
    # The submit event was recorded under the account's name before she had a full name: shown by name now.
    assert "李管理" in history
    assert world.auditor.username not in history and world.school_admin.username not in history
