"""The API key screen (issue #19): an administrator makes a key (shown once), lists and revokes her
organisation's keys, all audit-logged; nobody manages another organisation's keys."""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from people import api_tokens
from people.models import ApiAccess, ApiToken

pytestmark = pytest.mark.django_db


def _make(client, **data):
    return client.post(reverse("people:api_keys"), {"name": "学籍系统", "access": "read", "days": "30"} | data)


def test_a_school_admin_makes_a_key_shown_once_and_stored_as_its_digest(client, world):
    client.force_login(world.school_admin)
    response = _make(client, organisation=f"s{world.school.pk}", access=ApiAccess.READ_WRITE)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get()
    key = response.context["issued"]["key"]
    assert key in response.content.decode() and api_tokens.digest_of(key) == token.digest
    assert token.school == world.school and token.can_write and token.created_by == world.school_admin
    assert (token.expires_at - token.created_at).days == 30
    assert AuditEvent.objects.filter(action="people.api_key_issued", actor=world.school_admin).exists()
    again = client.get(reverse("people:api_keys"))
    assert key not in again.content.decode() and token.prefix in again.content.decode()


def test_an_admin_cannot_make_a_key_for_another_organisation_or_past_a_year(client, world):
    client.force_login(world.school_admin)
    for data in ({"organisation": f"s{world.other_school.pk}"}, {"organisation": f"d{world.district.pk}"}):
        response = _make(client, **data)
        assert response.status_code == 200 and 'class="error-summary"' in response.content.decode()
    assert _make(client, organisation=f"s{world.school.pk}", days="400").context["form"].errors["days"]
    assert not ApiToken.objects.exists()


def test_each_admin_lists_and_revokes_only_her_organisations_keys(client, world):
    own, _ = api_tokens.issue(world.school, name="本校")
    other, _ = api_tokens.issue(world.other_school, name="别校")
    district, _ = api_tokens.issue(world.district, name="区里")
    client.force_login(world.school_admin)
    listed = list(client.get(reverse("people:api_keys")).context["keys"])
    assert listed == [own]
    assert client.post(reverse("people:api_key_revoke", args=[other.pk])).status_code == 404
    assert client.post(reverse("people:api_key_revoke", args=[district.pk])).status_code == 404
    assert client.post(reverse("people:api_key_revoke", args=[own.pk])).status_code == 302
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.revoked_at is not None and other.revoked_at is None
    assert AuditEvent.objects.filter(action="people.api_key_revoked", details__key=own.pk).count() == 1
    client.force_login(world.bureau_admin)
    assert list(client.get(reverse("people:api_keys")).context["keys"]) == [district]
    assert _make(client, organisation=f"d{world.district.pk}").status_code == 200
    assert ApiToken.objects.filter(district=world.district).count() == 2


def test_teachers_and_auditors_have_no_key_screen(client, world):
    for user in (world.teacher, world.auditor, world.student.user):
        client.force_login(user)
        assert client.get(reverse("people:api_keys")).status_code == 403
        assert reverse("people:api_keys") not in client.get(reverse("core:home")).content.decode()
    client.force_login(world.school_admin)
    assert reverse("people:api_keys") in client.get(reverse("core:home")).content.decode()
