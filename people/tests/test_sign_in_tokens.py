"""Signing in by the QR code on a sign-in slip: issue by printing, one sign-in per confirmed POST, and every
way a code must fail (guessed, expired, revoked, replaced, a staff account's, a student's who left), with the
audit trail and who may print or revoke."""

import datetime
import secrets
import zoneinfo

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from core import ratelimit
from core.models import AuditEvent
from people import passwords, slip_codes
from people.models import Role, RoleKind, SignInToken
from people.testing import make_role_user
from people.views.slip_sign_in import MODEL_BACKEND, SLIP_SIGN_IN_LIMIT

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _Request(user):
    """A real request of this user, for issuing codes without a view (the audit trail reads its device)."""
    request = RequestFactory().post("/")
    request.user = user
    return request


def _issue(world, students, *, now=None):
    codes, _expires = slip_codes.issue(students, request=_Request(world.teacher), target="test", now=now)
    return codes


def _url(code: str) -> str:
    return reverse("people:slip_sign_in", args=[code])


def _signed_in_user_id(client):
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


def _print(client, school_class):
    return client.post(reverse("people:class_slips", args=[school_class.pk]))


# --- printing issues the codes -------------------------------------------------------------------------------


def test_printing_puts_a_working_qr_code_and_the_site_address_on_each_slip(client, world):
    password = passwords.issue(world.student.user)
    client.force_login(world.teacher)
    response = _print(client, world.class_a)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    students = response.context["students"]
    assert {s.pk for s in students} == {world.student.pk, world.student_2.pk}
    assert body.count("data-sign-in-qr") == 2
    assert body.count("<svg ") == 2
    # The slip still shows the password, and the site's address in text.
    assert password in body
    assert "http://testserver/signin/" in body
    tokens = SignInToken.objects.filter(student__in=[world.student, world.student_2], revoked_at__isnull=True)
    assert tokens.count() == 2
    link = next(s.sign_in_link for s in students if s.pk == world.student.pk)
    assert link.startswith("http://testserver/signin/slip/")
    code = link.rstrip("/").rsplit("/", 1)[1]
    assert len(code) >= 32  # 24 random bytes in URL-safe base64
    # Stored hashed: the code itself is nowhere in the table.
    assert not SignInToken.objects.filter(digest=code).exists()
    assert tokens.filter(digest=slip_codes.digest_of(code), student=world.student).exists()

    scanner = Client()
    assert scanner.post(link.removeprefix("http://testserver")).status_code == 302
    assert _signed_in_user_id(scanner) == world.student.user.pk


def test_the_plain_slip_page_issues_no_code(client, world):
    client.force_login(world.teacher)
    response = client.get(reverse("people:class_slips", args=[world.class_a.pk]))
    assert response.status_code == 200
    assert "data-sign-in-qr" not in response.content.decode()
    assert not SignInToken.objects.exists()


def test_reprinting_revokes_the_codes_printed_before(client, world):
    client.force_login(world.teacher)
    first = {s.pk: s.sign_in_link for s in _print(client, world.class_a).context["students"]}
    second = {s.pk: s.sign_in_link for s in _print(client, world.class_a).context["students"]}
    assert first[world.student.pk] != second[world.student.pk]
    assert SignInToken.objects.filter(student=world.student).count() == 2
    assert SignInToken.objects.filter(student=world.student, revoked_at__isnull=True).count() == 1

    old = Client().post(first[world.student.pk].removeprefix("http://testserver"))
    assert old.status_code == 403
    assert "已作废" in old.content.decode()
    new = Client()
    assert new.post(second[world.student.pk].removeprefix("http://testserver")).status_code == 302
    issued = AuditEvent.objects.filter(action="people.sign_in_codes_issued").order_by("pk")
    assert [e.details["replaced"] for e in issued] == [0, 2]


def test_a_lost_slip_is_reprinted_for_one_student(client, world):
    old = _issue(world, [world.student])[world.student.pk]
    client.force_login(world.teacher)
    response = client.post(reverse("people:student_slip", args=[world.student.pk]))
    assert response.status_code == 200
    assert [s.pk for s in response.context["students"]] == [world.student.pk]
    assert slip_codes.check(old)[1] == slip_codes.REVOKED
    assert SignInToken.objects.filter(student=world.student_2).count() == 0


def test_codes_expire_with_the_term_or_after_the_configured_days(world):
    october = datetime.datetime(2026, 10, 10, 9, 0, tzinfo=SHANGHAI)
    code = _issue(world, [world.student], now=october)[world.student.pk]
    token = SignInToken.objects.get(student=world.student)
    # Term 1 of 2026–2027 ends on 31 January: the code works through that day, Shanghai time.
    assert token.expires_at == datetime.datetime(2027, 2, 1, 0, 0, tzinfo=SHANGHAI)
    assert slip_codes.check(code, now=datetime.datetime(2027, 1, 31, 23, 59, tzinfo=SHANGHAI)) == (token, "")
    assert slip_codes.check(code, now=datetime.datetime(2027, 2, 1, 0, 0, tzinfo=SHANGHAI))[1] == slip_codes.EXPIRED

    with override_settings(QINGDUN_SIGN_IN_CODE_DAYS=7):
        code = _issue(world, [world.student], now=october)[world.student.pk]
    assert slip_codes.check(code, now=october + datetime.timedelta(days=6, hours=23))[1] == ""
    assert slip_codes.check(code, now=october + datetime.timedelta(days=7))[1] == slip_codes.EXPIRED


def test_an_expired_code_is_refused_with_a_clear_message(world):
    code = _issue(world, [world.student], now=datetime.datetime(2020, 10, 1, tzinfo=SHANGHAI))[world.student.pk]
    client = Client()
    response = client.post(_url(code))
    assert response.status_code == 403
    assert "此登录码已过期" in response.content.decode()
    assert _signed_in_user_id(client) is None
    refused = AuditEvent.objects.get(action="people.sign_in_code_refused")
    assert refused.details["reason"] == slip_codes.EXPIRED
    assert refused.target == world.student.user.username


# --- signing in ------------------------------------------------------------------------------------------------


def test_a_get_never_signs_in_nor_looks_the_code_up(world):
    code = _issue(world, [world.student])[world.student.pk]
    client = Client()
    for _ in range(3):
        response = client.get(_url(code))
        assert response.status_code == 200
        assert world.student.user.full_name not in response.content.decode()
    assert _signed_in_user_id(client) is None
    assert SignInToken.objects.get(student=world.student).last_used_at is None
    assert not AuditEvent.objects.filter(action__in=["signin", "people.sign_in_code_used"]).exists()


def test_each_post_signs_the_student_in_once_and_sends_her_home(world):
    code = _issue(world, [world.student])[world.student.pk]
    first = Client()
    response = first.post(_url(code))
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert _signed_in_user_id(first) == world.student.user.pk
    assert first.session["_auth_user_backend"] == MODEL_BACKEND
    assert first.get(reverse("core:home")).context["user"] == world.student.user
    assert AuditEvent.objects.filter(action="people.sign_in_code_used").count() == 1
    assert AuditEvent.objects.filter(action="signin", target=world.student.user.username).count() == 1

    # The slip is hers for the term: the next lesson's sign-in works too, and is one more use.
    second = Client()
    assert second.post(_url(code)).status_code == 302
    used = AuditEvent.objects.filter(action="people.sign_in_code_used")
    assert used.count() == 2
    assert {e.actor_id for e in used} == {world.student.user.pk}
    assert SignInToken.objects.get(student=world.student).last_used_at is not None


def test_a_code_replaces_whoever_was_signed_in_on_that_computer(world):
    code = _issue(world, [world.student_2])[world.student_2.pk]
    client = Client()
    client.force_login(world.student.user)
    assert client.post(_url(code)).status_code == 302
    assert _signed_in_user_id(client) == world.student_2.user.pk


@pytest.fixture
def still_clock(monkeypatch):
    monkeypatch.setattr(ratelimit, "clock", lambda: 1_900_000_000.0)


def test_guessed_codes_fail_and_are_rate_limited(world, still_clock):
    real = _issue(world, [world.student])[world.student.pk]
    client = Client()
    for _ in range(SLIP_SIGN_IN_LIMIT):
        response = client.post(_url(secrets.token_urlsafe(24)))
        assert response.status_code == 403
        assert "此登录码无效" in response.content.decode()
    refused = client.post(_url(real))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert _signed_in_user_id(client) is None
    # Guesses are not audit rows (only codes we issued are); the limit does the work.
    assert not AuditEvent.objects.filter(
        action__in=["people.sign_in_code_used", "people.sign_in_code_refused"]
    ).exists()


def test_an_overlong_code_is_not_looked_up(world):
    response = Client().post(_url("a" * 500))
    assert response.status_code == 403


def test_a_revoked_code_is_refused(client, world):
    codes = _issue(world, [world.student, world.student_2])
    client.force_login(world.teacher)
    response = client.post(reverse("people:student_code_revoke", args=[world.student.pk]))
    assert response.status_code == 302
    refused = Client().post(_url(codes[world.student.pk]))
    assert refused.status_code == 403
    assert "已作废" in refused.content.decode()
    assert Client().post(_url(codes[world.student_2.pk])).status_code == 302  # only hers was revoked
    revoked = AuditEvent.objects.get(action="people.sign_in_codes_revoked")
    assert revoked.details["students"] == [world.student.pk] and revoked.details["revoked"] == 1
    assert set(revoked.details) == {"students", "revoked", "device", "network"}  # where it was done from
    assert revoked.actor == world.teacher


def test_a_class_revoke_voids_every_slip_of_the_class(client, world):
    codes = _issue(world, [world.student, world.student_2, world.student_b])
    client.force_login(world.school_admin)
    response = client.post(reverse("people:class_codes_revoke", args=[world.class_a.pk]))
    assert response.status_code == 302
    assert slip_codes.check(codes[world.student.pk])[1] == slip_codes.REVOKED
    assert slip_codes.check(codes[world.student_2.pk])[1] == slip_codes.REVOKED
    assert slip_codes.check(codes[world.student_b.pk])[1] == ""  # another class


def test_a_staff_account_never_signs_in_by_code(world):
    # No code is issued to an account holding a role...
    staff_student = world.student_2
    Role.objects.create(user=staff_student.user, kind=RoleKind.TEACHER, school=world.school)
    assert _issue(world, [staff_student]) == {}
    # ...and one issued before the role was granted stops working.
    Role.objects.filter(user=staff_student.user).delete()
    code = _issue(world, [staff_student])[staff_student.pk]
    Role.objects.create(user=staff_student.user, kind=RoleKind.SCHOOL_ADMIN, school=world.school)
    client = Client()
    response = client.post(_url(code))
    assert response.status_code == 403
    assert "登录码仅供学生使用" in response.content.decode()
    assert _signed_in_user_id(client) is None

    code = _issue(world, [world.student])[world.student.pk]
    world.student.user.is_staff = True
    world.student.user.save()
    assert Client().post(_url(code)).status_code == 403
    reasons = AuditEvent.objects.filter(action="people.sign_in_code_refused").values_list("details__reason", flat=True)
    assert list(reasons) == [slip_codes.NOT_A_STUDENT, slip_codes.NOT_A_STUDENT]


def test_a_role_holder_without_a_student_record_gets_no_code(world):
    admin = make_role_user(RoleKind.SCHOOL_ADMIN, school=world.school)
    assert not admin.roles.filter(kind=RoleKind.TEACHER).exists()
    assert slip_codes.eligible(world.school.students.all()).filter(user=admin).count() == 0


@pytest.mark.parametrize("field", ["left_on", "graduated_on"])
def test_a_student_who_left_cannot_sign_in_by_code(world, field):
    code = _issue(world, [world.student])[world.student.pk]
    setattr(world.student, field, datetime.date(2026, 11, 1))
    world.student.save()
    client = Client()
    response = client.post(_url(code))
    assert response.status_code == 403
    assert "此账号已不能登录" in response.content.decode()
    assert _signed_in_user_id(client) is None
    assert AuditEvent.objects.get(action="people.sign_in_code_refused").details["reason"] == slip_codes.LEFT


def test_a_deactivated_account_cannot_sign_in_by_code(world):
    code = _issue(world, [world.student])[world.student.pk]
    world.student.user.is_active = False
    world.student.user.save()
    assert Client().post(_url(code)).status_code == 403


def test_issue_revoke_and_use_are_audited(client, world):
    client.force_login(world.teacher)
    link = next(s.sign_in_link for s in _print(client, world.class_a).context["students"] if s.pk == world.student.pk)
    Client().post(link.removeprefix("http://testserver"))
    client.post(reverse("people:class_codes_revoke", args=[world.class_a.pk]))
    Client().post(link.removeprefix("http://testserver"))

    issued = AuditEvent.objects.get(action="people.sign_in_codes_issued")
    assert issued.actor == world.teacher
    assert issued.district_id == world.district.pk
    assert issued.details["students"] == sorted([world.student.pk, world.student_2.pk])
    used = AuditEvent.objects.get(action="people.sign_in_code_used")
    assert (used.actor, used.target, used.district_id) == (
        world.student.user,
        world.student.user.username,
        world.district.pk,
    )
    revoked = AuditEvent.objects.get(action="people.sign_in_codes_revoked")
    assert revoked.details["revoked"] == 2
    refused = AuditEvent.objects.get(action="people.sign_in_code_refused")
    assert refused.details["reason"] == slip_codes.REVOKED
    assert AuditEvent.objects.filter(action="people.slips_printed", details__with_codes=True).count() == 1


# --- who may print and revoke ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["other_school_admin", "teacher_b", "other_teacher", "student", "auditor"])
def test_only_the_class_teachers_and_school_admins_print_or_revoke(world, who):
    codes = _issue(world, [world.student])
    actor = world.student.user if who == "student" else getattr(world, who)
    client = Client()
    client.force_login(actor)
    before = list(SignInToken.objects.values_list("pk", "revoked_at"))
    for name, pk in (
        ("people:class_slips", world.class_a.pk),
        ("people:class_codes_revoke", world.class_a.pk),
        ("people:student_slip", world.student.pk),
        ("people:student_code_revoke", world.student.pk),
    ):
        response = client.post(reverse(name, args=[pk]))
        assert response.status_code in (403, 404), f"{name} as {who}: {response.status_code}"
    assert list(SignInToken.objects.values_list("pk", "revoked_at")) == before
    assert slip_codes.check(codes[world.student.pk])[1] == ""
    assert (
        not AuditEvent.objects.filter(action__startswith="people.sign_in_codes").exclude(actor=world.teacher).exists()
    )


@pytest.mark.parametrize("who", ["teacher", "grade_leader", "school_admin"])
def test_the_class_teacher_grade_leader_and_school_admin_may(world, who):
    client = Client()
    client.force_login(getattr(world, who))
    assert client.post(reverse("people:student_slip", args=[world.student.pk])).status_code == 200
    assert client.post(reverse("people:student_code_revoke", args=[world.student.pk])).status_code == 302
    assert client.post(reverse("people:class_slips", args=[world.class_a.pk])).status_code == 200
    assert client.post(reverse("people:class_codes_revoke", args=[world.class_a.pk])).status_code == 302


def test_the_student_page_offers_the_slip_buttons_only_to_those_who_may(world):
    url = reverse("people:student_detail", args=[world.student.pk])
    allowed = Client()
    allowed.force_login(world.teacher)
    assert reverse("people:student_slip", args=[world.student.pk]) in allowed.get(url).content.decode()
    bureau = Client()
    bureau.force_login(world.bureau_admin)
    page = bureau.get(url)
    assert page.status_code == 200
    assert reverse("people:student_slip", args=[world.student.pk]) not in page.content.decode()
