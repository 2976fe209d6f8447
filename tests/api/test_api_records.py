"""Class hours and activities fed through /api/v1/ (issue #19): the forms' checks, the services' integrity
checks, and only for those who may write."""

import datetime
import json

import pytest
from django.utils import timezone

from classroom.models import Activity, ClassHourLog
from people import api_tokens
from people.models import ApiAccess, ApiToken, Instructor

# ninja answers a status given as a tuple with a DeprecationWarning: a write answers with ninja.Status instead.
pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("error:Returning tuple:DeprecationWarning")]


def _post(client, path, body, key=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return client.post(f"/api/v1{path}", data=json.dumps(body, default=str), content_type="application/json", **headers)


@pytest.fixture
def keys(world):
    def make(organisation, access, owner):
        token, key = api_tokens.issue(organisation, name="外部系统", access=access)
        ApiToken.objects.filter(pk=token.pk).update(created_by=owner)
        return key

    return {
        "write": make(world.school, ApiAccess.READ_WRITE, world.school_admin),
        "read": make(world.school, ApiAccess.READ, world.school_admin),
        "other": make(world.other_school, ApiAccess.READ_WRITE, world.other_school_admin),
        "ownerless": make(world.school, ApiAccess.READ_WRITE, None),
    }


def _hour(world, **extra):
    day = timezone.localdate() - datetime.timedelta(days=1)
    return {
        "class_id": world.class_a.pk,
        "topic": "认识新型毒品",
        "taught_on": day.isoformat(),
        "class_hours": "1.0",
        "instructor_kind": "legal_vice_principal",
        "instructor_id": Instructor.objects.get_or_create(
            school=world.school, kind="legal_vice_principal", name="王警官", defaults={"unit": "青山派出所"}
        )[0].pk,
        "students_present": 2,
        "minutes": 40,
        "engagement": 4,
    } | extra


def test_a_write_key_records_a_class_hour_by_the_forms_rules(client, world, keys):
    response = _post(client, "/class-hours", _hour(world), key=keys["write"])
    assert response.status_code == 201, response.content
    log = ClassHourLog.objects.get(pk=response.json()["id"])
    assert log.recorded_by == world.school_admin and log.instructor_name == "王警官" and log.teacher is None
    assert response.json()["flagged"] is False


def test_the_forms_and_integrity_checks_refuse_what_the_form_refuses(client, world, keys):
    no_topic = _post(client, "/class-hours", _hour(world, topic=""), key=keys["write"])
    assert no_topic.status_code == 422
    assert "topic" in [d["loc"][-1] for d in no_topic.json()["error"]["details"]]
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    assert _post(client, "/class-hours", _hour(world, taught_on=future), key=keys["write"]).status_code == 422
    crowd = _post(client, "/class-hours", _hour(world, students_present=500), key=keys["write"])
    assert crowd.status_code == 422, "more students present than the class holds is past the hard limit"
    assert not ClassHourLog.objects.exists()


def test_a_read_key_another_school_and_an_ownerless_key_cannot_record(client, world, keys):
    read = _post(client, "/class-hours", _hour(world), key=keys["read"])
    assert read.status_code == 403 and read.json()["error"]["code"] == "forbidden"
    assert _post(client, "/class-hours", _hour(world), key=keys["other"]).status_code == 422, "not its class"
    assert _post(client, "/class-hours", _hour(world), key=keys["ownerless"]).status_code == 403
    client.force_login(world.student.user)
    assert _post(client, "/class-hours", _hour(world)).status_code == 403
    assert not ClassHourLog.objects.exists()
    activity = {"school": "S1", "type": "class_meeting", "title": "禁毒班会", "held_on": "2020-01-01"}
    assert _post(client, "/activities", activity, key=keys["read"]).status_code == 403
    assert _post(client, "/activities", activity, key=keys["other"]).status_code == 404
    assert not Activity.objects.exists()


def test_a_write_key_records_an_activity_for_its_classes(client, world, keys):
    day = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    body = {
        "school": "S1",
        "type": "class_meeting",
        "title": "禁毒主题班会",
        "held_on": day,
        "class_ids": [world.class_a.pk],
    }
    response = _post(client, "/activities", body, key=keys["write"])
    assert response.status_code == 201, response.content
    activity = Activity.objects.get(pk=response.json()["id"])
    assert activity.recorded_by == world.school_admin and response.json()["participants"] == 2
    other_class = _post(client, "/activities", body | {"class_ids": [world.other_class.pk]}, key=keys["write"])
    assert other_class.status_code == 422
