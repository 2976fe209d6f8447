import json

import pytest
from django.test import override_settings
from django.urls import reverse

from core.models import AuditEvent
from people import passwords
from people.models import Enrollment, InitialPassword, Student

pytestmark = pytest.mark.django_db

PBKDF2 = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def test_reset_shows_password_once_and_slip_keeps_it_until_the_student_changes_it(client, world):
    client.force_login(world.teacher)
    response = client.post(reverse("people:reset_password", args=[world.student.user.pk]))
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    issued = InitialPassword.objects.get(user=world.student.user).password
    assert issued in response.content.decode()
    assert AuditEvent.objects.filter(action="people.password_reset", target=world.student.user.username).exists()
    slips = client.get(reverse("people:class_slips", args=[world.class_a.pk])).content.decode()
    assert issued in slips

    student_client = client.__class__()
    login = student_client.post(reverse("people:login"), {"username": world.student.user.username, "password": issued})
    assert login.status_code == 302
    assert student_client.get("/").url == reverse("people:password_change")  # school asks for a change
    student_client.post(
        reverse("people:password_change"),
        {"old_password": issued, "new_password1": "a long own password 42", "new_password2": "a long own password 42"},
    )
    assert not InitialPassword.objects.filter(user=world.student.user).exists()
    slips = client.get(reverse("people:class_slips", args=[world.class_a.pk])).content.decode()
    assert issued not in slips


@override_settings(PASSWORD_HASHERS=PBKDF2)
def test_quick_hash_is_upgraded_at_sign_in_and_the_slip_survives(client, world):
    issued = passwords.issue(world.student.user)
    world.student.user.refresh_from_db()
    assert "$1000$" in world.student.user.password
    world.school.require_password_change = False
    world.school.save()
    assert (
        client.post(reverse("people:login"), {"username": world.student.user.username, "password": issued}).status_code
        == 302
    )
    world.student.user.refresh_from_db()
    assert "$1000$" not in world.student.user.password  # re-hashed at full strength
    assert InitialPassword.objects.filter(user=world.student.user, password=issued).exists()


def test_export_holds_the_students_data_and_nobody_elses(client, world):
    client.force_login(world.school_admin)
    response = client.get(reverse("people:student_export", args=[world.student.pk]))
    data = json.loads(response.content)
    assert data["student"]["name"] == "张三" and data["student"]["student_number"] == "1001"
    assert data["classes"][0]["class"] == world.class_a.name
    assert "李四" not in response.content.decode()
    assert AuditEvent.objects.filter(action="people.student_export").count() == 1


def test_anonymise_removes_identity_and_keeps_counts(client, world):
    before = Enrollment.objects.filter(school_class=world.class_a).count()
    client.force_login(world.school_admin)
    response = client.post(reverse("people:student_anonymise", args=[world.student.pk]))
    assert response.status_code == 302
    student = Student.objects.select_related("user").get(pk=world.student.pk)
    assert student.anonymised_at and student.left_on
    assert "1001" not in student.student_number and student.user.full_name == ""
    assert not student.user.is_active and not student.user.has_usable_password()
    assert Enrollment.objects.filter(school_class=world.class_a).count() == before
    assert AuditEvent.objects.filter(action="people.student_anonymised").exists()
