"""Two-factor sign-in for staff, idle sign-out, the sign-in rate limit and its audit trail, the audit log viewer,
and the staff page's query budget."""

import time

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import AuditEvent
from people import security
from people.models import RoleKind
from people.testing import PASSWORD, make_role_user, make_teacher

pytestmark = pytest.mark.django_db


def _code(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _reset_throttle(device):
    """A wrong code starts django-otp's back-off; the next right code in the same second would be refused."""
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.last_t = -1  # a code is accepted once; the test reuses the current time step
    device.save()


def _sign_in(client, user, password=PASSWORD, **extra):
    return client.post(reverse("people:login"), {"username": user.username, "password": password}, **extra)


@override_settings(QINGDUN_2FA_REQUIRED=True)
def test_required_two_factor_setup_then_verify_with_real_codes(client, world):
    admin = world.school_admin
    response = _sign_in(client, admin)
    assert response.url.startswith(reverse("people:otp_setup"))
    # Until the second factor, the admin and the front end send the user back to set it up.
    assert client.get("/admin/").url.startswith(reverse("people:otp_setup"))
    assert client.get(reverse("people:school_list")).status_code == 302
    page = client.get(response.url)
    assert page.status_code == 200 and b"<svg" in page.content
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    assert client.post(response.url, {"code": "000000" if _code(device) != "000000" else "111111"}).status_code == 200
    _reset_throttle(device)
    assert client.post(response.url, {"code": _code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(action="people.two_factor_enabled", district_id=world.district.pk).exists()

    client.post(reverse("people:logout"))
    response = _sign_in(client, admin)
    assert response.url.startswith(reverse("people:otp_verify"))
    assert client.get("/admin/").url.startswith(reverse("people:otp_verify"))
    bad = client.post(reverse("people:otp_verify"), {"code": "12345"})
    assert bad.status_code == 200 and bad.context["form"].errors
    _reset_throttle(device)
    ok = client.post(reverse("people:otp_verify"), {"code": _code(device), "next": "/admin/"})
    assert ok.url == "/admin/"
    assert client.get("/admin/").status_code == 200


@override_settings(QINGDUN_2FA_REQUIRED=True)
def test_teachers_and_students_are_not_asked_for_a_code(client, world):
    assert _sign_in(client, world.teacher).url == reverse("core:home")
    assert client.get(reverse("people:class_list")).status_code == 200
    assert client.get(reverse("people:otp_setup")).status_code == 403


def test_not_required_but_device_set_up_means_code_is_asked(client, world):
    device = TOTPDevice.objects.create(user=world.bureau_admin, name="x", confirmed=True)
    assert _sign_in(client, world.bureau_admin).url.startswith(reverse("people:otp_verify"))
    assert client.get(reverse("people:staff_accounts")).status_code == 302
    client.post(reverse("people:otp_verify"), {"code": _code(device)})
    assert client.get(reverse("people:staff_accounts")).status_code == 200


def test_not_required_and_no_device_signs_in_directly(client, world):
    assert _sign_in(client, world.school_admin).url == reverse("core:home")
    assert client.get("/admin/").status_code == 200


@override_settings(QINGDUN_2FA_REQUIRED=True)
def test_code_attempts_are_rate_limited(client, world):
    TOTPDevice.objects.create(user=world.editor, name="x", confirmed=True)
    _sign_in(client, world.editor)
    statuses = [client.post(reverse("people:otp_verify"), {"code": "000001"}).status_code for _ in range(11)]
    assert statuses[-1] == 429 and 429 not in statuses[:10]


@override_settings(QINGDUN_STAFF_IDLE_SECONDS=1800, QINGDUN_IDLE_SECONDS=8 * 3600)
@pytest.mark.parametrize(
    ("who", "idle", "signed_out"),
    [
        ("school_admin", 1801, True),
        ("school_admin", 1700, False),
        ("teacher", 1801, False),
        ("teacher", 8 * 3600 + 1, True),
    ],
)
def test_idle_timeout(client, world, who, idle, signed_out):
    client.force_login(getattr(world, who))
    assert client.get(reverse("core:home")).status_code == 200
    session = client.session
    session[security.LAST_ACTIVITY_KEY] = int(time.time()) - idle
    session.save()
    response = client.get(reverse("people:class_list") if who == "teacher" else reverse("people:school_list"))
    if signed_out:
        assert response.status_code == 302 and response.url.startswith(reverse("people:login"))
        page = client.get(response.url)
        assert "without activity" in page.content.decode() or "未操作" in page.content.decode()
        assert not page.context["user"].is_authenticated
    else:
        assert response.status_code in (200, 302) and "_auth_user_id" in client.session


def _without_tokens(response) -> str:
    import re

    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def test_sign_in_never_reveals_whether_a_name_exists(client, world, settings):
    unknown = _sign_in(client, type("U", (), {"username": "nobody-here"})(), "wrong-password")
    wrong = _sign_in(client, world.teacher, "wrong-password")
    assert unknown.status_code == wrong.status_code == 200
    assert unknown.context["form"].errors == wrong.context["form"].errors
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked_unknown = _sign_in(client, type("U", (), {"username": "nobody-here"})(), "wrong-password")
        locked_known = _sign_in(client, world.teacher, "wrong-password")
    assert locked_unknown.status_code == locked_known.status_code
    assert _without_tokens(locked_unknown) == _without_tokens(locked_known)
    failed = AuditEvent.objects.filter(action="signin_failed")
    assert failed.filter(target=world.teacher.username, district_id=world.district.pk).exists()
    assert failed.filter(target="nobody-here", district_id=None).exists()


def test_successful_sign_in_is_audited_with_district(client, world):
    _sign_in(client, world.student.user)
    event = AuditEvent.objects.get(action="signin")
    assert event.actor == world.student.user and event.district_id == world.district.pk


def test_sign_in_rate_limit_per_address(client, world):
    from people.views.accounts import SIGN_IN_LIMIT

    for _ in range(SIGN_IN_LIMIT):
        client.post(reverse("people:login"), {"username": "", "password": ""})
    assert client.post(reverse("people:login"), {"username": "", "password": ""}).status_code == 429
    other_room = client.post(reverse("people:login"), {"username": "", "password": ""}, REMOTE_ADDR="10.0.0.9")
    assert other_room.status_code == 200


def test_audit_log_shows_only_the_admins_district(client, world):
    AuditEvent.objects.create(action="people.password_reset", target="near", district_id=world.district.pk)
    AuditEvent.objects.create(action="people.password_reset", target="far", district_id=world.other_district.pk)
    AuditEvent.objects.create(action="signin", target="near-signin", district_id=world.district.pk)
    client.force_login(world.bureau_admin)
    page = client.get(reverse("people:audit_log"))
    rows = [event.target for event in page.context["page"]]
    assert "near" in rows and "near-signin" in rows and "far" not in rows
    filtered = client.get(reverse("people:audit_log"), {"action": "signin"})
    targets = [event.target for event in filtered.context["page"]]
    assert "near-signin" in targets and {e.action for e in filtered.context["page"]} == {"signin"}
    dated = client.get(reverse("people:audit_log"), {"since": "2000-01-01", "until": "2000-01-02"})
    assert list(dated.context["page"]) == []


def test_audit_log_pages(client, world):
    AuditEvent.objects.bulk_create(
        [AuditEvent(action="x", target=str(i), district_id=world.district.pk) for i in range(120)]
    )
    client.force_login(world.bureau_admin)
    assert len(client.get(reverse("people:audit_log")).context["page"]) == 50
    # 120 rows plus the admin's own sign-in: 50 + 50 + 21.
    assert len(client.get(reverse("people:audit_log"), {"page": 3}).context["page"]) == 21


@pytest.mark.parametrize("who", ["auditor", "far_auditor", "school_admin", "teacher", "editor", "student"])
def test_audit_log_refused_to_everyone_else(client, world, who):
    user = getattr(world, who)
    client.force_login(user.user if who == "student" else user)
    assert client.get(reverse("people:audit_log")).status_code == 403


def test_audit_log_of_another_districts_admin(client, world):
    AuditEvent.objects.create(action="signin", target="near", district_id=world.district.pk)
    far_admin = make_role_user(RoleKind.BUREAU_ADMIN, district=world.other_district, username="far_admin")
    client.force_login(far_admin)
    page = client.get(reverse("people:audit_log"))
    assert page.status_code == 200 and "near" not in [e.target for e in page.context["page"]]
    client.logout()
    assert client.get(reverse("people:audit_log")).status_code == 302


@pytest.mark.parametrize("teachers", [2, 30])
def test_staff_page_has_constant_query_count(client, world, teachers, django_assert_max_num_queries):
    for index in range(teachers):
        make_teacher(world.school, [world.class_a], username=f"extra{index}")
    client.force_login(world.school_admin)
    client.get(reverse("core:home"))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("people:staff_accounts"))
    listed = {role.user.username for role in response.context["accounts"]}
    assert {"teacher_a", "teacher_b", "extra0"} <= listed and "teacher_other" not in listed
