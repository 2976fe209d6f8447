"""Every view of people × every role: allowed roles get 200, a signed-in user outside the scope 403 or 404,
anonymous visitors the sign-in page. Unlisted roles must get 404 (they may not even learn the object exists)."""

import pytest
from django.urls import reverse

from people.models import RosterUpload

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "teacher",
    "teacher_b",
    "other_teacher",
    "grade_leader",
    "school_admin",
    "other_school_admin",
    "bureau_admin",
    "auditor",
    "far_auditor",
    "editor",
    "reviewer",
    "student",
    "other_student",
]
SCHOOL_ADMIN_ONLY = {"school_admin": 200, "bureau_admin": 403, "auditor": 403}


def _upload(world):
    upload = RosterUpload.objects.create(
        school=world.school, uploaded_by=world.school_admin, filename="a.csv", sha256="", data=b""
    )
    import hashlib

    upload.sha256 = hashlib.sha256(b"").hexdigest()
    upload.save()
    return upload.pk


# (name, method, url builder, expected status by role; unlisted roles → the default)
ENDPOINTS = [
    ("school_home", "get", lambda w: reverse("people:school_home", args=[w.school.code]), SCHOOL_ADMIN_ONLY, 404),
    ("roster_upload", "get", lambda w: reverse("people:roster_upload", args=[w.school.code]), SCHOOL_ADMIN_ONLY, 404),
    ("roster_upload_post", "post", lambda w: reverse("people:roster_upload", args=[w.school.code]),
     {"school_admin": 200, "bureau_admin": 403, "auditor": 403}, 404),
    ("roster_preview", "get", lambda w: reverse("people:roster_preview", args=[w.school.code, _upload(w)]),
     SCHOOL_ADMIN_ONLY, 404),
    ("promote", "get", lambda w: reverse("people:promote", args=[w.school.code]), SCHOOL_ADMIN_ONLY, 404),
    ("promote_post", "post", lambda w: reverse("people:promote", args=[w.school.code]),
     {"school_admin": 302, "bureau_admin": 403, "auditor": 403}, 404),
    # No promotion is named, so even the school's administrator finds none to undo.
    ("promote_undo_post", "post", lambda w: reverse("people:promote_undo", args=[w.school.code]),
     {"school_admin": 404, "bureau_admin": 403, "auditor": 403}, 404),
    ("school_list", "get", lambda w: reverse("people:school_list"),
     {"school_admin": 302, "other_school_admin": 302}, 403),
    ("staff_accounts", "get", lambda w: reverse("people:staff_accounts"),
     {"school_admin": 200, "other_school_admin": 200, "bureau_admin": 200}, 403),
    ("class_list", "get", lambda w: reverse("people:class_list"),
     {"teacher": 200, "teacher_b": 200, "other_teacher": 200, "grade_leader": 200, "school_admin": 200,
      "other_school_admin": 200}, 403),
    ("class_detail", "get", lambda w: reverse("people:class_detail", args=[w.class_a.pk]),
     {"teacher": 200, "grade_leader": 200, "school_admin": 200, "bureau_admin": 200, "auditor": 200}, 404),
    ("class_slips", "get", lambda w: reverse("people:class_slips", args=[w.class_a.pk]),
     {"teacher": 200, "grade_leader": 200, "school_admin": 200, "bureau_admin": 403, "auditor": 403}, 404),
    ("student_detail", "get", lambda w: reverse("people:student_detail", args=[w.student.pk]),
     {"teacher": 200, "grade_leader": 200, "school_admin": 200, "bureau_admin": 200, "auditor": 200,
      "student": 200}, 404),
    ("student_export", "get", lambda w: reverse("people:student_export", args=[w.student.pk]),
     {"school_admin": 200, "teacher": 403, "grade_leader": 403, "bureau_admin": 403, "auditor": 403,
      "student": 403}, 404),
    ("student_anonymise", "get", lambda w: reverse("people:student_anonymise", args=[w.student.pk]),
     {"school_admin": 200, "teacher": 403, "grade_leader": 403, "bureau_admin": 403, "auditor": 403,
      "student": 403}, 404),
    ("student_anonymise_post", "post", lambda w: reverse("people:student_anonymise", args=[w.student.pk]),
     {"school_admin": 302, "teacher": 403, "grade_leader": 403, "bureau_admin": 403, "auditor": 403,
      "student": 403}, 404),
    ("reset_student", "post", lambda w: reverse("people:reset_password", args=[w.student.user.pk]),
     {"teacher": 200, "grade_leader": 200, "school_admin": 200, "bureau_admin": 403, "auditor": 403,
      "student": 403}, 404),
    ("reset_teacher", "post", lambda w: reverse("people:reset_password", args=[w.teacher.pk]),
     {"school_admin": 200}, 404),
    ("reset_school_admin", "post", lambda w: reverse("people:reset_password", args=[w.school_admin.pk]),
     {"bureau_admin": 200}, 404),
]  # fmt: skip


def _user(world, role):
    return {"student": world.student.user, "other_student": world.other_student.user}.get(role) or getattr(world, role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "url", "expected", "default"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_matrix(client, world, role, name, method, url, expected, default):
    if role != "anonymous":
        client.force_login(_user(world, role))
    response = getattr(client, method)(url(world))
    if role == "anonymous":
        assert response.status_code == 302 and "/signin/" in response["Location"]
        return
    want = expected.get(role, default)
    assert response.status_code == want, f"{role} on {name}: {response.status_code}, expected {want}"
    if want in (403, 404):
        body = response.content.decode()
        own_name = _user(world, role).full_name
        for private in {"张三", "李四", "王五", world.student.user.username} - {own_name}:
            assert private not in body


def test_school_admin_sees_only_her_school(client, world):
    client.force_login(world.school_admin)
    body = client.get(reverse("people:school_home", args=[world.school.code])).content.decode()
    assert world.class_a.name in body
    staff = client.get(reverse("people:staff_accounts")).content.decode()
    assert "teacher_a" in staff and "teacher_other" not in staff
    for pk in (world.other_class.pk, world.far_class.pk):
        assert client.get(reverse("people:class_detail", args=[pk])).status_code == 404
    assert client.get(reverse("people:student_detail", args=[world.far_student.pk])).status_code == 404


def test_bureau_admin_staff_list_is_her_districts_school_admins(client, world):
    client.force_login(world.bureau_admin)
    body = client.get(reverse("people:staff_accounts")).content.decode()
    assert "school_admin" in body and "other_admin" in body
    assert "teacher_a" not in body  # teachers are the school admin's to reset
