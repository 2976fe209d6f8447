"""Member units and social organisations: an officer sees her organisation only, the district's bureau sees all
of its organisations, and a role's shape is held by the database as well as by clean()."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from people import scope
from people.models import Organisation, OrganisationKind, Role, RoleKind
from people.testing import make_role_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs(world):
    world.police = Organisation.objects.create(
        district=world.district, kind=OrganisationKind.MEMBER_UNIT, name="区公安分局"
    )
    world.league = Organisation.objects.create(
        district=world.district, kind=OrganisationKind.MEMBER_UNIT, name="团区委"
    )
    world.far_org = Organisation.objects.create(
        district=world.other_district, kind=OrganisationKind.SOCIAL, name="绿水禁毒志愿者协会"
    )
    world.officer = make_role_user(RoleKind.ORGANISATION_OFFICER, username="police_officer")
    Role.objects.filter(user=world.officer).update(organisation=world.police)
    scope.forget_roles(world.officer)
    return world


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_an_officer_sees_her_organisation_only_and_the_bureau_all_of_its_district(orgs):
    assert _ids(scope.organisations_for(orgs.officer)) == {orgs.police.pk}
    assert scope.can_view_organisation(orgs.officer, orgs.police)
    assert not scope.can_view_organisation(orgs.officer, orgs.league)
    assert _ids(scope.organisations_for(orgs.auditor)) == {orgs.police.pk, orgs.league.pk}
    assert _ids(scope.organisations_for(orgs.far_auditor)) == {orgs.far_org.pk}
    for outsider in (orgs.school_admin, orgs.teacher, orgs.student.user, orgs.editor):
        assert not scope.organisations_for(outsider).exists()
        assert not scope.can_view_organisation(outsider, orgs.police)


def test_only_the_officer_acts_for_her_organisation_and_only_its_bureau_audits_it(orgs):
    assert scope.can_act_for_organisation(orgs.officer, orgs.police)
    assert not scope.can_act_for_organisation(orgs.officer, orgs.league)
    assert not scope.can_act_for_organisation(orgs.bureau_admin, orgs.police)
    assert not scope.can_audit_organisation(orgs.officer, orgs.police)
    assert scope.can_audit_organisation(orgs.auditor, orgs.police)
    assert not scope.can_audit_organisation(orgs.far_auditor, orgs.police)
    assert not scope.can_audit_organisation(orgs.school_admin, orgs.police)


def test_only_the_districts_bureau_admin_manages_its_organisations(orgs):
    assert _ids(scope.managed_organisations_for(orgs.bureau_admin)) == {orgs.police.pk, orgs.league.pk}
    assert not scope.managed_organisations_for(orgs.auditor).exists()
    assert not scope.managed_organisations_for(orgs.officer).exists()


def test_an_officer_role_carries_its_organisation_and_nothing_else(orgs):
    with pytest.raises(ValidationError):
        Role(user=orgs.officer, kind=RoleKind.ORGANISATION_OFFICER).clean()
    with pytest.raises(ValidationError):
        Role(
            user=orgs.officer, kind=RoleKind.ORGANISATION_OFFICER, organisation=orgs.league, district=orgs.district
        ).clean()
    with pytest.raises(ValidationError):
        Role(user=orgs.officer, kind=RoleKind.TEACHER, school=orgs.school, organisation=orgs.league).clean()
    with transaction.atomic(), pytest.raises(IntegrityError):
        Role.objects.create(user=orgs.officer, kind=RoleKind.ORGANISATION_OFFICER, organisation=orgs.police)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Role.objects.create(user=orgs.officer, kind=RoleKind.TEACHER, school=orgs.school, organisation=orgs.league)
    # The same officer may serve a second organisation.
    Role.objects.create(user=orgs.officer, kind=RoleKind.ORGANISATION_OFFICER, organisation=orgs.league)
    scope.forget_roles(orgs.officer)
    assert _ids(scope.organisations_for(orgs.officer)) == {orgs.police.pk, orgs.league.pk}


def test_an_officer_is_in_the_officers_group_with_no_admin_rights(orgs):
    officer = orgs.officer
    Role.objects.create(user=officer, kind=RoleKind.ORGANISATION_OFFICER, organisation=orgs.league)
    assert list(officer.groups.values_list("name", flat=True)) == ["Organisation officers"]
    assert not officer.has_perm("wagtailadmin.access_admin")


def _refused(response) -> bool:
    # 404 for objects outside her scope; Wagtail answers a missing permission with a redirect home, and a user
    # without the admin at all with the sign-in page.
    return response.status_code == 404 or (
        response.status_code == 302
        and (response["Location"] == "/admin/" or response["Location"].startswith("/signin/"))
    )


def test_the_bureau_admin_adds_and_renames_her_districts_organisations_only(client, orgs):
    from django.urls import reverse

    client.force_login(orgs.bureau_admin)
    body = client.get(reverse("people_organisations:index")).content.decode()
    assert "区公安分局" in body and "团区委" in body and "绿水禁毒志愿者协会" not in body
    response = client.post(
        reverse("people_organisations:add"),
        {"district": orgs.district.pk, "kind": OrganisationKind.MEMBER_UNIT, "name": "区司法局"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert Organisation.objects.filter(district=orgs.district, name="区司法局").exists()
    refused = client.post(
        reverse("people_organisations:add"),
        {"district": orgs.other_district.pk, "kind": OrganisationKind.SOCIAL, "name": "外区协会"},
    )
    assert refused.status_code == 200 and not Organisation.objects.filter(name="外区协会").exists()
    assert _refused(client.get(reverse("people_organisations:edit", args=[orgs.far_org.pk])))


@pytest.mark.parametrize("who", ["auditor", "far_auditor", "officer", "school_admin", "teacher"])
def test_nobody_else_changes_an_organisation(client, orgs, who):
    from django.urls import reverse

    client.force_login(getattr(orgs, who))
    url = reverse("people_organisations:edit", args=[orgs.police.pk])
    assert _refused(client.get(url))
    assert _refused(client.post(url, {"district": orgs.district.pk, "kind": "social", "name": "改名"}))
    orgs.police.refresh_from_db()
    assert orgs.police.name == "区公安分局"
    assert client.post(
        reverse("people_organisations:add"), {"district": orgs.district.pk, "kind": "social", "name": "新"}
    ).status_code in (302, 403)
    assert not Organisation.objects.filter(name="新").exists()
