"""Every URL the project defines × every role: the expected refusal, and no other school's data when allowed.

The URL list comes from the resolver (tests/security/urls.py). A URL name missing from ACCESS fails
`test_every_url_is_declared`, so a new view cannot escape this suite. Objects named in URLs are those of the
estate (tests/security/conftest.py): "own" records belong to 青山一中 class 初二1班 (the student 张三, the
teacher teacher_a, the school admin of 青山一中); "far" records are the same kinds in 绿水一中 of the other
district, and are tried on every view that takes an ID (IDOR).
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from .conftest import FORBIDDEN_NAMES, ROLES, client_for, data_fingerprint
from .urls import all_routes

SIGN_IN = "/signin/"


@dataclass(frozen=True)
class Access:
    """Who may use one URL. Roles are named as in conftest.ROLES; "*" is every signed-in role.

    get:    roles that may GET it (None: the view answers POST only, so every GET is refused or 405);
    post:   roles that may POST to it (None: the view changes nothing, so it is not posted to);
    args:   the URL's keyword arguments built from one side of the estate (own or far);
    public: anonymous visitors may GET it too.
    """

    get: str | None = ""
    post: str | None = None
    args: Callable | None = None
    public: bool = False

    def allows(self, method: str, role: str) -> bool:
        roles = self.get if method == "get" else self.post
        if roles is None:
            return False
        if role == "anonymous":
            return method == "get" and self.public
        return roles == "*" or role in roles.split()


TEACHING = "teacher school_admin"


def _flag(side):
    """A shared-network flag on the side's quiz attempt, raised when a URL names it (idempotent per attempt)."""
    from classroom.integrity.flags import raise_flag
    from classroom.models import FlagRule
    from core.clientid import network_key

    return raise_flag(
        side.attempt,
        FlagRule.SHARED_NETWORK,
        school=side.school,
        school_class=side.school_class,
        student=side.student,
        group=network_key("10.0.0.1"),
    )


def _region():
    from people.testing import make_region

    return make_region()


def _flag_args(side):
    return {"pk": _flag(side).pk}


def _api_key_args(side):
    """A key of the side's school (made when a URL names it)."""
    from people import api_tokens

    return {"pk": api_tokens.issue(side.school, name="授权测试")[0].pk}


def _notification_args(side):
    """A notification in the side's student's inbox: only he may mark it read (idempotent per side)."""
    from people.notifications import notify

    notify([side.student_user], "test", "提醒", "", "/", f"authz:{side.student.pk}")
    # By its kind: the side's inbox also holds the 告家长书 message its class was sent (classroom.letters).
    return {"pk": side.student_user.notifications.get(kind="test").pk}


ACCESS: dict[str, Access] = {
    # --- core ---
    "healthz": Access(get="*", public=True),
    "core:home": Access(get="*", public=True),
    # --- people ---
    "people:login": Access(get="*", public=True),
    # A scanned slip's QR code: anyone may open the confirm page; only the POST signs in (people/tests).
    "people:slip_sign_in": Access(get="*", public=True, args=lambda s: {"code": "x" * 32}),
    "people:logout": Access(get=None),
    "people:password_change": Access(get="*"),
    # The second sign-in step; with two-factor off (tests), the code page simply lets a signed-in user through.
    "people:otp_verify": Access(get="*"),
    "people:otp_setup": Access(get="school_admin far_auditor editor"),
    # Bureau admins only; the far auditor is an auditor.
    "people:audit_log": Access(get=""),
    # API keys: bureau admins their district's, school admins their school's; auditors and teachers none.
    "people:api_keys": Access(get="school_admin", post="school_admin"),
    "people:api_key_revoke": Access(get=None, post="school_admin", args=_api_key_args),
    "people:inbox": Access(get="*"),
    "people:inbox_read_all": Access(get=None, post="*"),
    "people:notification_read": Access(get=None, post="student", args=_notification_args),
    "people:school_list": Access(get="school_admin"),
    "people:school_home": Access(get="school_admin", args=lambda s: {"code": s.school.code}),
    "people:roster_upload": Access(get="school_admin", post="school_admin", args=lambda s: {"code": s.school.code}),
    "people:roster_preview": Access(
        get="school_admin", post="school_admin", args=lambda s: {"code": s.school.code, "pk": s.roster_upload.pk}
    ),
    "people:promote": Access(get="school_admin", post="school_admin", args=lambda s: {"code": s.school.code}),
    "people:promote_undo": Access(get=None, post="school_admin", args=lambda s: {"code": s.school.code}),
    "people:staff_accounts": Access(get="school_admin"),
    "people:teacher_list": Access(get="school_admin", args=lambda s: {"code": s.school.code}),
    "people:teacher_upload": Access(get="school_admin", post="school_admin", args=lambda s: {"code": s.school.code}),
    "people:teacher_preview": Access(
        get="school_admin", post="school_admin", args=lambda s: {"code": s.school.code, "pk": s.teacher_upload.pk}
    ),
    "people:teacher_slips": Access(get="school_admin", args=lambda s: {"code": s.school.code}),
    "people:teacher_classes": Access(
        get="school_admin", post="school_admin", args=lambda s: {"code": s.school.code, "user_id": s.teacher.pk}
    ),
    "people:reset_password": Access(get=None, post=TEACHING, args=lambda s: {"user_id": s.student_user.pk}),
    "people:class_list": Access(get=TEACHING),
    "people:class_detail": Access(get=TEACHING, args=lambda s: {"pk": s.school_class.pk}),
    "people:class_slips": Access(get=TEACHING, post=TEACHING, args=lambda s: {"pk": s.school_class.pk}),
    "people:class_codes_revoke": Access(get=None, post=TEACHING, args=lambda s: {"pk": s.school_class.pk}),
    "people:student_slip": Access(get=None, post=TEACHING, args=lambda s: {"pk": s.student.pk}),
    "people:student_code_revoke": Access(get=None, post=TEACHING, args=lambda s: {"pk": s.student.pk}),
    "people:student_detail": Access(get="student " + TEACHING, args=lambda s: {"pk": s.student.pk}),
    "people:student_export": Access(get="school_admin", args=lambda s: {"pk": s.student.pk}),
    "people:student_anonymise": Access(get="school_admin", post="school_admin", args=lambda s: {"pk": s.student.pk}),
    # --- lessons (the Wagtail pages themselves are tested in lessons/tests) ---
    "lessons:home": Access(get="*", public=True),
    "lessons:search": Access(get="*", public=True),
    "lessons:teacher": Access(get="teacher editor", args=lambda s: {"pk": s.lesson.pk}),
    "lessons:lesson_json": Access(get="*", args=lambda s: {"pk": s.lesson.pk}),
    # --- quizzes ---
    "quizzes:index": Access(get="*"),
    "quizzes:detail": Access(get="student", args=lambda s: {"pk": s.quiz.pk}),
    "quizzes:start": Access(get=None, post="student", args=lambda s: {"pk": s.quiz.pk}),
    "quizzes:take": Access(get="student", args=lambda s: {"pk": s.attempt.pk}),
    "quizzes:save": Access(get=None, post="student", args=lambda s: {"pk": s.attempt.pk}),
    "quizzes:submit": Access(get=None, post="student", args=lambda s: {"pk": s.attempt.pk}),
    "quizzes:result": Access(get="student", args=lambda s: {"pk": s.attempt.pk}),
    "quizzes:preview": Access(get="teacher school_admin editor", args=lambda s: {"pk": s.quiz.pk}),
    "quizzes:results": Access(get="teacher school_admin far_auditor", args=lambda s: {"pk": s.quiz.pk}),
    "quizzes:import": Access(get="teacher editor", post="teacher editor"),
    "quizzes:export": Access(get="editor"),
    # --- classroom ---
    "classroom:my_classes": Access(get=TEACHING),
    "classroom:assign": Access(get=TEACHING, post=TEACHING),
    "classroom:assignment_change": Access(get=TEACHING, post=TEACHING, args=lambda s: {"pk": s.assignment.pk}),
    "classroom:assignment_withdraw": Access(get=None, post=TEACHING, args=lambda s: {"pk": s.assignment.pk}),
    "classroom:quiz_results": Access(get=TEACHING, args=lambda s: {"pk": s.quiz_assignment.pk}),
    "classroom:allowances": Access(get=TEACHING, post=TEACHING, args=lambda s: {"pk": s.quiz_assignment.pk}),
    "classroom:add_new_lessons": Access(get=None, post=TEACHING, args=lambda s: {"pk": s.module_assignment.pk}),
    "classroom:class_groups": Access(get=TEACHING, post=TEACHING, args=lambda s: {"pk": s.school_class.pk}),
    "classroom:group_edit": Access(get=TEACHING, post=TEACHING, args=lambda s: {"pk": s.group.pk}),
    "classroom:class_progress": Access(get=TEACHING, args=lambda s: {"pk": s.school_class.pk}),
    "classroom:class_export": Access(get=TEACHING, args=lambda s: {"pk": s.school_class.pk, "fmt": "csv"}),
    "classroom:class_hours": Access(get=TEACHING),
    "classroom:class_hour_new": Access(get=TEACHING, post=TEACHING),
    "classroom:class_hour_edit": Access(get=TEACHING, post=TEACHING, args=lambda s: {"pk": s.hour_log.pk}),
    "classroom:class_hour_delete": Access(get=None, post=TEACHING, args=lambda s: {"pk": s.hour_log.pk}),
    "classroom:class_hours_export": Access(get=TEACHING, args=lambda s: {"fmt": "csv"}),
    "classroom:class_hour_file": Access(get=TEACHING, args=lambda s: {"pk": s.hour_file.pk}),
    "classroom:class_hour_file_delete": Access(get=None, post=TEACHING, args=lambda s: {"pk": s.hour_file.pk}),
    # Bureau staff audit the activities of their own district.
    "classroom:activities": Access(get=TEACHING + " far_auditor"),
    "classroom:activity_new": Access(get=TEACHING, post=TEACHING),
    "classroom:activity": Access(get=TEACHING, post=TEACHING, args=lambda s: {"pk": s.activity.pk}),
    "classroom:activity_edit": Access(get=TEACHING, post=TEACHING, args=lambda s: {"pk": s.activity.pk}),
    "classroom:evidence_file": Access(get=TEACHING, args=lambda s: {"pk": s.evidence.pk}),
    "classroom:evidence_delete": Access(get=None, post=TEACHING, args=lambda s: {"pk": s.evidence.pk}),
    # Students hand in their own works here.
    "classroom:works": Access(get="student " + TEACHING, post="student " + TEACHING),
    "classroom:work_file": Access(get="student " + TEACHING, args=lambda s: {"pk": s.work.pk}),
    "classroom:work_delete": Access(get=None, post=TEACHING, args=lambda s: {"pk": s.work.pk}),
    # The review queue: bureau staff and school admins decide; the class's teacher may read, never decide.
    "classroom:integrity_queue": Access(get=TEACHING + " far_auditor"),
    "classroom:integrity_flag": Access(get=TEACHING, args=_flag_args),
    # Teacher training: teachers take the tests; school admins see their teachers' hours (classroom/tests).
    "classroom:training": Access(get=TEACHING),
    "classroom:training_take": Access(get="teacher", post="teacher", args=lambda s: {"pk": s.training_course.pk}),
    "classroom:integrity_decide": Access(get=None, post="school_admin", args=_flag_args),
    "classroom:integrity_group": Access(get=TEACHING, args=_flag_args),
    "classroom:integrity_group_decide": Access(get=None, post="school_admin", args=_flag_args),
    # 告家长书: the class's teachers send, print and reissue; the student shows her own parent link.
    "classroom:class_letters": Access(get=TEACHING, post=TEACHING, args=lambda s: {"pk": s.school_class.pk}),
    "classroom:letter_send": Access(get=TEACHING, args=lambda s: {"pk": s.letter_send.pk}),
    "classroom:letter_slips": Access(get=TEACHING, args=lambda s: {"pk": s.letter_send.pk}),
    "classroom:letter_withdraw": Access(get=None, post=TEACHING, args=lambda s: {"pk": s.letter_send.pk}),
    "classroom:letter_reissue": Access(
        get=None, post=TEACHING, args=lambda s: {"pk": s.letter_send.pk, "student_pk": s.student.pk}
    ),
    "classroom:my_parent_letters": Access(get="student"),
    "classroom:my_work": Access(get="student"),
    "classroom:module": Access(get="student", args=lambda s: {"pk": s.module_assignment.pk}),
    "classroom:certificate": Access(get="student"),
    "classroom:read": Access(get="*", args=lambda s: {"pk": s.lesson.pk}),
    "classroom:signal": Access(get=None, post="student", args=lambda s: {"pk": s.lesson.pk}),
    # --- plans (bureau pages: the far auditor sees her own district there, never ours) ---
    "plans:dashboard": Access(get="far_auditor"),
    "plans:my_school": Access(get="school_admin"),
    # City and province officers only (the estate has none): plans/tests/test_regions.py tries each of them.
    "plans:regions": Access(get=""),
    "plans:region": Access(get="", args=lambda s: {"pk": _region().pk}),
    # A region's plan templates: its officers only (plans/tests/test_plan_templates.py tries the others).
    "plans:region_plans": Access(get="", post="", args=lambda s: {"pk": _region().pk}),
    "plans:school": Access(get="school_admin", args=lambda s: {"pk": s.school.pk}),
    "plans:class": Access(get="school_admin", args=lambda s: {"pk": s.school_class.pk}),
    "plans:records": Access(get="school_admin", args=lambda s: {"pk": s.school_class.pk, "what": "roll"}),
    "plans:report": Access(get="far_auditor"),
    "plans:report_csv": Access(get="far_auditor"),
    "plans:export_create": Access(get=None, post="far_auditor"),
    # Exports belong to the auditor who asked for them; none of the roles here did.
    "plans:export": Access(get="", args=lambda s: {"pk": s.export.pk}),
    "plans:export_status": Access(get="", args=lambda s: {"pk": s.export.pk}),
    "plans:export_download": Access(get="", args=lambda s: {"pk": s.export.pk}),
    # 通报: the far auditor keeps her district's list; a published one is read by the schools it names.
    "plans:bulletins": Access(get="far_auditor", post="far_auditor"),
    "plans:bulletin": Access(get="school_admin", args=lambda s: {"pk": s.bulletin.pk}),
    "plans:bulletin_file": Access(get="school_admin", args=lambda s: {"pk": s.bulletin.pk, "fmt": "pdf"}),
    "plans:bulletin_publish": Access(get=None, post="", args=lambda s: {"pk": s.bulletin.pk}),
    "plans:ledger": Access(get="school_admin far_auditor"),
    "plans:ledger_item": Access(get="school_admin", args=lambda s: {"pk": s.ledger_item.pk}),
    "plans:ledger_action": Access(
        get=None, post="school_admin", args=lambda s: {"pk": s.ledger_item.pk, "action": "submit"}
    ),
    "plans:evidence_file": Access(get="school_admin", args=lambda s: {"pk": s.ledger_evidence.pk}),
    "plans:samples": Access(get="far_auditor", post="far_auditor"),
    "plans:sample": Access(get="", args=lambda s: {"pk": s.sample.pk}),
    "plans:sample_archive": Access(get="", args=lambda s: {"pk": s.sample.pk, "school_id": s.school.pk}),
    "plans:plans": Access(get="far_auditor", post=""),
    "plans:plan": Access(get="", post="", args=lambda s: {"pk": s.plan.pk}),
    "plans:plan_action": Access(get=None, post="", args=lambda s: {"pk": s.plan.pk, "action": "refresh"}),
    "plans:task_edit": Access(get="", post="", args=lambda s: {"pk": s.task.pk}),
    "plans:task_add": Access(get="", post="", args=lambda s: {"pk": s.plan.pk}),
    "plans:activity_type_add": Access(get=None, post="", args=lambda s: {"pk": s.plan.pk}),
    "plans:activity_type_remove": Access(get=None, post="", args=lambda s: {"pk": s.activity_type.pk}),
    "plans:task_action": Access(get=None, post="", args=lambda s: {"pk": s.task.pk, "action": "retire"}),
    # The open API with the site's session (keys: tests/api): lists answer every signed-in role with its own
    # scope, possibly empty; a named school or class is found only inside the caller's scope (404 outside it).
    "api:api-root": Access(get=""),
    "api:openapi-json": Access(get="*", public=True),
    "api:openapi-view": Access(get="*", public=True),
    "api:regions": Access(get="*"),
    "api:schools": Access(get="*"),
    "api:school": Access(get="school_admin", args=lambda s: {"code": s.school.code}),
    "api:school_classes": Access(get="school_admin", args=lambda s: {"code": s.school.code}),
    "api:class_students": Access(get=TEACHING, args=lambda s: {"class_id": s.school_class.pk}),
    # The curriculum: any signed-in role; teacher-only blocks only to teachers and editors (tests/api).
    "api:modules": Access(get="*"),
    "api:module_lessons": Access(get="*", args=lambda s: {"module_id": s.module.pk}),
    "api:lesson": Access(get="*", args=lambda s: {"lesson_id": s.lesson.pk}),
    # A class's work and results: whoever sees the class on the site (its teacher, the school's admin).
    "api:class_assignments": Access(get=TEACHING, args=lambda s: {"class_id": s.school_class.pk}),
    "api:class_completion": Access(get=TEACHING, args=lambda s: {"class_id": s.school_class.pk}),
    "api:class_results": Access(get=TEACHING, args=lambda s: {"class_id": s.school_class.pk}),
    "api:class_figures": Access(get=TEACHING, args=lambda s: {"class_id": s.school_class.pk}),
    # A school's: its admin and its district's bureau (the far auditor's district is the other one).
    "api:school_completion": Access(get="school_admin", args=lambda s: {"code": s.school.code}),
    "api:school_results": Access(get="school_admin", args=lambda s: {"code": s.school.code}),
    "api:school_figures": Access(get="school_admin", args=lambda s: {"code": s.school.code}),
    # A district's: its bureau only; the far auditor's rules are tried on her own district in tests/api.
    "api:district_figures": Access(get="", args=lambda s: {"code": s.district.code}),
    "api:district_plan": Access(get="", args=lambda s: {"code": s.district.code}),
    "api:district_report": Access(get="", args=lambda s: {"code": s.district.code}),
    # A city's or a province's: its officers only (the estate has none; tests/api/test_api_regions.py tries
    # them and the region keys).
    "api:region_figures": Access(get="", args=lambda s: {"code": _region().code}),
    # Ledger items of the schools the caller sees: every role gets its own, possibly empty, list.
    "api:ledger": Access(get="*"),
    # The roster feed: the school's admin (tests/api post real rows; an empty body is refused before a write).
    "api:roster_sync": Access(get=None, post="school_admin", args=lambda s: {"code": s.school.code}),
    # Class hours and activities fed in: who records them at the forms (tests/api post real ones).
    "api:record_class_hour": Access(get=None, post=TEACHING),
    "api:record_activity": Access(get=None, post=TEACHING),
}

# URLs outside this table, each for a stated reason. Everything else the resolver knows must be in ACCESS.
NOT_HERE = {
    # Wagtail's admin: its own permission system; the entry points are tested in test_admin_access.py.
    "prefix:admin/",
    # Public curriculum images, served by core.views.public_media; tested in test_uploads.py.
    "public_media",
    # A parent's 告家长书 page is opened by its bearer link, not by a role: guessing, expiry, revocation and
    # another student's link are tested in classroom/tests/test_parent_letters.py.
    "parent_letter",
    # Django's language switch (POST, no data): tested in core/tests/test_shell.py.
    "set_language",
    # Wagtail page serving, its page-privacy login and document serving: tested in lessons/tests.
    "wagtail_serve",
    "wagtailcore_login",
    "wagtailcore_authenticate_with_password",
    "wagtaildocs_serve",
    "wagtaildocs_authenticate_with_password",
}


def _covered_elsewhere(route) -> bool:
    return route.name in NOT_HERE or any(
        route.route.startswith(item.removeprefix("prefix:")) for item in NOT_HERE if item.startswith("prefix:")
    )


def test_every_url_is_declared():
    routes = [route for route in all_routes() if not _covered_elsewhere(route)]
    missing = sorted({f"{route.name or '(unnamed)'}  {route.route}" for route in routes if route.name not in ACCESS})
    assert not missing, "URLs without an access rule in tests/security/test_authorization.py:\n" + "\n".join(missing)
    known = {route.name for route in all_routes()}
    assert not set(ACCESS) - known, f"rules for URLs that no longer exist: {sorted(set(ACCESS) - known)}"


def _url(name: str, side) -> str:
    rule = ACCESS[name]
    return reverse(name, kwargs=rule.args(side) if rule.args else None)


def _body(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    kind = response.get("Content-Type", "")
    if not any(text in kind for text in ("text/", "json", "csv")):
        return ""
    return content.decode("utf-8", "replace")


def _is_sign_in_redirect(response) -> bool:
    if response.status_code != 302:
        return False
    return urlsplit(response["Location"]).path in (SIGN_IN, "/en" + SIGN_IN)


def assert_allowed(response, role: str, what: str):
    assert response.status_code < 400, f"{what}: expected to be allowed, got {response.status_code}"
    assert not _is_sign_in_redirect(response), f"{what}: sent to sign in"
    body = _body(response)
    leaked = [name for name in FORBIDDEN_NAMES[role] if name in body]
    assert not leaked, f"{what}: shows {leaked}, outside the {role}'s scope"


def assert_refused(response, role: str, what: str):
    if role == "anonymous":
        ok = _is_sign_in_redirect(response) or response.status_code in (401, 403, 404, 405)
    else:
        ok = response.status_code in (403, 404, 405)
    assert ok, f"{what}: expected a refusal for {role}, got {response.status_code} {response.get('Location', '')}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(ACCESS))
def test_get(fresh, name, role):
    url = _url(name, fresh.own)
    response = client_for(fresh, role).get(url)
    what = f"GET {url} ({name}) as {role}"
    if ACCESS[name].allows("get", role):
        assert_allowed(response, role, what)
    else:
        assert_refused(response, role, what)


POSTED = sorted(name for name, rule in ACCESS.items() if rule.post is not None)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", POSTED)
def test_post_is_refused_before_any_change(fresh, name, role):
    if ACCESS[name].allows("post", role):
        pytest.skip("allowed: the app's own tests post real data")
    url = _url(name, fresh.own)
    client = client_for(fresh, role)
    before = data_fingerprint()
    response = client.post(url, {})
    assert_refused(response, role, f"POST {url} ({name}) as {role}")
    assert data_fingerprint() == before, f"POST {url} as {role} was refused but changed data"


IDOR_ROLES = ("student", "teacher", "school_admin")
WITH_IDS = sorted(name for name, rule in ACCESS.items() if rule.args is not None)


@pytest.mark.parametrize("role", IDOR_ROLES)
@pytest.mark.parametrize("name", WITH_IDS)
def test_ids_of_another_district_are_refused(fresh, name, role):
    rule = ACCESS[name]
    if rule.args(fresh.own) == rule.args(fresh.far):
        pytest.skip("names curriculum, not a school's record")
    url = _url(name, fresh.far)
    client = client_for(fresh, role)
    if rule.get is not None:
        assert_refused(client.get(url), role, f"GET {url} ({name}, far record) as {role}")
    if rule.post is not None:
        before = data_fingerprint()
        assert_refused(client.post(url, {}), role, f"POST {url} ({name}, far record) as {role}")
        assert data_fingerprint() == before, f"POST {url} (far record) as {role} changed data"
