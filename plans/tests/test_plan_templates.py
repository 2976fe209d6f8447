"""A region's plan template: a city or province adopts the one above, edits and publishes it; the level below
adopts the nearest published one and may raise its targets and its tasks' requirements, never lower them, nor
retire the tasks it holds."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from lessons.activities import ActivityType
from people.models import RoleKind, SchoolKind, SchoolYear
from people.testing import RegionWorld, make_role_user, make_school
from plans import versioning
from plans.models import Plan, PlanActivityType, PlanChange, PlanTask, TaskKind, TaskTarget
from plans.models.plan import floor_message, target_floors
from plans.planning import (
    adoption,
    below_floor,
    copy_plan,
    national_template,
    requirement_floors,
    requirement_hints,
    template_above,
    weaker_requirements,
)

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


# An adopted task's requirements: raised, never lowered below its templates'.


def _five(plan) -> PlanTask:
    return plan.tasks.get(kind=TaskKind.ACTIVITIES)


def _edit(client, task, **changes):
    return client.post(reverse("plans:task_edit", args=[task.pk]), task_post(task, **changes))


def _requirement_message(plan, task, requirement) -> str:
    """What the rule says of `requirement` for a task of `plan` that asks nothing at all."""
    floor = requirement_floors(plan)[task.pk]
    nothing = PlanTask(kind=task.kind, hours=0, grades=[99], school_kinds=["none"], activity_types=[], activity_count=0)
    return weaker_requirements(nothing, floor)[requirement]


LOWERED = [
    ("hours", _hours, {"hours": "1.5"}),
    ("hours", _hours, {"hours": "0.5", "hours_period": "term"}),  # 1 a year: a term's hours are not a year's
    ("grades", _hours, {"grades_text": "5, 6, 7"}),
    ("school_kinds", _hours, {"school_kinds": [SchoolKind.JUNIOR]}),  # the template's empty list is every type
    ("activity_types", _five, {"activity_types": ["exhibition", "class_meeting", "quiz", "works"]}),
    ("activity_count", _five, {"activity_count": "0"}),
]


@pytest.mark.parametrize(("requirement", "which", "changes"), LOWERED)
def test_the_form_refuses_a_requirement_below_the_template_and_names_it(client, chain, requirement, which, changes):
    county = chain.plans["county"]
    task = which(county)
    before = versioning.task_snapshot(task)
    client.force_login(chain.county_officer)
    response = client.post(reverse("plans:task_edit", args=[task.pk]), task_post(task, **changes))
    page = response.content.decode()
    assert response.status_code == 200
    message = _requirement_message(county, task, requirement)
    assert escape(message) in page
    summary = page[page.index('class="error-summary"') : page.index("</div>", page.index('class="error-summary"'))]
    assert escape(message) in summary
    assert versioning.task_snapshot(task) == before
    assert not PlanChange.objects.filter(plan=county).exists()


def test_the_messages_name_the_template_value(chain):
    province, city, county = chain.plans["province"], chain.plans["city"], chain.plans["county"]
    # Narrowed at both levels: the county covers each level's scope, and the province's all would hold it to all.
    scope = {"grades": [7, 8], "school_kinds": [SchoolKind.JUNIOR]}
    PlanTask.objects.filter(pk__in=[_hours(province).pk, _hours(city).pk]).update(**scope)
    PlanTask.objects.filter(pk=_hours(city).pk).update(hours=3)
    PlanTask.objects.filter(pk=_five(city).pk).update(activity_count=4)
    assert "3" in _requirement_message(county, _hours(county), "hours")
    assert "7, 8" in _requirement_message(county, _hours(county), "grades")
    assert str(SchoolKind.JUNIOR.label) in _requirement_message(county, _hours(county), "school_kinds")
    assert "4" in _requirement_message(county, _five(county), "activity_count")
    assert str(ActivityType("film").label) in _requirement_message(county, _five(county), "activity_types")


RAISED = [
    (_hours, {"hours": "3"}, "hours", "3.0"),
    (_hours, {"hours": "1", "hours_period": "term"}, "hours_period", "term"),  # 2 a year, as the template's
    (_hours, {"grades_text": "4, 5, 6, 7, 8, 9, 10, 11, 12"}, "grades", [4, 5, 6, 7, 8, 9, 10, 11, 12]),
    (_hours, {"grades_text": ""}, "grades", []),  # empty: every grade
    (_five, {"activity_count": "2"}, "activity_count", 2),
]


@pytest.mark.parametrize(("which", "changes", "field", "stored"), RAISED)
def test_the_form_accepts_a_raised_requirement_and_records_it(client, chain, which, changes, field, stored):
    county = chain.plans["county"]
    task = which(county)
    client.force_login(chain.county_officer)
    response = client.post(reverse("plans:task_edit", args=[task.pk]), task_post(task, **changes))
    assert response.status_code == 302
    assert PlanChange.objects.get(plan=county, action="task_changed").after[field] == stored


def test_a_wider_school_scope_and_an_added_activity_type_are_raises(client, chain):
    plans = chain.plans
    county = plans["county"]
    held = [_hours(plans[level]).pk for level in ("province", "city", "county")]
    PlanTask.objects.filter(pk__in=held).update(school_kinds=[SchoolKind.JUNIOR])
    PlanActivityType.objects.create(plan=county, code="speech", label_zh="演讲比赛", label_en="Speech contest")
    client.force_login(chain.county_officer)
    task = _hours(county)
    wider = [SchoolKind.JUNIOR, SchoolKind.SENIOR]
    assert _edit(client, task, school_kinds=wider).status_code == 302
    task.refresh_from_db()
    assert _edit(client, task, school_kinds=[]).status_code == 302
    five = _five(county)
    more = [*five.activity_types, "speech"]
    assert _edit(client, five, activity_types=more).status_code == 302
    assert _five(county).activity_types == more
    assert PlanChange.objects.filter(plan=county, action="task_changed").count() == 3


def test_the_task_editor_names_the_template_requirements(client, chain):
    county = chain.plans["county"]
    floor = requirement_floors(county)[_hours(county).pk]
    client.force_login(chain.county_officer)
    page = client.get(reverse("plans:task_edit", args=[_hours(county).pk])).content.decode()
    hints = requirement_hints(floor)
    assert escape(hints["hours"]) in page and escape(hints["grades_text"]) in page
    five = _five(county)
    page = client.get(reverse("plans:task_edit", args=[five.pk])).content.decode()
    assert escape(requirement_hints(requirement_floors(county)[five.pk])["activity_count"]) in page


@pytest.mark.parametrize(
    ("requirement", "which", "update"),
    [
        ("hours", _hours, {"hours": 1}),
        ("hours", _hours, {"hours": Decimal("0.5"), "hours_period": "term"}),
        ("grades", _hours, {"grades": [8]}),
        ("school_kinds", _hours, {"school_kinds": [SchoolKind.SENIOR]}),
        ("activity_types", _five, {"activity_types": ["film"]}),
        ("activity_count", _five, {"activity_count": 0}),
    ],
)
def test_the_change_function_refuses_a_requirement_below_the_template(chain, requirement, which, update):
    county = chain.plans["county"]
    task = which(county)
    before = versioning.task_snapshot(task)

    def apply():
        PlanTask.objects.filter(pk=task.pk).update(**update)
        return task

    with pytest.raises(ValidationError) as refused:
        versioning.change(county, chain.county_officer, "task_changed", apply, versioning.task_snapshot, before)
    assert refused.value.messages == [_requirement_message(county, task, requirement)]
    county.refresh_from_db()
    assert county.version == 0 and versioning.task_snapshot(task) == before


def test_a_template_raised_later_leaves_the_untouched_requirements_valid(client, chain):
    city, county = chain.plans["city"], chain.plans["county"]
    client.force_login(chain.city_officer)
    city_hours, city_five = _hours(city), _five(city)
    assert _edit(client, city_hours, hours="4", grades_text="5, 6, 7, 8, 9, 10, 11, 12").status_code == 302
    assert _edit(client, city_five, activity_count="3").status_code == 302

    client.force_login(chain.county_officer)
    task, five = _hours(county), _five(county)
    # Edits of other fields still save: the weaker requirements are not the edit's doing.
    response = client.post(reverse("plans:task_edit", args=[task.pk]), task_post(task, evidence_required="课时表"))
    assert response.status_code == 302
    response = client.post(reverse("plans:task_edit", args=[five.pk]), task_post(five, title="五个一活动"))
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.hours, task.evidence_required) == (Decimal("2.0"), "课时表")
    # Changing a weaker requirement to anything still below is refused, naming the raised value.
    response = client.post(reverse("plans:task_edit", args=[task.pk]), task_post(task, hours="3"))
    assert response.status_code == 200
    assert escape(_requirement_message(county, task, "hours")) in response.content.decode()
    assert "4" in _requirement_message(county, task, "hours")
    response = client.post(reverse("plans:task_edit", args=[task.pk]), task_post(task, hours="4"))
    assert response.status_code == 302


def test_a_county_is_held_to_the_province_even_where_the_city_was_left_weaker(chain):
    province, county = chain.plans["province"], chain.plans["county"]
    PlanTask.objects.filter(pk=_hours(province).pk).update(hours=3)  # raised after the city adopted it
    task = _hours(county)
    before = versioning.task_snapshot(task)

    def apply():
        PlanTask.objects.filter(pk=task.pk).update(hours=Decimal("2.5"))
        return task

    with pytest.raises(ValidationError) as refused:
        versioning.change(county, chain.county_officer, "task_changed", apply, versioning.task_snapshot, before)
    assert "3" in refused.value.messages[0]


def test_the_template_own_edit_is_not_refused(client, chain):
    province, city, county = chain.plans["province"], chain.plans["city"], chain.plans["county"]
    # The city raises above what the county asks: the county is left weaker, the city's edit stands.
    client.force_login(chain.city_officer)
    task = _hours(city)
    response = client.post(reverse("plans:task_edit", args=[task.pk]), task_post(task, hours="6", grades_text="5"))
    assert response.status_code == 200  # grades 5 alone no longer cover the province's 5–11
    response = client.post(reverse("plans:task_edit", args=[task.pk]), task_post(task, hours="6"))
    assert response.status_code == 302 and _hours(city).hours == Decimal("6")
    # The province adopted the national baseline, which holds nothing: it may narrow below what is below it.
    client.force_login(chain.province_officer)
    task = _hours(province)
    response = client.post(reverse("plans:task_edit", args=[task.pk]), task_post(task, hours="1", grades_text="7, 8"))
    assert response.status_code == 302
    assert (_hours(province).hours, _hours(province).grades) == (Decimal("1.0"), [7, 8])
    assert _hours(county).hours == Decimal("2.0")


def test_a_plan_from_the_national_template_may_lower_its_requirements(client, chain):
    plan = copy_plan(national_template(), chain.county_a2, chain.year, "二区规划")
    admin = make_role_user(RoleKind.BUREAU_ADMIN, district=chain.county_a2)
    client.force_login(admin)
    task = _hours(plan)
    response = client.post(reverse("plans:task_edit", args=[task.pk]), task_post(task, hours="1", grades_text="8"))
    assert response.status_code == 302
    assert requirement_floors(plan) == {}


def test_a_template_local_activity_type_comes_with_the_adopted_plan_and_stays_editable(client, region):
    # The city adds 告家长书 for its plan's first year only and asks for it in its 五个一 task; the county adopting
    # the city's template must find it among its choices, or it could neither keep nor tick what it is held to.
    province = copy_plan(national_template(), region.province, region.year, "示范省模板", region.province_officer)
    _published(province, region.province_officer)
    city = copy_plan(template_above(region.city_a, region.year), region.city_a, region.year, "甲市模板")
    PlanActivityType.objects.create(
        plan=city, code="letter", label_zh="告家长书", label_en="Letter to parents", year_indexes=[1]
    )
    PlanActivityType.objects.create(
        plan=city, code="old-contest", label_zh="往年竞赛", label_en="Former contest", year_indexes=[9]
    )
    PlanTask.objects.filter(pk=_five(city).pk).update(activity_types=[*_five(city).activity_types, "letter"])
    _published(city, region.city_officer)
    county = copy_plan(template_above(region.county_a1, region.year), region.county_a1, region.year, "一区规划")
    copied = {kind.code: kind for kind in county.activity_types.all()}
    assert set(copied) == {"letter"}  # the contest's only year is outside the county's plan
    assert (copied["letter"].label_zh, copied["letter"].label_en, copied["letter"].year_indexes) == (
        "告家长书",
        "Letter to parents",
        [1],
    )
    client.force_login(region.county_officer)
    five = _five(county)
    assert "letter" in five.activity_types
    assert _edit(client, five, activity_count=2).status_code == 302
    assert _five(county).activity_count == 2
