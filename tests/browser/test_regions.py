"""A city officer on a 360 px phone: her city's ranking fits, is accessible, and leads to each county's dashboard."""

import pytest
from django.utils import timezone

from people.models import SchoolClass, SchoolYear
from people.testing import PASSWORD, RegionWorld, make_student
from plans.planning import copy_plan, national_template
from plans.rollup import refresh_district
from plans.tests.builders import attempt, make_quiz

from .helpers import assert_accessible, sign_in

# Every browser test restores the migrated rows (serialized_rollback), so their order does not matter: one that
# only flushes leaves the content types post_migrate makes, and the next restore collides with them.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_city_officer_reads_her_city_on_a_phone(live_server, phone_page):
    world = RegionWorld()
    year = SchoolYear.current()
    quiz = make_quiz()
    for school, percent in ((world.schools[0], 100), (world.schools[3], 30)):
        school_class = SchoolClass.objects.create(school=school, school_year=year, grade=8, number=1)
        attempt(make_student(school_class, f"{school.code}-1"), quiz, 1, percent, timezone.now(), school_class)
    for county in (world.county_a1, world.county_a2):
        copy_plan(national_template(), county, year.start_year, f"{county.name}规划")
        refresh_district(county, year.start_year)

    page = phone_page
    sign_in(page, live_server.url, world.city_officer.username, PASSWORD)
    page.goto(f"{live_server.url}/audit/regions/{world.city_a.pk}/")
    assert world.county_a2.name in page.content()
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
        ".map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 8)"
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), wide
    assert_accessible(page, "on the city's page (phone)")
    page.click(f"th a[href*='district={world.county_a2.id}']")
    page.wait_for_url(lambda url: f"district={world.county_a2.id}" in url)
    assert world.county_a2.name in page.locator("h1").inner_text()
    assert page.watcher.errors == []
