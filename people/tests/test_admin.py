"""The Wagtail admin screens for people are scoped like the front end: listings show only the user's scope,
and any object outside it is a 404, whatever the URL."""

import re

import pytest
from django.urls import reverse

from core.models import AuditEvent
from people.models import Role, RoleKind

pytestmark = pytest.mark.django_db


def test_school_admin_lists_only_her_school(client, world):
    client.force_login(world.school_admin)
    body = client.get(reverse("people_students:index")).content.decode()
    assert "张三" in body and "王五" in body
    assert "赵六" not in body and "孙七" not in body
    classes = client.get(reverse("people_classes:index")).content.decode()
    assert set(re.findall(r"/admin/people_classes/edit/(\d+)/", classes)) == {
        str(world.class_a.pk),
        str(world.class_b.pk),
    }


@pytest.mark.parametrize(
    ("url_name", "obj"),
    [
        ("people_students:edit", "other_student"),
        ("people_students:edit", "far_student"),
        ("people_classes:edit", "other_class"),
        ("people_schools:edit", "other_school"),
        ("people_students:inspect", "far_student"),
    ],
)
def test_school_admin_gets_404_outside_her_school(client, world, url_name, obj):
    client.force_login(world.school_admin)
    target = getattr(world, obj)
    for response in (
        client.get(reverse(url_name, args=[target.pk])),
        client.post(reverse(url_name, args=[target.pk]), {"gender": "F"}),
    ):
        # 404 for objects outside her scope; Wagtail answers a missing model permission with a redirect home.
        assert response.status_code == 404 or (response.status_code == 302 and response["Location"] == "/admin/")


def test_school_admin_edits_her_student(client, world):
    client.force_login(world.school_admin)
    url = reverse("people_students:edit", args=[world.student.pk])
    response = client.post(url, {"gender": "F", "left_on": "", "full_name": "张三丰"})
    assert response.status_code == 302, response.content.decode()[:500]
    world.student.refresh_from_db()
    world.student.user.refresh_from_db()
    assert world.student.gender == "F" and world.student.user.full_name == "张三丰"


def test_bureau_admin_sees_district_schools_and_grants_school_admin(client, world):
    client.force_login(world.bureau_admin)
    body = client.get(reverse("people_schools:index")).content.decode()
    assert "青山一中" in body and "青山二中" in body and "绿水一中" not in body
    assert client.get(reverse("people_schools:edit", args=[world.far_school.pk])).status_code == 404
    response = client.post(
        reverse("people_roles:add"),
        {
            "kind": RoleKind.SCHOOL_ADMIN,
            "school": world.other_school.pk,
            "username": "new_admin",
            "full_name": "新主任",
        },
    )
    assert response.status_code == 302, response.content.decode()[:800]
    role = Role.objects.get(user__username="new_admin")
    assert role.school == world.other_school and role.user.initial_password.password
    assert AuditEvent.objects.filter(action="people.role_changed", target="new_admin").exists()
    refused = client.post(
        reverse("people_roles:add"),
        {"kind": RoleKind.SCHOOL_ADMIN, "school": world.far_school.pk, "username": "x_admin", "full_name": "x"},
    )
    assert refused.status_code == 200 and not Role.objects.filter(user__username="x_admin").exists()


def test_school_admin_cannot_take_over_another_schools_teacher_or_a_student(client, world):
    client.force_login(world.school_admin)
    for username in ("teacher_other", world.student.user.username):
        response = client.post(
            reverse("people_roles:add"), {"kind": RoleKind.TEACHER, "school": world.school.pk, "username": username}
        )
        assert response.status_code == 200
    assert not Role.objects.filter(user__username="teacher_other", school=world.school).exists()
    assert (
        not client.get(reverse("people_roles:edit", args=[world.other_school_admin.roles.get().pk])).status_code == 200
    )


@pytest.mark.parametrize("role", ["teacher", "editor", "auditor"])
def test_people_admin_refuses_roles_without_scope(client, world, role):
    client.force_login(getattr(world, role))
    for url_name in ("people_students:index", "people_roles:index"):
        response = client.get(reverse(url_name))
        if response.status_code == 200:  # auditors may list the students of their district, nothing else
            body = response.content.decode()
            assert "孙七" not in body
        else:
            assert response.status_code in (302, 403)
    assert client.get(reverse("people_roles:add")).status_code in (302, 403)
