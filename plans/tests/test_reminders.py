"""Reminders of the bureau's side: 整改 deadlines to the school's administrators, a published 通报 to the
administrators of the schools it names; each told once."""

import datetime

import pytest

from people.models import Notification, RoleKind
from people.testing import make_role_user
from plans import bulletin as documents
from plans import ledger
from plans.models import LedgerItem
from plans.planning import copy_plan, national_template
from plans.reminders import send_rectification_reminders

from .test_bulletin import draft, hand  # noqa: F401 (hand: the district the 通报 tests draft in)

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2027, 5, 1)


@pytest.fixture
def returned(world):
    from people.models import SchoolYear

    year = SchoolYear.current().start_year
    plan = copy_plan(national_template(), world.district, year, "青山区三年规划")
    ledger.open_items(plan, year)
    item = LedgerItem.objects.filter(school=world.school).order_by("task__order").first()
    ledger.submit(item, world.school_admin, "已完成")
    ledger.return_for_rectification(item, world.auditor, "缺少照片", DEADLINE)
    return item


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def _run(day):
        with django_capture_on_commit_callbacks(execute=True):
            return send_rectification_reminders(day)

    return _run


def test_deadline_soon_then_passed_told_once_to_the_schools_admins(world, returned, run):
    second_admin = make_role_user(RoleKind.SCHOOL_ADMIN, school=world.school)
    assert run(DEADLINE - datetime.timedelta(4)) == 0
    assert run(DEADLINE - datetime.timedelta(3)) == 2
    assert run(DEADLINE) == 0
    assert run(DEADLINE + datetime.timedelta(1)) == 2
    assert run(DEADLINE + datetime.timedelta(2)) == 0
    for admin in (world.school_admin, second_admin):
        assert sorted(Notification.objects.filter(user=admin).values_list("kind", flat=True)) == [
            "plans.rectification_due",
            "plans.rectification_overdue",
        ]
    assert not Notification.objects.filter(user=world.other_school_admin).exists()
    assert not Notification.objects.exclude(user__in=[world.school_admin, second_admin]).exists()


def test_a_resubmitted_item_is_no_longer_chased(world, returned, run):
    ledger.submit(returned, world.school_admin, "已补")
    assert run(DEADLINE + datetime.timedelta(1)) == 0


def test_publishing_a_bulletin_tells_the_named_schools_admins(client, hand, django_capture_on_commit_callbacks):  # noqa: F811
    bulletin = draft(client, hand)
    with django_capture_on_commit_callbacks(execute=True):
        documents.publish(bulletin, hand.auditor)
        documents.publish(bulletin, hand.auditor)  # already published: nobody is told again
    told = Notification.objects.filter(kind="plans.bulletin_published")
    assert sorted(told.values_list("user_id", flat=True)) == sorted([hand.admin_a.pk, hand.admin_b.pk])
    assert all(note.url.endswith(f"/bulletins/{bulletin.pk}/") for note in told)


def test_send_reminders_runs_the_daily_producers(world, returned, django_capture_on_commit_callbacks):
    import io

    from django.core.management import call_command

    from people.testing import frozen_time

    out = io.StringIO()
    with frozen_time(DEADLINE + datetime.timedelta(1)), django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=out)
        call_command("send_reminders", stdout=out)
    assert out.getvalue().splitlines() == ["assignments 0, rectification 1", "assignments 0, rectification 0"]
