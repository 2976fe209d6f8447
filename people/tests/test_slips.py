"""Sign-in slips: new students only on request, and the site's address (one setting) on every slip."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from people.models import SignInToken
from people.testing import make_student

pytestmark = pytest.mark.django_db

SITE = "https://qingdun.example.edu.cn"


def slips_url(world, new=False):
    return reverse("people:class_slips", args=[world.class_a.pk]) + ("?new=1" if new else "")


@pytest.fixture
def signed_in_once(world):
    """张三 has signed in (Django's login(), as the password form does); 李四 and a newcomer never have."""
    Client().force_login(world.student.user)
    world.student.user.refresh_from_db()
    assert world.student.user.last_login is not None
    world.newcomer = make_student(world.class_a, "1003", "周八")
    return world


def test_new_students_only_lists_those_who_never_signed_in(client, signed_in_once):
    world = signed_in_once
    client.force_login(world.teacher)
    everyone = client.get(slips_url(world))
    assert {s.pk for s in everyone.context["students"]} == {world.student.pk, world.student_2.pk, world.newcomer.pk}
    assert everyone.content.decode().count('class="slip"') == 3
    new = client.get(slips_url(world, new=True))
    assert {s.pk for s in new.context["students"]} == {world.student_2.pk, world.newcomer.pk}
    assert new.context["counts"] == {"all": 3, "new": 2}
    body = new.content.decode()
    assert body.count('class="slip"') == 2 and "张三" not in body.split("data-slip-filter")[1]


def test_codes_for_new_students_only_go_to_them(client, signed_in_once):
    world = signed_in_once
    client.force_login(world.teacher)
    response = client.post(reverse("people:class_slips", args=[world.class_a.pk]), {"new": "1"})
    assert {s.pk for s in response.context["students"]} == {world.student_2.pk, world.newcomer.pk}
    live = SignInToken.objects.filter(revoked_at__isnull=True)
    assert set(live.values_list("student_id", flat=True)) == {world.student_2.pk, world.newcomer.pk}
    # The form on that page keeps asking for new students only.
    assert 'name="new" value="1"' in client.get(slips_url(world, new=True)).content.decode()


def test_a_student_who_signed_in_with_her_code_is_no_longer_new(client, world):
    client.force_login(world.teacher)
    link = next(
        s.sign_in_link
        for s in client.post(reverse("people:class_slips", args=[world.class_a.pk])).context["students"]
        if s.pk == world.student.pk
    )
    assert Client().post(link.removeprefix("http://testserver")).status_code == 302
    new = client.get(slips_url(world, new=True))
    assert {s.pk for s in new.context["students"]} == {world.student_2.pk}


@override_settings(WAGTAILADMIN_BASE_URL=SITE + "/")
def test_every_slip_prints_the_sites_address_not_the_requests_host(client, world):
    client.force_login(world.teacher)
    body = client.get(slips_url(world)).content.decode()
    assert body.count(f"<dd data-site-address>{SITE}/signin/</dd>") == 2
    assert "testserver" not in body
    with_codes = client.post(reverse("people:class_slips", args=[world.class_a.pk]))
    assert all(s.sign_in_link.startswith(f"{SITE}/signin/slip/") for s in with_codes.context["students"])
    one = client.post(reverse("people:student_slip", args=[world.student.pk]))
    assert one.content.decode().count(f"{SITE}/signin/") >= 1
    client.force_login(world.school_admin)
    teachers = client.get(reverse("people:teacher_slips", args=[world.school.code])).content.decode()
    assert teachers.count(f"<dd data-site-address>{SITE}/signin/</dd>") == teachers.count('class="slip"') >= 1


def test_new_students_slips_are_refused_outside_the_class(client, world):
    for user in (world.other_teacher, world.teacher_b, world.other_school_admin, world.student.user):
        client.force_login(user)
        for response in (client.get(slips_url(world, new=True)), client.post(slips_url(world), {"new": "1"})):
            assert response.status_code in (403, 404)
            assert "李四" not in response.content.decode()
    assert not SignInToken.objects.exists()
