"""The region tree above the county bureaus: a city or province officer sees, and only audits, the districts
below her region; nothing of another city; and the other roles keep their scope and their query count."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from people import scope
from people.models import Region, RegionLevel, Role, RoleKind
from people.permissions import grantable_kinds
from people.testing import RegionWorld, make_role_user, make_school

pytestmark = pytest.mark.django_db


@pytest.fixture
def rw():
    return RegionWorld()


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_a_city_officer_sees_the_districts_and_schools_of_her_city_only(rw):
    assert _ids(scope.districts_for(rw.city_officer)) == {rw.county_a1.pk, rw.county_a2.pk}
    assert _ids(scope.schools_for(rw.city_officer)) == {s.pk for s in rw.schools[:6]}
    assert not scope.can_view_school(rw.city_officer, rw.schools[6])
    assert scope.can_audit_school(rw.city_officer, rw.schools[0])
    assert not scope.can_audit_school(rw.city_officer, rw.schools[7])


def test_a_province_officer_sees_every_district_below_her_province_including_one_under_it_directly(rw):
    assert _ids(scope.districts_for(rw.province_officer)) == {rw.county_a1.pk, rw.county_a2.pk, rw.county_p.pk}
    assert _ids(scope.schools_for(rw.province_officer)) == {s.pk for s in rw.schools}


def test_regions_a_user_may_see_are_her_own_and_the_cities_below(rw):
    assert _ids(scope.regions_for(rw.province_officer)) == {rw.province.pk, rw.city_a.pk, rw.city_b.pk}
    assert _ids(scope.regions_for(rw.city_officer)) == {rw.city_a.pk}
    assert _ids(scope.regions_for(rw.city_b_auditor)) == {rw.city_b.pk}
    assert not scope.regions_for(rw.county_officer).exists()
    assert not scope.can_view_region(rw.city_officer, rw.province)
    assert not scope.can_view_region(rw.city_officer, rw.city_b)


def test_districts_of_a_region_are_those_below_it_and_nothing_for_a_region_she_may_not_see(rw):
    assert _ids(scope.districts_of_region(rw.province_officer, rw.city_a)) == {rw.county_a1.pk, rw.county_a2.pk}
    assert _ids(scope.districts_of_region(rw.province_officer, rw.province)) == {
        rw.county_a1.pk,
        rw.county_a2.pk,
        rw.county_p.pk,
    }
    assert not scope.districts_of_region(rw.city_officer, rw.city_b).exists()
    assert not scope.districts_of_region(rw.county_officer, rw.city_a).exists()


def test_a_region_officer_audits_but_manages_nothing_of_a_county(rw):
    for officer in (rw.province_officer, rw.city_officer):
        roles = scope.roles_of(officer)
        assert roles.is_bureau and roles.is_region_officer
        assert not roles.bureau_admin_districts
        assert not scope.changeable_schools_for(officer).exists()
        assert not scope.managed_schools_for(officer).exists()
        assert not scope.grantable_schools_for(officer).exists()
        assert grantable_kinds(officer) == []
        assert not scope.students_for(officer).filter(school__district__region__isnull=True).exists()


def test_the_county_officer_keeps_her_own_district_only(rw):
    assert _ids(scope.districts_for(rw.county_officer)) == {rw.county_a1.pk}
    assert not scope.roles_of(rw.county_officer).is_region_officer


def test_other_roles_read_their_roles_in_the_same_queries_as_before(rw):
    teacher = make_role_user(RoleKind.TEACHER, school=rw.schools[0])
    with CaptureQueriesContext(connection) as county:
        scope.roles_of(rw.county_officer)
    with CaptureQueriesContext(connection) as plain:
        scope.roles_of(teacher)
    with CaptureQueriesContext(connection) as city:
        scope.roles_of(rw.city_officer)
    assert len(county) == len(plain) == 2
    assert len(city) == 3  # the districts below her region, once


def test_a_bureau_role_belongs_to_exactly_one_district_or_region_and_no_school(rw):
    user = make_role_user(RoleKind.TEACHER, school=rw.schools[0])
    for where in (
        {"district": rw.county_a1, "region": rw.city_a},
        {},
        {"region": rw.city_a, "school": rw.schools[0]},
    ):
        with pytest.raises(ValidationError):
            Role(user=user, kind=RoleKind.BUREAU_AUDITOR, **where).clean()
    with pytest.raises(ValidationError):
        Role(user=user, kind=RoleKind.TEACHER, school=rw.schools[0], region=rw.city_a).clean()
    Role(user=user, kind=RoleKind.BUREAU_AUDITOR, region=rw.city_a).clean()


def test_the_same_region_role_twice_is_refused_by_the_database(rw):
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(user=rw.city_officer, kind=RoleKind.BUREAU_ADMIN, region=rw.city_a)


def test_a_region_has_two_levels_a_province_on_top_and_cities_under_a_province(rw):
    with pytest.raises(ValidationError):
        Region(code="X1", name="x", level=RegionLevel.PROVINCE, parent=rw.province).clean()
    with pytest.raises(ValidationError):
        Region(code="X2", name="x", level=RegionLevel.CITY, parent=rw.city_a).clean()
    with pytest.raises(ValidationError):
        Region(code="X3", name="x", level=RegionLevel.CITY).clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.create(code="X4", name="x", level=RegionLevel.CITY)


def test_a_school_outside_every_region_is_seen_by_no_region_officer(rw):
    loose = make_school()
    assert loose.district.region_id is None
    for officer in (rw.province_officer, rw.city_officer, rw.city_b_auditor):
        assert not scope.can_view_school(officer, loose)
