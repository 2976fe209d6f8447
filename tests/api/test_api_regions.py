"""Keys of a city or a province and their figures on /api/v1/ (issue #19): a region's key reads the regions,
districts, schools and classes below it and their figures, which are the exact sums plans.metrics makes; it reads
nothing of another region, no student row, and writes nothing. An expired or revoked one is refused."""

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from core.models import AuditEvent
from people import api_tokens
from people.models import ApiAccess, ApiToken, SchoolClass, SchoolYear
from people.testing import RegionWorld, make_district, make_school, make_student
from plans import metrics
from plans.models import ClassFigures
from plans.planning import copy_plan, national_template, plans_for
from plans.rollup import refresh_district
from plans.tests.builders import attempt, make_quiz

from .snapshot import assert_matches

pytestmark = pytest.mark.django_db


def _get(client, path, key=None, **headers):
    if key:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    # English: the source strings, so the snapshot does not change when the Chinese catalogue does.
    return client.get(f"/api/v1{path}", HTTP_ACCEPT_LANGUAGE="en", **headers)


def _codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


def _class_with(school, percents, quiz, year):
    """A class of the school with one named student per percent, each with one attempt at that percent."""
    school_class = SchoolClass.objects.create(school=school, school_year=year, grade=8, number=1)
    for n, percent in enumerate(percents, start=1):
        student = make_student(school_class, f"{school.code}-{n}", full_name=f"{school.code}同学{n}")
        attempt(student, quiz, 1, percent, timezone.now(), school_class)
    return school_class


@pytest.fixture
def rw():
    """RegionWorld with a county under 乙市 too (B1, one school): pass rates 2/2 in A1, 1/4 in A2, 0/2 in the
    province's own county P9 and 1/1 in B1; every county on the national plan, its roll-up refreshed."""
    world = RegionWorld()
    world.county_b1 = make_district("B1", "乙市一区教育局", region=world.city_b)
    world.school_b = make_school(world.county_b1, code="RWB1")
    year = SchoolYear.current()
    quiz = make_quiz()
    schools = world.schools
    world.class_a = _class_with(schools[0], [100], quiz, year)
    _class_with(schools[1], [100], quiz, year)
    _class_with(schools[3], [100, 30, 30], quiz, year)
    _class_with(schools[4], [30], quiz, year)
    _class_with(schools[6], [30, 30], quiz, year)
    world.class_b = _class_with(world.school_b, [100], quiz, year)
    for county in (world.county_a1, world.county_a2, world.county_p, world.county_b1):
        copy_plan(national_template(), county, year.start_year, f"{county.name}三年规划")
        refresh_district(county, year.start_year)
    world.year = year.start_year
    world.keys = {
        "province": api_tokens.issue(world.province, name="省级汇总")[1],
        "city_a": api_tokens.issue(world.city_a, name="甲市汇总")[1],
        "city_b": api_tokens.issue(world.city_b, name="乙市汇总")[1],
    }
    return world


def test_a_city_key_reads_its_own_districts_schools_and_figures(client, rw):
    key = rw.keys["city_a"]
    assert _codes(_get(client, "/regions", key=key)) == ["A1", "A2"]
    assert _codes(_get(client, "/regions?level=city", key=key)) == ["C1"]
    assert _codes(_get(client, "/regions?level=province", key=key)) == []
    assert _codes(_get(client, "/schools?page_size=100", key=key)) == ["RW1", "RW2", "RW3", "RW4", "RW5", "RW6"]
    for path in ("/regions/C1/figures", "/districts/A1/figures", "/districts/A2/report", "/schools/RW1/figures"):
        assert _get(client, path, key=key).status_code == 200, path
    assert _get(client, f"/classes/{rw.class_a.pk}/figures", key=key).status_code == 200


def test_a_city_key_cannot_read_another_citys_districts_schools_or_figures(client, rw):
    for key, other_city, other_county, other_school, other_class in (
        (rw.keys["city_a"], "C2", "B1", "RWB1", rw.class_b),
        (rw.keys["city_b"], "C1", "A1", "RW1", rw.class_a),
    ):
        assert other_county not in _codes(_get(client, "/regions", key=key))
        assert other_city not in _codes(_get(client, "/regions?level=city", key=key))
        assert other_school not in _codes(_get(client, "/schools?page_size=100", key=key))
        assert _codes(_get(client, f"/schools?district={other_county}", key=key)) == []
        for path in (
            f"/regions/{other_city}/figures",
            "/regions/P1/figures",  # nor the province above it
            "/regions/P9/figures",  # a county's code is no region's
            f"/districts/{other_county}/figures",
            f"/districts/{other_county}/plan",
            f"/districts/{other_county}/report",
            "/districts/P9/figures",  # the province's own county is not the city's
            f"/schools/{other_school}",
            f"/schools/{other_school}/figures",
            f"/schools/{other_school}/classes",
            f"/classes/{other_class.pk}/figures",
            f"/classes/{other_class.pk}/results",
        ):
            response = _get(client, path, key=key)
            assert response.status_code == 404, f"{path}: {response.status_code}"
            assert response.json()["error"]["code"] == "not_found"
    other = rw.city_b.pk
    assert _get(client, f"/regions/{other}/figures", key=rw.keys["city_a"]).status_code == 404, "nor by its id"
    ledger = _get(client, "/ledger?page_size=100", key=rw.keys["city_b"]).json()["results"]
    assert {row["school"] for row in ledger} <= {"RWB1"}


def test_a_province_key_reads_all_its_cities_and_walks_their_figures(client, rw):
    key = rw.keys["province"]
    assert _codes(_get(client, "/regions?level=province", key=key)) == ["P1"]
    cities = _get(client, "/regions?level=city", key=key).json()["results"]
    assert [(row["code"], row["level"], row["parent"]) for row in cities] == [
        ("C1", "city", "P1"),
        ("C2", "city", "P1"),
    ]
    districts = _get(client, "/regions", key=key).json()["results"]
    assert [(row["code"], row["level"], row["parent"]) for row in districts] == [
        ("A1", "district", "C1"),
        ("A2", "district", "C1"),
        ("B1", "district", "C2"),
        ("P9", "district", "P1"),
    ]
    assert _codes(_get(client, "/regions?within=C2", key=key)) == ["B1"]
    assert _codes(_get(client, "/regions?level=city&within=C1", key=key)) == ["C1"]
    assert len(_codes(_get(client, "/schools?page_size=100", key=key))) == 9
    province = _get(client, "/regions/P1/figures", key=key).json()
    by_code = {unit["code"]: unit for unit in province["units"]}
    assert [(unit["level"], unit["code"]) for unit in province["units"]] == [
        ("city", "C1"),
        ("city", "C2"),
        ("district", "P9"),
    ]
    for city in cities:  # a province walks its cities: each answer is its line in the province's
        answer = _get(client, f"/regions/{city['code']}/figures", key=key).json()
        assert answer["level"] == "city" and answer["parent"] == "P1"
        assert answer["figures"] == by_code[city["code"]]["figures"]
        for unit in answer["units"]:
            own = _get(client, f"/districts/{unit['code']}/figures", key=key).json()
            assert unit["figures"] == own["figures"], "a county's line is its own figures, by the same rule"
            assert unit["plans"] == [{"district": unit["code"], "plan": own["plan"]}]
    assert _get(client, f"/regions/{rw.city_a.pk}/figures", key=key).json()["code"] == "C1", "by its id too"


def test_region_figures_are_sums_of_counts_with_their_formula_and_plan_versions(client, rw):
    province = _get(client, "/regions/P1/figures", key=rw.keys["province"]).json()
    counties = (rw.county_a1, rw.county_a2, rw.county_b1, rw.county_p)
    plans = plans_for([county.pk for county in counties], rw.year)
    rows = ClassFigures.objects.filter(district__in=counties, school_year__start_year=rw.year, period="year")
    rows = metrics.district_figures(rows, {pk: metrics.counts_flagged(plan) for pk, plan in plans.items()})
    expected = metrics.add_up_districts(rows[county.pk] for county in counties)
    figures = province["figures"]
    assert (figures["results"], figures["passed"], figures["schools"], figures["on_roll"]) == (9, 4, 6, 9)
    assert figures["pass_rate"] == expected.pass_rate == pytest.approx(400 / 9)
    weights, shared = metrics.region_weights(plans.values())
    assert shared and province["weights"] == weights and province["weights_shared"] is True
    assert figures["composite"] == pytest.approx(expected.composite(weights))
    with translation.override("en"):
        assert province["formula"] == metrics.formula_text(weights, False)
        for entry in province["plans"]:
            plan = plans[next(c.pk for c in counties if c.code == entry["district"])]
            assert entry["plan"]["version"] == plan.version
            assert entry["plan"]["formula"] == metrics.plan_formula(plan)
    assert sorted(entry["district"] for entry in province["plans"]) == ["A1", "A2", "B1", "P9"]
    assert province["refreshed_at"]
    # A mean of the units' rates would not be the province's rate.
    rates = [unit["figures"]["pass_rate"] for unit in province["units"]]
    assert sum(rates) / len(rates) != figures["pass_rate"]
    assert_matches("region_figures", province)


def test_a_regions_figures_cost_the_same_queries_however_many_districts(client, rw):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert _get(client, "/regions/P1/figures", key=rw.keys["province"]).status_code == 200
        return len(captured)

    queries()  # the key's last use is written once a minute: the first call may write it
    before = queries()
    quiz = make_quiz("再一课")
    for n in range(3):
        county = make_district(f"X{n}", f"新县{n}", region=rw.city_b if n % 2 else rw.province)
        copy_plan(national_template(), county, rw.year, f"新县{n}规划")
        _class_with(make_school(county, code=f"X{n}"), [100, 30], quiz, SchoolYear.current())
        refresh_district(county, rw.year)
    assert queries() == before


def test_when_the_districts_plans_differ_the_formula_says_so(client, rw):
    plan = plans_for([rw.county_a2.pk], rw.year)[rw.county_a2.pk]
    plan.count_flagged_records = True
    plan.composite_weights = {"pass": 100}
    plan.save()
    city = _get(client, "/regions/C1/figures", key=rw.keys["city_a"]).json()
    assert city["weights_shared"] is False
    with translation.override("en"):
        assert metrics.flagged_rule_text(False) not in city["formula"]
        assert metrics.flagged_rule_text(True) not in city["formula"]
    assert "each district's own plan" in city["formula"] and "default weights" in city["formula"]
    a2 = next(unit for unit in city["units"] if unit["code"] == "A2")
    assert a2["weights"] == {"pass": 100.0} and a2["plans"][0]["plan"]["count_flagged_records"] is True


def test_a_region_key_reads_no_student_and_no_name(client, rw):
    for key in rw.keys.values():
        response = _get(client, f"/classes/{rw.class_a.pk}/students", key=key)
        assert response.status_code in (403, 404)
        assert "同学" not in json.dumps(response.json(), ensure_ascii=False)
    refused = _get(client, f"/classes/{rw.class_a.pk}/students", key=rw.keys["province"])
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    for path in ("/regions/P1/figures", "/districts/A1/report", f"/classes/{rw.class_a.pk}/results"):
        assert "同学" not in json.dumps(_get(client, path, key=rw.keys["province"]).json(), ensure_ascii=False)


def test_a_region_key_cannot_write(client, rw):
    with pytest.raises(ValueError):
        api_tokens.issue(rw.city_a, name="写", access=ApiAccess.READ_WRITE)
    token = ApiToken.objects.get(region=rw.city_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiToken.objects.filter(pk=token.pk).update(access=ApiAccess.READ_WRITE)
    token.access = ApiAccess.READ_WRITE  # even a row read wrong would not write
    assert token.can_write is False
    headers = {"HTTP_AUTHORIZATION": f"Bearer {rw.keys['city_a']}", "HTTP_IDEMPOTENCY_KEY": "once"}
    roster = {"students": [{"number": "9", "name": "新生", "class": "1", "grade": 8}]}
    for path, body in (
        ("/api/v1/schools/RW1/roster", roster),
        ("/api/v1/class-hours", {"class_id": rw.class_a.pk, "taught_on": "2026-11-02", "class_hours": "1"}),
        ("/api/v1/activities", {"school": "RW1", "type": "class_meeting", "title": "班会", "held_on": "2026-11-02"}),
    ):
        response = client.post(path, data=json.dumps(body), content_type="application/json", **headers)
        assert response.status_code == 403, path
        assert response.json()["error"]["code"] == "forbidden"


def test_an_expired_or_revoked_region_key_is_refused(client, rw):
    token, key = api_tokens.issue(rw.province, name="旧汇总", days=1)
    assert _get(client, "/regions/P1/figures", key=key).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    for path in ("/regions/P1/figures", "/regions?level=city", "/schools"):
        assert _get(client, path, key=key).status_code == 401, path
    token, key = api_tokens.issue(rw.province, name="另一个")
    assert api_tokens.revoke(token) is True
    assert _get(client, "/regions/P1/figures", key=key).status_code == 401
    assert AuditEvent.objects.filter(action="people.api_key_revoked", details__region=rw.province.pk).exists()


def test_a_signed_in_officer_reads_her_regions_figures_and_a_county_officer_none(client, rw):
    client.force_login(rw.city_officer)
    assert _get(client, "/regions/C1/figures").status_code == 200
    assert _get(client, "/regions/C2/figures").status_code == 404
    assert _codes(_get(client, "/regions?level=city")) == ["C1"]
    client.force_login(rw.county_officer)
    assert _get(client, "/regions/C1/figures").status_code == 404
    assert _codes(_get(client, "/regions?level=city")) == []


def test_a_district_or_school_key_reads_no_region(client, rw):
    for organisation in (rw.county_a1, rw.schools[0]):
        key = api_tokens.issue(organisation, name="县里")[1]
        assert _codes(_get(client, "/regions?level=city", key=key)) == []
        assert _get(client, "/regions/C1/figures", key=key).status_code == 404


def test_an_operator_issues_a_region_key_at_the_server_read_only(client, rw):
    out = io.StringIO()
    call_command("api_keys", "issue", "--region", "C1", "--name", "甲市汇总", stdout=out)
    key = out.getvalue().splitlines()[1]
    token = ApiToken.objects.get(digest=api_tokens.digest_of(key))
    assert token.region == rw.city_a and not token.can_write
    assert _get(client, "/regions/C1/figures", key=key).status_code == 200
    with pytest.raises(CommandError):
        call_command("api_keys", "issue", "--region", "C1", "--name", "写", "--write", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("api_keys", "issue", "--region", "NOPE", "--name", "无", stdout=io.StringIO())
    listing = io.StringIO()
    call_command("api_keys", "list", "--region", "C1", stdout=listing)
    assert token.prefix in listing.getvalue() and "乙市汇总" not in listing.getvalue()


def test_a_region_officer_makes_her_regions_read_key_on_the_key_screen(client, rw):
    client.force_login(rw.city_officer)
    page = client.get(reverse("people:api_keys"))
    assert page.status_code == 200
    assert [key for key, _label in page.context["form"].fields["organisation"].choices] == [f"r{rw.city_a.pk}"]
    data = {"name": "甲市汇总", "days": "30", "organisation": f"r{rw.city_a.pk}"}
    refused = client.post(reverse("people:api_keys"), data | {"access": ApiAccess.READ_WRITE})
    assert refused.context["form"].errors["access"] and 'class="error-summary"' in refused.content.decode()
    other = client.post(reverse("people:api_keys"), data | {"organisation": f"r{rw.city_b.pk}", "access": "read"})
    assert other.context["form"].errors["organisation"]
    assert ApiToken.objects.filter(created_by=rw.city_officer).count() == 0
    made = client.post(reverse("people:api_keys"), data | {"access": "read"})
    key = made.context["issued"]["key"]
    token = ApiToken.objects.get(digest=api_tokens.digest_of(key))
    assert token.region == rw.city_a and token.created_by == rw.city_officer and not token.can_write
    assert AuditEvent.objects.filter(action="people.api_key_issued", actor=rw.city_officer).exists()
    listed = set(client.get(reverse("people:api_keys")).context["keys"])
    assert listed == set(ApiToken.objects.filter(region=rw.city_a))
    city_b_key = ApiToken.objects.get(region=rw.city_b)
    assert client.post(reverse("people:api_key_revoke", args=[city_b_key.pk])).status_code == 404
    assert client.post(reverse("people:api_key_revoke", args=[token.pk])).status_code == 302
    client.force_login(rw.city_b_auditor)  # an auditor reads; she hands out no access
    assert client.get(reverse("people:api_keys")).status_code == 403
