"""A region's figures are exact sums of its counties' counts; its page ranks the units one level below it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from people.models import RoleKind, SchoolClass, SchoolYear
from people.testing import RegionWorld, make_district, make_role_user, make_school, make_student, make_teacher
from plans import dashboard, metrics
from plans.dashboard import Filters
from plans.planning import copy_plan, national_template, plan_for, plans_for
from plans.regions import region_table
from plans.rollup import refresh_district
from plans.tests.builders import attempt, make_quiz

pytestmark = pytest.mark.django_db


def _students(school, percents, quiz, year):
    """A class of the school with one student per percent, each with one attempt at that percent."""
    school_class = SchoolClass.objects.create(school=school, school_year=year, grade=8, number=1)
    students = []
    for n, percent in enumerate(percents, start=1):
        student = make_student(school_class, f"{school.code}-{n}")
        attempt(student, quiz, 1, percent, timezone.now(), school_class)
        students.append(student)
    return students


@pytest.fixture
def region():
    """Pass rates 2/2 in 甲市一区, 1/4 in 甲市二区, 0/2 in the province's own county: a mean of rates differs."""
    world = RegionWorld()
    year = SchoolYear.current()
    quiz = make_quiz()
    schools = world.schools
    world.student = _students(schools[0], [100], quiz, year)[0]
    _students(schools[1], [100], quiz, year)
    _students(schools[3], [100, 30, 30], quiz, year)
    _students(schools[4], [30], quiz, year)
    _students(schools[6], [30, 30], quiz, year)
    for county in (world.county_a1, world.county_a2, world.county_p):
        copy_plan(national_template(), county, year.start_year, f"{county.name}三年规划")
        refresh_district(county, year.start_year)
    world.year = year
    world.filters = Filters(start_year=year.start_year)
    return world


def _own_dashboard_total(district, filters):
    plan = plan_for(district.id, filters.start_year)
    return dashboard.total_row(dashboard.school_rows(filters.rows(district.id), plan), plan, "").figures


def test_a_city_is_the_exact_sum_of_its_counties(region):
    table = region_table(region.city_officer, region.city_a, region.filters)
    by_name = {line.name: line for line in table.lines}
    assert set(by_name) == {region.county_a1.name, region.county_a2.name}
    a1, a2 = by_name[region.county_a1.name].figures, by_name[region.county_a2.name].figures
    # Each county's line is what its own dashboard shows.
    assert a1 == _own_dashboard_total(region.county_a1, region.filters)
    assert a2 == _own_dashboard_total(region.county_a2, region.filters)
    assert (a1.results, a1.passed, a2.results, a2.passed) == (2, 2, 4, 1)
    assert table.total.figures == a1 + a2
    assert table.total.figures.schools == 4 and table.total.figures.on_roll == 6
    assert table.total.figures.pass_rate == 50.0  # 3 / 6; the mean of 100 % and 25 % would be 62.5 %
    assert (a1.pass_rate + a2.pass_rate) / 2 != table.total.figures.pass_rate


def test_a_province_is_the_exact_sum_of_its_cities_and_its_own_counties(region):
    province = region_table(region.province_officer, region.province, region.filters)
    city = region_table(region.province_officer, region.city_a, region.filters)
    by_name = {line.name: line for line in province.lines}
    assert set(by_name) == {region.city_a.name, region.city_b.name, region.county_p.name}
    assert by_name[region.city_a.name].extra["level"] == "city"
    assert by_name[region.county_p.name].extra["level"] == "county"
    assert by_name[region.city_a.name].figures == city.total.figures
    assert by_name[region.city_b.name].figures == metrics.Figures()  # no county yet
    counties = [_own_dashboard_total(d, region.filters) for d in (region.county_a1, region.county_a2, region.county_p)]
    total = province.total.figures
    assert total == sum(counties, metrics.Figures())
    assert total == sum((line.figures for line in province.lines), metrics.Figures())
    assert (total.results, total.passed, total.schools) == (8, 3, 5)
    assert total.pass_rate == 37.5
    assert total.pass_rate != sum(c.pass_rate for c in counties) / 3
    # The ranking is the 通报's: every line with a composite carries a rank, the empty city comes last, unranked.
    assert [line.extra["rank"] for line in province.lines][-1] is None
    assert province.lines[-1].name == region.city_b.name
    assert all(line.extra["rank"] is not None for line in province.lines[:-1])


def test_the_region_weights_are_those_the_plans_share(region):
    table = region_table(region.city_officer, region.city_a, region.filters)
    plan = plan_for(region.county_a1.id, region.year.start_year)
    assert table.weights == plan.weights() and table.weights_shared
    assert table.total.composite == table.total.figures.composite(plan.weights())
    plan.composite_weights = {"participation": 100}
    plan.save()
    table = region_table(region.city_officer, region.city_a, region.filters)
    assert not table.weights_shared
    assert table.weights == metrics.Plan(composite_weights=metrics.default_composite_weights()).weights()
    by_name = {line.name: line for line in table.lines}
    assert by_name[region.county_a1.name].composite == by_name[region.county_a1.name].figures.participation_rate


def test_plans_for_finds_what_plan_for_finds(region):
    ids = [region.county_a1.id, region.county_a2.id, region.county_p.id, make_district().id]
    found = plans_for(ids, region.year.start_year)
    assert {i: (found[i] if i in found else None) for i in ids} == {i: plan_for(i, region.year.start_year) for i in ids}
    assert len(found) == 3


# --- the pages ------------------------------------------------------------------------------------------------


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_a_city_officer_sees_her_city_ranking_her_counties(client, region):
    response = _get(client, region.city_officer, reverse("plans:region", args=[region.city_a.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert region.county_a1.name in html and region.county_a2.name in html
    assert region.county_p.name not in html
    assert f"?district={region.county_a2.id}&amp;" in html
    assert 'aria-sort="none"' in html and 'id="rank-rule"' in html


def test_a_province_officer_sees_the_province_and_its_cities(client, region):
    html = _get(client, region.province_officer, reverse("plans:region", args=[region.province.pk])).content.decode()
    for name in (region.city_a.name, region.city_b.name, region.county_p.name):
        assert name in html
    assert reverse("plans:region", args=[region.city_a.pk]) in html
    assert client.get(reverse("plans:region", args=[region.city_b.pk])).status_code == 200
    assert client.get(reverse("plans:regions")).status_code == 200


def test_the_ranking_sorts_by_any_column(client, region):
    url = reverse("plans:region", args=[region.city_a.pk])
    html = _get(client, region.city_officer, url + "?sort=pass&dir=asc").content.decode()
    assert html.index(region.county_a2.name) < html.index(region.county_a1.name)
    html = client.get(url + "?sort=pass&dir=desc").content.decode()
    assert html.index(region.county_a1.name) < html.index(region.county_a2.name)


@pytest.mark.parametrize(
    "who, region_name",
    [
        ("city_officer", "city_b"),
        ("city_officer", "province"),
        ("city_b_auditor", "city_a"),
        ("county_officer", "city_a"),
        ("county_officer", "province"),
    ],
)
def test_officers_are_refused_regions_not_theirs(client, region, who, region_name):
    url = reverse("plans:region", args=[getattr(region, region_name).pk])
    assert _get(client, getattr(region, who), url).status_code == 404


def test_school_people_and_county_officers_are_refused_every_region_page(client, region):
    school = region.schools[0]
    people = [
        region.county_officer,
        make_role_user(RoleKind.SCHOOL_ADMIN, school=school),
        make_teacher(school),
        region.student.user,
    ]
    for user in people:
        assert _get(client, user, reverse("plans:regions")).status_code == 403
        for place in (region.city_a, region.province):
            assert client.get(reverse("plans:region", args=[place.pk])).status_code == 404


def test_the_nav_offers_regions_to_region_officers_only(client, region):
    regions_url = reverse("plans:regions")
    home = reverse("plans:dashboard")
    assert f'href="{regions_url}"' in _get(client, region.city_officer, home).content.decode()
    assert f'href="{regions_url}"' not in _get(client, region.county_officer, home).content.decode()


def test_a_city_officer_opens_each_county_dashboard_and_keeps_it_while_sorting(client, region):
    dashboard_url = reverse("plans:dashboard")
    html = _get(client, region.city_officer, f"{dashboard_url}?district={region.county_a2.id}").content.decode()
    assert region.county_a2.name in html
    assert f"district={region.county_a2.id}&amp;sort=" in html  # the sort links keep her choice
    assert f'name="district" value="{region.county_a2.id}"' in html
    # A county of the province's own is not hers: she gets her first county instead.
    html = client.get(f"{dashboard_url}?district={region.county_p.id}").content.decode()
    assert region.county_p.name not in html and region.county_a1.name in html


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_region_page_reads_a_fixed_number_of_queries(client, region):
    client.force_login(region.province_officer)
    url = reverse("plans:region", args=[region.province.pk])
    client.get(url)  # warm the session and the caches every page reads
    before = _queries(client, url)
    quiz = make_quiz("再一课")
    for n in range(4):
        county = make_district(f"X{n}", f"新县{n}", region=region.city_b if n % 2 else region.province)
        copy_plan(national_template(), county, region.year.start_year, f"新县{n}规划")
        for m in range(2):
            _students(make_school(county, code=f"X{n}{m}"), [100, 30], quiz, region.year)
        refresh_district(county, region.year.start_year)
    from people.scope import forget_roles

    forget_roles(region.province_officer)
    after = _queries(client, url)
    assert after == before
    assert before == QUERY_BUDGET


# Exactly: the districts' roll-up rows are summed once, under each district's own choice about flagged records;
# a second sum runs only when some district's plan counts them (the next test).
QUERY_BUDGET = 13


def test_a_district_that_counts_flagged_records_costs_one_more_sum_and_keeps_its_figures(client, region):
    client.force_login(region.province_officer)
    url = reverse("plans:region", args=[region.province.pk])
    client.get(url)
    plan = plan_for(region.county_a1.id, region.year.start_year)
    plan.count_flagged_records = True
    plan.save(update_fields=["count_flagged_records"])
    assert _queries(client, url) == QUERY_BUDGET + 1


def test_each_county_adds_up_on_its_own_plans_side_about_flagged_records(region):
    from classroom.integrity.flags import raise_flag
    from classroom.models import FlagRule
    from core.clientid import network_key
    from quizzes.models import Attempt

    for county in (region.county_a1, region.county_a2):
        flagged = Attempt.objects.filter(school__district=county, passed=True).first()
        raise_flag(
            flagged,
            FlagRule.SHARED_NETWORK,
            school=flagged.school,
            school_class=flagged.school_class,
            student=flagged.student,
            group=network_key("10.0.0.1"),
        )
    plan = plan_for(region.county_a2.id, region.year.start_year)
    plan.count_flagged_records = True
    plan.save()
    for county in (region.county_a1, region.county_a2):
        refresh_district(county, region.year.start_year)
    table = region_table(region.city_officer, region.city_a, region.filters)
    by_name = {line.name: line.figures for line in table.lines}
    a1, a2 = by_name[region.county_a1.name], by_name[region.county_a2.name]
    assert a1 == _own_dashboard_total(region.county_a1, region.filters)
    assert a2 == _own_dashboard_total(region.county_a2, region.filters)
    assert (a1.passed, a1.flagged_attempts, a2.passed, a2.flagged_attempts) == (1, 1, 1, 1)  # left out; counted
    assert table.total.figures == a1 + a2 and table.total.figures.passed == 2


def test_the_region_page_says_how_flagged_records_enter_when_its_districts_plans_differ(client, region):
    client.force_login(region.province_officer)
    url = reverse("plans:region", args=[region.province.pk])
    assert metrics.flagged_rule_text(False) in client.get(url).context["formula"]
    plan = plan_for(region.county_a1.id, region.year.start_year)
    plan.count_flagged_records = True
    plan.save(update_fields=["count_flagged_records"])
    formula = client.get(url).context["formula"]
    assert metrics.flagged_rule_text(None) in formula and metrics.flagged_rule_text(False) not in formula
