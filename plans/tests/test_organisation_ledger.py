"""Tasks given to member units and social organisations: their items, the officer's evidence and submission,
the bureau's 销账, and every other user refused."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from people.models import Organisation, OrganisationKind, Role, RoleKind, SchoolYear
from people.testing import make_user
from plans import ledger
from plans.models import LedgerItem, LedgerState
from plans.planning import copy_plan, national_template

pytestmark = pytest.mark.django_db


def _officer(organisation, username):
    user = make_user(username, full_name="民警")
    Role.objects.create(user=user, kind=RoleKind.ORGANISATION_OFFICER, organisation=organisation)
    return user


@pytest.fixture
def units(world):
    world.police = Organisation.objects.create(
        district=world.district, kind=OrganisationKind.MEMBER_UNIT, name="区公安分局"
    )
    world.league = Organisation.objects.create(
        district=world.district, kind=OrganisationKind.MEMBER_UNIT, name="团区委"
    )
    world.far_org = Organisation.objects.create(
        district=world.other_district, kind=OrganisationKind.SOCIAL, name="绿水禁毒志愿者协会"
    )
    world.officer = _officer(world.police, "police_officer")
    world.league_officer = _officer(world.league, "league_officer")
    world.year = SchoolYear.current().start_year
    world.plan = copy_plan(national_template(), world.district, world.year, "青山区三年规划")
    world.task = world.plan.tasks.order_by("order").first()
    ledger.assign_organisations(world.task, [world.police, world.league])
    ledger.open_items(world.plan, world.year)
    world.item = LedgerItem.objects.get(organisation=world.police)
    return world


def test_a_task_given_to_organisations_opens_one_item_each_and_none_for_the_schools(units):
    assert set(LedgerItem.objects.filter(task=units.task).values_list("organisation__name", flat=True)) == {
        "区公安分局",
        "团区委",
    }
    assert not LedgerItem.objects.filter(task=units.task, school__isnull=False).exists()
    # The other national task still goes to the two junior schools.
    assert LedgerItem.objects.filter(school__isnull=False).count() == 2
    assert ledger.open_items(units.plan, units.year) == 0


def test_a_task_cannot_be_given_to_another_districts_organisation(units):
    with pytest.raises(ledger.LedgerError):
        ledger.assign_organisations(units.task, [units.far_org])


def test_an_item_belongs_to_a_school_or_an_organisation_never_both_or_neither(units):
    year = SchoolYear.current()
    with transaction.atomic(), pytest.raises(IntegrityError):
        LedgerItem.objects.create(school=units.school, organisation=units.police, task=units.task, school_year=year)
    with transaction.atomic(), pytest.raises(IntegrityError):
        LedgerItem.objects.create(task=units.task, school_year=year)
    with transaction.atomic(), pytest.raises(IntegrityError):
        LedgerItem.objects.create(organisation=units.police, task=units.task, school_year=year)


def test_the_officer_adds_evidence_and_submits_and_the_bureau_closes(units):
    item = units.item
    ledger.add_evidence(item, units.officer, note="进校园宣讲三场")
    ledger.submit(item, units.officer, "已完成")
    # An organisation's item has no platform figure, so closing needs no below-target confirmation.
    assert ledger.shortfall(item) is None
    ledger.close(item, units.auditor, "核实")
    item.refresh_from_db()
    assert item.state == LedgerState.CLOSED
    assert list(item.events.values_list("actor_name", flat=True))[1:] == ["民警", "auditor"]


@pytest.mark.parametrize("who", ["league_officer", "school_admin", "teacher", "far_auditor", "bureau_admin"])
def test_nobody_else_adds_evidence_or_submits_for_the_organisation(units, who):
    user = getattr(units, who)
    with pytest.raises(PermissionDenied):
        ledger.add_evidence(units.item, user, note="x")
    with pytest.raises(PermissionDenied):
        ledger.submit(units.item, user)


@pytest.mark.parametrize("who", ["officer", "league_officer", "school_admin", "far_auditor"])
def test_nobody_but_the_bureau_closes_the_organisations_item(units, who):
    ledger.submit(units.item, units.officer)
    with pytest.raises(PermissionDenied):
        ledger.close(units.item, getattr(units, who), "x")


def test_the_officer_sees_her_items_on_her_home_and_in_the_ledger_and_nothing_else(client, units):
    client.force_login(units.officer)
    home = client.get("/").content.decode()
    assert units.task.title in home and "区公安分局" in home
    page = client.get(reverse("plans:ledger")).content.decode()
    assert "区公安分局" in page and "团区委" not in page and "青山一中" not in page
    assert client.get(reverse("plans:ledger_item", args=[units.item.pk])).status_code == 200
    school_item = LedgerItem.objects.filter(school=units.school).first()
    league_item = LedgerItem.objects.get(organisation=units.league)
    for other in (school_item, league_item):
        assert client.get(reverse("plans:ledger_item", args=[other.pk])).status_code == 404
        assert client.post(reverse("plans:ledger_action", args=[other.pk, "submit"])).status_code == 404


def test_the_officer_adds_evidence_through_the_item_page(client, units):
    client.force_login(units.officer)
    response = client.post(
        reverse("plans:ledger_action", args=[units.item.pk, "evidence"]), {"evidence-note": "照片三张在档案室"}
    )
    assert response.status_code == 302
    assert units.item.evidence.get().note == "照片三张在档案室"


def test_the_bureau_sees_its_organisations_items_and_another_bureau_does_not(client, units):
    client.force_login(units.auditor)
    page = client.get(reverse("plans:ledger")).content.decode()
    assert "区公安分局" in page and "团区委" in page
    client.force_login(units.far_auditor)
    assert "区公安分局" not in client.get(reverse("plans:ledger")).content.decode()
    assert client.get(reverse("plans:ledger_item", args=[units.item.pk])).status_code == 404


@pytest.mark.parametrize("who", ["school_admin", "teacher"])
def test_a_school_sees_no_organisations_item(client, units, who):
    client.force_login(getattr(units, who))
    assert client.get(reverse("plans:ledger_item", args=[units.item.pk])).status_code in (403, 404)


def test_a_student_sees_no_organisations_item(client, units):
    client.force_login(units.student.user)
    assert client.get(reverse("plans:ledger_item", args=[units.item.pk])).status_code in (403, 404)


def test_the_yearly_score_of_an_organisation_is_its_share_of_items_closed_on_time(client, units):
    import datetime

    from people.testing import frozen_time
    from plans import metrics

    police, league = units.item, LedgerItem.objects.get(organisation=units.league)
    LedgerItem.objects.filter(pk__in=[police.pk, league.pk]).update(due_on=datetime.date(units.year + 1, 3, 1))
    police.refresh_from_db()
    league.refresh_from_db()
    with frozen_time(datetime.date(units.year + 1, 2, 1)):
        ledger.submit(police, units.officer)
        ledger.close(police, units.auditor)
    with frozen_time(datetime.date(units.year + 1, 4, 1)):
        ledger.submit(league, units.league_officer)
        ledger.close(league, units.auditor)  # a month late
    scores = {
        line.organisation.name: line
        for line in metrics.organisation_scores(Organisation.objects.filter(district=units.district), units.year)
    }
    assert (scores["区公安分局"].items, scores["区公安分局"].on_time, scores["区公安分局"].score) == (1, 1, 100.0)
    assert (scores["团区委"].items, scores["团区委"].on_time, scores["团区委"].score) == (1, 0, 0.0)
    client.force_login(units.auditor)
    page = client.get(reverse("plans:ledger"), {"year": units.year}).content.decode()
    assert 'id="unit-scores"' in page and "100.0" in page
    client.force_login(units.officer)
    assert 'id="unit-scores"' not in client.get(reverse("plans:ledger")).content.decode()


def test_the_demo_seeds_member_units_a_social_organisation_an_officer_and_their_items(db):
    import io

    from core.seeding import SeedContext
    from people.seed import seed_people
    from plans.seed import seed_plans

    ctx = SeedContext(stdout=io.StringIO())
    seed_people(ctx)
    seed_plans(ctx)
    assert set(Organisation.objects.values_list("name", "kind")) == {
        ("区公安分局", OrganisationKind.MEMBER_UNIT),
        ("团区委", OrganisationKind.MEMBER_UNIT),
        ("青山区禁毒志愿者协会", OrganisationKind.SOCIAL),
    }
    assert "police-officer" in [username for _, username, _ in ctx.logins]
    assert set(LedgerItem.objects.filter(organisation__isnull=False).values_list("organisation__name", flat=True)) == {
        "区公安分局",
        "团区委",
    }
    seed_people(ctx)
    seed_plans(ctx)
    assert Organisation.objects.count() == 3


def test_the_bureau_records_accountability_on_an_item_and_it_shows_in_its_history(client, units):
    import datetime

    from plans.models import Accountability, AccountabilityKind

    client.force_login(units.auditor)
    url = reverse("plans:ledger_action", args=[units.item.pk, "accountability"])
    client.post(url, {"account-kind": AccountabilityKind.RECTIFY, "account-deadline": ""})
    assert not Accountability.objects.exists(), "an order to rectify needs its deadline"
    client.post(url, {"account-kind": AccountabilityKind.RECTIFY, "account-deadline": "2027-05-01"})
    client.post(url, {"account-kind": AccountabilityKind.TALK, "account-minutes": "<b>约谈</b>负责人"})
    measures = list(Accountability.objects.order_by("id"))
    assert [(m.kind, m.deadline) for m in measures] == [
        (AccountabilityKind.RECTIFY, datetime.date(2027, 5, 1)),
        (AccountabilityKind.TALK, None),
    ]
    client.force_login(units.officer)
    page = client.get(reverse("plans:ledger_item", args=[units.item.pk])).content.decode()
    assert "2027-05-01" in page and "&lt;b&gt;约谈&lt;/b&gt;负责人" in page and "<b>约谈" not in page
    home = client.get("/").content.decode()
    assert 'id="panel-accountability"' in home and "2027-05-01" in home
    client.force_login(units.league_officer)
    assert 'id="panel-accountability"' not in client.get("/").content.decode()
    with pytest.raises(ValueError):
        measures[0].delete()


@pytest.mark.parametrize("who", ["officer", "league_officer", "far_auditor", "school_admin", "teacher"])
def test_nobody_but_the_items_bureau_records_accountability(client, units, who):
    from plans.models import Accountability

    client.force_login(getattr(units, who))
    response = client.post(
        reverse("plans:ledger_action", args=[units.item.pk, "accountability"]), {"account-kind": "criticism"}
    )
    assert response.status_code in (302, 403, 404)
    assert not Accountability.objects.exists()


def test_a_student_records_no_accountability(client, units):
    from plans.models import Accountability

    client.force_login(units.student.user)
    client.post(reverse("plans:ledger_action", args=[units.item.pk, "accountability"]), {"account-kind": "criticism"})
    assert not Accountability.objects.exists()
