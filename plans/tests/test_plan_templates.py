"""A region's plan template: a city or province adopts the one above, edits and publishes it; the level below
adopts the nearest published one and may raise its targets, never lower them, nor retire the tasks it holds."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from people.models import RoleKind, SchoolYear
from people.testing import RegionWorld, make_role_user, make_school
from plans import versioning
from plans.models import Plan, PlanChange, PlanTask, TaskKind, TaskTarget
from plans.models.plan import floor_message, target_floors
from plans.planning import adoption, below_floor, copy_plan, national_template, template_above

from .builders import task_post

pytestmark = pytest.mark.django_db

WHEN = datetime.datetime(2026, 9, 10, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture
def region(monkeypatch):
    monkeypatch.setattr(versioning, "clock", lambda: WHEN)
    world = RegionWorld()
    world.year = SchoolYear.current().start_year
    return world


def _hours(plan) -> PlanTask:
    return plan.tasks.get(kind=TaskKind.CLASS_HOURS)


def _set_target(plan, value, index=1):
    TaskTarget.objects.filter(task=_hours(plan), year_index=index).update(target=value)


def _published(plan, user) -> Plan:
    versioning.publish(plan, user)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def chain(region):
    """The province's template (hours 90% in year 1, published), the city's adopted from it (raised to 95%,
    published), and county A1's adopted from the city's."""
    province = copy_plan(national_template(), region.province, region.year, "示范省模板", region.province_officer)
    _set_target(province, 90)
    _published(province, region.province_officer)
    city = copy_plan(template_above(region.city_a, region.year), region.city_a, region.year, "甲市模板")
    _set_target(city, 95)
    _published(city, region.city_officer)
    county = copy_plan(template_above(region.county_a1, region.year), region.county_a1, region.year, "一区规划")
    region.plans = {"province": province, "city": city, "county": county}
    return region


def test_the_adoption_chain_runs_province_city_county_through_the_pages(client, region):
    client.force_login(region.province_officer)
    response = client.post(
        reverse("plans:region_plans", args=[region.province.pk]), {"name": "示范省模板", "first_year": region.year}
    )
    province = Plan.objects.get(region=region.province)
    assert response.status_code == 302 and province.copied_from == national_template()
    task = _hours(province)
    # The national template is a baseline, not a floor: the province may ask less than 100%.
    client.post(reverse("plans:task_edit", args=[task.pk]), task_post(task, **{"targets-0-target": "90"}))
    client.post(reverse("plans:plan_action", args=[province.pk, "publish"]))
    province.refresh_from_db()
    assert province.published_at == WHEN and province.version == 2

    client.force_login(region.city_officer)
    client.post(reverse("plans:region_plans", args=[region.city_a.pk]), {"name": "甲市模板", "first_year": region.year})
    city = Plan.objects.get(region=region.city_a)
    assert (city.copied_from, city.copied_version) == (province, 2)
    assert _hours(city).adopted_from == _hours(province)
    assert target_floors(city)[(_hours(city).pk, 1)] == Decimal("90")
    client.post(reverse("plans:plan_action", args=[city.pk, "publish"]))

    client.force_login(region.county_officer)
    response = client.post(reverse("plans:plans"), {"name": "一区规划", "first_year": region.year})
    county = Plan.objects.get(district=region.county_a1)
    assert response.status_code == 302 and county.copied_from == city
    assert _hours(county).adopted_from == _hours(city)
    assert _hours(county).target_for(region.year).target == Decimal("90")
    assert target_floors(county)[(_hours(county).pk, 1)] == Decimal("90")


def test_an_unpublished_template_is_not_adopted(region):
    copy_plan(national_template(), region.city_a, region.year, "甲市草稿")
    assert template_above(region.county_a1, region.year) == national_template()


def test_the_county_under_the_province_adopts_the_province_template(chain):
    assert template_above(chain.county_p, chain.year) == chain.plans["province"]


def test_a_floor_is_the_highest_target_up_the_chain(chain):
    county = chain.plans["county"]
    assert target_floors(county)[(_hours(county).pk, 1)] == Decimal("95")  # the city raised the province's 90


def test_the_form_refuses_a_target_below_the_floor_and_names_it(client, chain):
    county, task = chain.plans["county"], _hours(chain.plans["county"])
    client.force_login(chain.county_officer)
    response = client.post(reverse("plans:task_edit", args=[task.pk]), task_post(task, **{"targets-0-target": "92"}))
    assert response.status_code == 200
    assert escape(floor_message(Decimal("95"))) in response.content.decode()
    assert 'class="error-summary"' in response.content.decode()
    assert _hours(county).target_for(chain.year).target == Decimal("95")
    assert not PlanChange.objects.filter(plan=county).exists()
    # Raised is fine, and recorded.
    response = client.post(reverse("plans:task_edit", args=[task.pk]), task_post(task, **{"targets-0-target": "98"}))
    assert response.status_code == 302
    assert PlanChange.objects.get(plan=county).after["targets"][0]["target"] == "98.0"


def test_the_floor_message_reads_in_chinese():
    from django.utils import translation

    with translation.override("zh-hans"):
        text = floor_message(Decimal("90.0"))
    assert text == "不得低于上级目标 90%。"


def test_the_change_function_refuses_a_target_below_the_floor(chain):
    county = chain.plans["county"]
    task = _hours(county)
    before = versioning.task_snapshot(task)

    def apply():
        TaskTarget.objects.filter(task=task, year_index=1).update(target=80)
        return task

    with pytest.raises(ValidationError) as refused:
        versioning.change(county, chain.county_officer, "task_changed", apply, versioning.task_snapshot, before)
    assert refused.value.messages == [floor_message(Decimal("95"))]
    county.refresh_from_db()
    assert county.version == 0 and task.target_for(chain.year).target == Decimal("95")


def test_the_model_refuses_a_target_below_the_floor(chain):
    target = _hours(chain.plans["county"]).targets.get(year_index=1)
    target.target = Decimal("94.5")
    with pytest.raises(ValidationError) as refused:
        target.full_clean()
    assert refused.value.message_dict["target"] == [floor_message(Decimal("95"))]
    target.target = Decimal("96")
    target.full_clean()


def test_a_template_task_cannot_be_retired_but_an_own_task_can(client, chain):
    county = chain.plans["county"]
    task = _hours(county)
    client.force_login(chain.county_officer)
    client.post(reverse("plans:task_action", args=[task.pk, "retire"]))
    task.refresh_from_db()
    assert task.retired_at is None
    county.refresh_from_db()
    assert county.version == 0
    page = client.get(reverse("plans:plan", args=[county.pk])).content.decode()
    assert reverse("plans:task_action", args=[task.pk, "retire"]) not in page  # no button for it either

    own = PlanTask.objects.create(plan=county, kind=TaskKind.CUSTOM, title="告家长书")
    client.post(reverse("plans:task_action", args=[own.pk, "retire"]))
    own.refresh_from_db()
    assert own.retired_at == WHEN

    task.retired_at = WHEN
    with pytest.raises(ValidationError):
        task.full_clean()


def test_a_task_the_template_retired_becomes_the_plan_own(chain):
    city, county = chain.plans["city"], chain.plans["county"]
    PlanTask.objects.filter(pk=_hours(city).pk).update(retired_at=WHEN)
    assert not _hours(county).held_by_template
    assert (_hours(county).pk, 1) not in target_floors(county)


def test_publishing_is_a_recorded_version(chain):
    change = PlanChange.objects.get(plan=chain.plans["city"], action="published")
    assert change.by == chain.city_officer and change.at == WHEN
    assert change.before["published_at"] is None and change.after["published_at"]
    assert versioning.publish(chain.plans["city"], chain.city_officer) is None  # once only


def test_a_raised_template_leaves_the_lower_target_below_its_floor_until_raised(client, chain):
    city, county = chain.plans["city"], chain.plans["county"]
    _set_target(city, 99)
    task = _hours(county)
    assert below_floor(county) == {(task.pk, 1): Decimal("99")}
    client.force_login(chain.county_officer)
    page = client.get(reverse("plans:plan", args=[county.pk])).content.decode()
    assert reverse("plans:plan_action", args=[county.pk, "raise"]) in page
    # Other edits of the task still save: the target below the floor is not the edit's doing.
    response = client.post(reverse("plans:task_edit", args=[task.pk]), task_post(task, evidence_required="课时表"))
    assert response.status_code == 302
    client.post(reverse("plans:plan_action", args=[county.pk, "raise"]))
    assert _hours(county).target_for(chain.year).target == Decimal("99")
    assert below_floor(county) == {}
    assert PlanChange.objects.filter(plan=county, action="raised_to_floor").count() == 1


def test_the_region_page_shows_how_each_county_adopted(client, chain):
    county = chain.plans["county"]
    TaskTarget.objects.filter(task=_hours(county), year_index=2).update(target=Decimal("100"))
    _set_target(county, 97)
    state = adoption(county)
    assert (state["source"], state["adopted_version"], state["raised"], state["below"]) == (
        chain.plans["city"],
        chain.plans["city"].version,
        1,
        0,
    )
    client.force_login(chain.city_officer)
    response = client.get(reverse("plans:region_plans", args=[chain.city_a.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "一区规划" in page and chain.county_a2.name in page and chain.county_p.name not in page


@pytest.mark.parametrize("who", ["city_b_auditor", "city_b_admin", "county_officer", "school_admin"])
def test_another_region_district_or_role_is_refused(client, chain, who):
    city = chain.plans["city"]
    users = {
        "city_b_auditor": chain.city_b_auditor,
        "city_b_admin": make_role_user(RoleKind.BUREAU_ADMIN, region=chain.city_b),
        "county_officer": chain.county_officer,
        "school_admin": make_role_user(RoleKind.SCHOOL_ADMIN, school=make_school(chain.county_a1)),
    }
    client.force_login(users[who])
    task = _hours(city)
    edits = [
        client.post(reverse("plans:task_edit", args=[task.pk]), task_post(task, **{"targets-0-target": "100"})),
        client.post(reverse("plans:task_action", args=[task.pk, "down"])),
        client.post(reverse("plans:task_add", args=[city.pk]), {"kind": TaskKind.CUSTOM, "title": "x"}),
        client.post(reverse("plans:plan_action", args=[city.pk, "raise"])),
    ]
    assert all(response.status_code in (403, 404) for response in edits)
    assert PlanChange.objects.filter(plan=city).count() == 1  # its publishing only
    region_page = client.get(reverse("plans:region_plans", args=[chain.city_a.pk]))
    if who == "county_officer":
        # The county below reads the template it adopts, and edits nothing of it.
        assert client.get(reverse("plans:plan", args=[city.pk])).status_code == 200
        assert region_page.status_code == 404
    else:
        assert client.get(reverse("plans:plan", args=[city.pk])).status_code == 403
        assert region_page.status_code == 404


def test_a_province_officer_reads_a_city_template_but_does_not_edit_it(client, chain):
    city = chain.plans["city"]
    client.force_login(chain.province_officer)
    assert client.get(reverse("plans:plan", args=[city.pk])).status_code == 200
    assert client.get(reverse("plans:region_plans", args=[chain.city_a.pk])).status_code == 200
    response = client.post(reverse("plans:region_plans", args=[chain.city_a.pk]), {"name": "x", "first_year": 2026})
    assert response.status_code == 403
    task = _hours(city)
    assert client.post(reverse("plans:task_action", args=[task.pk, "down"])).status_code == 403


def test_a_county_officer_cannot_edit_another_county_plan(client, chain):
    other = copy_plan(chain.plans["city"], chain.county_a2, chain.year, "二区规划")
    client.force_login(chain.county_officer)
    assert client.get(reverse("plans:plan", args=[other.pk])).status_code == 403
    response = client.post(reverse("plans:task_action", args=[_hours(other).pk, "down"]))
    assert response.status_code == 403


def test_a_city_officer_with_no_county_reaches_her_template(client, region):
    admin = make_role_user(RoleKind.BUREAU_ADMIN, region=region.city_b)
    client.force_login(admin)
    response = client.post(reverse("plans:region_plans", args=[region.city_b.pk]), {"name": "乙市", "first_year": 2026})
    plan = Plan.objects.get(region=region.city_b)
    assert response.status_code == 302
    assert client.get(reverse("plans:plan", args=[plan.pk])).status_code == 200
    client.post(reverse("plans:plan_action", args=[plan.pk, "publish"]))
    plan.refresh_from_db()
    assert plan.published_at == WHEN
