"""/api/v1/ keys and scope (issue #19): a key sees its organisation and what lies under it, and nothing else.

A school's key cannot read another school; a district's key reads its schools but not another district's, and
never a student's name; a read key cannot write; an expired or revoked key is refused like an unknown one.
Every error has the one shape of core/api.py.
"""

import datetime
import json

import pytest
from django.utils import timezone

from core.models import AuditEvent
from people import api_tokens
from people.models import ApiAccess, ApiToken

pytestmark = pytest.mark.django_db


def _get(client, path: str, key: str | None = None, **headers):
    if key:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return client.get(f"/api/v1{path}", HTTP_ACCEPT_LANGUAGE="zh-hans", **headers)


def _codes(response) -> list[str]:
    return [row["code"] for row in response.json()["results"]]


@pytest.fixture
def keys(world):
    _, school_key = api_tokens.issue(world.school, name="学籍系统")
    _, district_key = api_tokens.issue(world.district, name="市级汇总")
    return {"school": school_key, "district": district_key}


def test_a_key_is_stored_only_as_its_digest_and_its_making_is_audited(world):
    token, key = api_tokens.issue(world.school, name="学籍系统", access=ApiAccess.READ_WRITE)
    assert key.startswith("qd_") and len(key) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert key not in json.dumps([stored.digest, stored.prefix, stored.name])
    assert stored.prefix == key[:9]
    assert AuditEvent.objects.filter(action="people.api_key_issued", details__key=token.pk).exists()


def test_without_a_key_the_api_answers_401_in_the_one_error_shape(client, world):
    response = _get(client, "/schools")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert "API" in response.json()["error"]["message"]
    assert _get(client, "/schools", key="qd_" + "x" * 43).status_code == 401


def test_a_school_key_sees_its_school_only(client, world, keys):
    response = _get(client, "/schools", key=keys["school"])
    assert response.status_code == 200 and _codes(response) == ["S1"]
    assert _get(client, "/schools/S2", key=keys["school"]).status_code == 404
    assert _get(client, "/schools/S3", key=keys["school"]).json()["error"]["code"] == "not_found"
    other_class = world.other_class.pk
    assert _get(client, f"/classes/{other_class}/students", key=keys["school"]).status_code == 404
    regions = _get(client, "/regions", key=keys["school"]).json()["results"]
    assert [row["code"] for row in regions] == ["D1"]


def test_a_district_key_sees_its_schools_and_no_other_district(client, world, keys):
    assert _codes(_get(client, "/schools", key=keys["district"])) == ["S1", "S2"]
    assert _get(client, "/schools/S3", key=keys["district"]).status_code == 404
    assert _get(client, f"/classes/{world.far_class.pk}/students", key=keys["district"]).status_code == 404


def test_names_go_to_the_school_only(client, world, keys):
    path = f"/classes/{world.class_a.pk}/students"
    by_school = _get(client, path, key=keys["school"]).json()["results"]
    assert {row["name"] for row in by_school} == {"张三", "李四"}
    by_district = _get(client, path, key=keys["district"]).json()["results"]
    assert {row["student_number"] for row in by_district} == {"1001", "1002"}
    assert {row["name"] for row in by_district} == {None}


def test_an_expired_or_revoked_key_is_refused_like_an_unknown_one(client, world):
    token, key = api_tokens.issue(world.school, name="旧系统", days=1)
    assert _get(client, "/schools", key=key).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert _get(client, "/schools", key=key).status_code == 401
    token, key = api_tokens.issue(world.school, name="另一个")
    assert api_tokens.revoke(token) is True and api_tokens.revoke(token) is False
    assert _get(client, "/schools", key=key).status_code == 401
    assert AuditEvent.objects.filter(action="people.api_key_revoked", details__key=token.pk).count() == 1


def test_a_signed_in_user_sees_what_her_roles_show(client, world):
    client.force_login(world.teacher)
    response = _get(client, "/schools")
    assert response.status_code == 200 and _codes(response) == []  # a teacher audits no school
    client.force_login(world.bureau_admin)
    assert _codes(_get(client, "/schools")) == ["S1", "S2"]
    client.force_login(world.far_auditor)
    assert _codes(_get(client, "/schools")) == ["S3"]


def test_lists_walk_by_cursor_without_repeats(client, world, keys):
    seen, url = [], "/api/v1/schools?page_size=1"
    while url:
        body = client.get(url, HTTP_AUTHORIZATION=f"Bearer {keys['district']}").json()
        seen += [row["code"] for row in body["results"]]
        url = body["next"]  # a whole URL: the client follows it as it is
    assert seen == ["S1", "S2"]


def test_a_query_parameter_given_twice_is_refused_by_name(client, world, keys):
    response = _get(client, "/schools?page_size=1&page_size=100&cursor=", key=keys["district"])
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [{"loc": ["query", "page_size"], "msg": "此参数只能给出一次。"}]


def test_an_unchanged_list_answers_304_to_its_etag(client, world, keys):
    first = _get(client, "/schools", key=keys["school"])
    etag = first["ETag"]
    assert etag
    again = _get(client, "/schools", key=keys["school"], HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""


def test_each_key_has_its_own_rate_limit(client, world, keys, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    statuses = [_get(client, "/schools", key=keys["school"]).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = _get(client, "/schools", key=keys["school"])
    assert refused.json()["error"]["code"] == "rate_limited" and int(refused["Retry-After"]) >= 1
    assert _get(client, "/schools", key=keys["district"]).status_code == 200, "another key has its own count"


def test_errors_speak_the_request_language(client, world):
    zh = client.get("/api/v1/schools", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["error"]["message"]
    en = client.get("/api/v1/schools", HTTP_ACCEPT_LANGUAGE="en").json()["error"]["message"]
    assert en.startswith("Send a valid API key") and zh != en


def test_an_operator_makes_lists_and_revokes_keys_at_the_server(client, world):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("api_keys", "issue", "--school", "S1", "--name", "学籍系统", "--write", stdout=out)
    key = out.getvalue().splitlines()[1]
    token = ApiToken.objects.get(digest=api_tokens.digest_of(key))
    assert token.school == world.school and token.can_write
    assert _get(client, "/schools", key=key).status_code == 200
    listing = io.StringIO()
    call_command("api_keys", "list", "--school", "S1", stdout=listing)
    assert token.prefix in listing.getvalue() and key not in listing.getvalue()
    call_command("api_keys", "revoke", str(token.pk), stdout=io.StringIO())
    assert _get(client, "/schools", key=key).status_code == 401
