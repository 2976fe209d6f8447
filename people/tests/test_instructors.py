"""The roster of 法治副校长 and outside instructors: each school admin keeps her own school's, nobody else sees it
(it holds outside people's phone numbers)."""

import pytest
from django.urls import reverse

from people.models import Instructor, InstructorKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def rosters(world):
    ours = Instructor.objects.create(
        school=world.school, kind=InstructorKind.LEGAL_VICE_PRINCIPAL, name="王法官", contact="13800000001"
    )
    theirs = Instructor.objects.create(
        school=world.other_school, kind=InstructorKind.OUTSIDE, name="李医生", contact="13900000002"
    )
    return ours, theirs


def test_school_admin_lists_and_adds_only_her_schools_instructors(client, world, rosters):
    ours, theirs = rosters
    client.force_login(world.school_admin)
    body = client.get(reverse("people_instructors:index")).content.decode()
    assert "王法官" in body and "13800000001" in body and "李医生" not in body
    data = {"school": world.school.pk, "kind": "outside", "name": "陈律师", "unit": "律所", "active": "on"}
    assert client.post(reverse("people_instructors:add"), data).status_code == 302
    assert Instructor.objects.filter(school=world.school, name="陈律师").exists()
    foreign = {**data, "school": world.other_school.pk, "name": "周警官"}
    assert client.post(reverse("people_instructors:add"), foreign).status_code == 200
    assert not Instructor.objects.filter(name="周警官").exists()


@pytest.mark.parametrize("action", ["edit", "inspect", "delete"])
def test_another_schools_instructor_is_a_404(client, world, rosters, action):
    _, theirs = rosters
    client.force_login(world.school_admin)
    url = reverse(f"people_instructors:{action}", args=[theirs.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "改"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "李医生"


@pytest.mark.parametrize("who", ["teacher", "student", "editor", "bureau_admin"])
def test_others_get_no_roster(client, world, rosters, who):
    user = getattr(world, who)
    client.force_login(getattr(user, "user", user))
    for url in (reverse("people_instructors:index"), reverse("people_instructors:add")):
        response = client.get(url)
        assert response.status_code in (302, 403, 404)
        assert "13800000001" not in response.content.decode()


def test_a_name_with_markup_is_refused(client, world):
    client.force_login(world.school_admin)
    data = {"school": world.school.pk, "kind": "outside", "name": "<b>x</b>", "active": "on"}
    assert client.post(reverse("people_instructors:add"), data).status_code == 200
    assert not Instructor.objects.exists()


def test_legal_vice_principal_rate_counts_schools_with_an_active_one(world):
    from people.instructors import legal_vice_principal_staffing
    from people.models import School

    schools = School.objects.filter(pk__in=[world.school.pk, world.other_school.pk])
    assert legal_vice_principal_staffing(schools).rate == 0
    Instructor.objects.create(school=world.school, kind=InstructorKind.LEGAL_VICE_PRINCIPAL, name="王法官")
    Instructor.objects.create(school=world.school, kind=InstructorKind.LEGAL_VICE_PRINCIPAL, name="张警官")
    # An outside instructor or a former 法治副校长 does not staff a school.
    Instructor.objects.create(school=world.other_school, kind=InstructorKind.OUTSIDE, name="李医生")
    Instructor.objects.create(
        school=world.other_school, kind=InstructorKind.LEGAL_VICE_PRINCIPAL, name="赵法官", active=False
    )
    staffing = legal_vice_principal_staffing(schools)
    assert (staffing.schools, staffing.with_legal_vice_principal, staffing.rate) == (2, 1, 0.5)
    assert legal_vice_principal_staffing(School.objects.none()).rate is None
