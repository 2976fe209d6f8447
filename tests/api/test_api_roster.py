"""Roster sync through /api/v1/ (issue #19): the file import's checks and upsert, all or nothing, idempotent."""

import json

import pytest

from core.models import AuditEvent
from people import api_tokens
from people.models import ApiAccess, ApiIdempotency, Enrollment, SchoolClass, Student

pytestmark = pytest.mark.django_db

ROSTER = {
    "students": [
        {"number": "1001", "name": "张三", "class": "1", "grade": "8"},
        {"number": "5001", "name": "新同学", "class": "初二(3)班", "gender": "女"},
        {"number": 5002, "name": "另一个", "class": 3, "grade": 8},
    ]
}


def _post(client, path, body, key=None, idempotency="sync-1", **headers):
    if key:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    if idempotency:
        headers["HTTP_IDEMPOTENCY_KEY"] = idempotency
    return client.post(
        f"/api/v1{path}",
        data=json.dumps(body, ensure_ascii=False),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **headers,
    )


@pytest.fixture
def write_key(world):
    return api_tokens.issue(world.school, name="学籍系统", access=ApiAccess.READ_WRITE)[1]


def _state(school):
    return (
        sorted(Student.objects.filter(school=school).values_list("student_number", "user__full_name", "gender")),
        sorted(
            Enrollment.objects.filter(student__school=school).values_list("student__student_number", "school_class_id")
        ),
        SchoolClass.objects.filter(school=school).count(),
    )


def test_a_sync_upserts_classes_and_students_and_the_same_request_twice_changes_nothing(client, world, write_key):
    first = _post(client, "/schools/S1/roster", ROSTER, key=write_key)
    assert first.status_code == 200, first.content
    body = first.json()
    assert (body["created"], body["classes_created"], body["unchanged"], body["replayed"]) == (2, 1, 1, False)
    new = Student.objects.get(school=world.school, student_number="5001")
    assert new.user.full_name == "新同学" and new.enrollments.get().school_class.number == 3
    after = _state(world.school)
    # The same key again: the stored answer, not a second run.
    replay = _post(client, "/schools/S1/roster", ROSTER, key=write_key)
    assert replay.json() == {**body, "replayed": True}
    # The same request under a new key runs again and finds nothing to change.
    again = _post(client, "/schools/S1/roster", ROSTER, key=write_key, idempotency="sync-2").json()
    assert (again["created"], again["classes_created"], again["unchanged"], again["replayed"]) == (0, 0, 3, False)
    assert _state(world.school) == after
    assert AuditEvent.objects.filter(action="people.roster_import", details__source__startswith="api").count() == 2


def test_a_bad_row_rejects_the_request_with_its_row_errors_and_writes_nothing(client, world, write_key):
    before = _state(world.school)
    bad = {
        "students": [
            *ROSTER["students"],
            {"number": "1001", "name": "<b>x</b>", "class": "9班", "grade": 8, "gender": "?"},
        ]
    }
    response = _post(client, "/schools/S1/roster", bad, key=write_key)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert {(d["row"], d["field"]) for d in error["details"]} == {(4, "name"), (4, "number"), (4, "gender")}
    assert any("Duplicate student number 1001" in d["message"] for d in error["details"])
    assert _state(world.school) == before
    assert not ApiIdempotency.objects.exists(), "a refused write keeps no answer: the corrected one may be sent"


def test_the_api_and_the_file_give_the_same_problems_for_the_same_rows(world):
    from people import roster
    from people.models import SchoolYear

    year = SchoolYear.current()
    records = [{"name": "", "number": "1 0.0", "class": "二十班", "grade": "高三"}]
    csv = "姓名,学号,班级,年级\n,1 0.0,二十班,高三\n".encode()
    via_api = roster.check_rows(world.school, year, enumerate(records, start=2))[1]
    via_file = roster.parse_rows(world.school, csv, year)[1]
    assert [(p.row, p.column, p.message) for p in via_api] == [(p.row, p.column, p.message) for p in via_file]
    assert len(via_api) >= 2


def test_an_idempotency_key_reused_with_another_body_is_refused(client, world, write_key):
    assert _post(client, "/schools/S1/roster", ROSTER, key=write_key).status_code == 200
    other = {"students": ROSTER["students"][:1]}
    response = _post(client, "/schools/S1/roster", other, key=write_key)
    assert response.status_code == 409 and response.json()["error"]["code"] == "idempotency_conflict"
    assert _post(client, "/schools/S1/roster", ROSTER, key=write_key, idempotency=None).status_code == 422


def test_a_read_key_or_another_schools_key_cannot_sync(client, world):
    before = _state(world.school)
    read_key = api_tokens.issue(world.school, name="只读")[1]
    refused = _post(client, "/schools/S1/roster", ROSTER, key=read_key)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    other_key = api_tokens.issue(world.other_school, name="别校", access=ApiAccess.READ_WRITE)[1]
    assert _post(client, "/schools/S1/roster", ROSTER, key=other_key).status_code == 404
    far_district = api_tokens.issue(world.other_district, name="别区", access=ApiAccess.READ_WRITE)[1]
    assert _post(client, "/schools/S1/roster", ROSTER, key=far_district).status_code == 404
    assert _state(world.school) == before
    client.force_login(world.teacher)  # a teacher reads her classes but does not feed the roster
    assert _post(client, "/schools/S1/roster", ROSTER).status_code in (403, 404)
    assert _state(world.school) == before
