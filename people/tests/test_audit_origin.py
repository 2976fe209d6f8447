"""Audit events made in a request keep its device id and network hash, so the integrity rules can tell where a
staff member was when she reset a student's password (classroom/integrity/rules.py, after_password_reset)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from core import audit, clientid
from core.models import AuditEvent
from people.testing import PASSWORD

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.20"


def _device_of(client) -> str:
    request = RequestFactory().get("/")
    request.COOKIES[clientid.DEVICE_COOKIE] = client.cookies[clientid.DEVICE_COOKIE].value
    return clientid.device_from_cookie(request)


def test_sign_in_and_password_reset_record_the_staff_members_device_and_network(client, world):
    response = client.post(
        reverse("people:login"), {"username": world.teacher.username, "password": PASSWORD}, REMOTE_ADDR=ADDRESS
    )
    assert response.status_code == 302
    client.post(reverse("people:reset_password", args=[world.student.user.pk]), REMOTE_ADDR=ADDRESS)

    device = _device_of(client)
    assert device
    where = {"device": device, "network": clientid.network_key(ADDRESS)}
    signin = AuditEvent.objects.get(action="signin", actor=world.teacher)
    reset = AuditEvent.objects.get(action="people.password_reset", target=world.student.user.username)
    assert {key: signin.details[key] for key in where} == where
    assert {key: reset.details[key] for key in where} == where
    assert reset.actor == world.teacher
    assert ADDRESS not in str(reset.details)  # the address stays in its own column, not in the details


def test_an_event_without_a_request_has_no_device_or_network(world):
    event = audit.record("people.password_reset", actor=world.teacher, target="someone")
    assert "device" not in event.details and "network" not in event.details


def test_a_caller_may_state_device_and_network_itself(world):
    request = RequestFactory().get("/", REMOTE_ADDR=ADDRESS)
    request.device_id = "from-middleware"
    event = audit.record("export", request=request, actor=world.teacher, device="given")
    assert event.details == {"device": "given", "network": clientid.network_key(ADDRESS)}
