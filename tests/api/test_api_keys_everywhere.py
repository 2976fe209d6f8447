"""Every /api/v1/ operation, discovered from the schema, against keys that must be refused (issue #19): a key of
another school reads nothing of school S1, a read key writes nowhere, an expired key is refused everywhere.

A new endpoint joins these sweeps by being in the schema; one that names a path parameter this file does not
know fails `test_every_path_parameter_is_known`, so none escapes them."""

import datetime
import re

import pytest
from django.utils import timezone

from config.api import api
from people import api_tokens
from people.models import ApiAccess, ApiToken

pytestmark = pytest.mark.django_db

# Curriculum is no school's record: any key reads it.
CURRICULUM = "/api/v1/curriculum/"
WRITES = ("post", "put", "patch", "delete")


def _operations():
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    for path, methods in schema["paths"].items():
        for method in methods:
            yield method, path


def _fill(path: str, world) -> str:
    values = {
        "code": "D1" if path.startswith("/api/v1/districts/") else "S1",
        "class_id": world.class_a.pk,
        "lesson_id": 1,
        "module_id": 1,
    }
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)


def _call(client, method, url, key):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}", "HTTP_IDEMPOTENCY_KEY": "sweep"}
    if method == "get":
        return client.get(url, **headers)
    return getattr(client, method)(url, data="{}", content_type="application/json", **headers)


def test_every_path_parameter_is_known():
    for _method, path in _operations():
        assert set(re.findall(r"\{(\w+)\}", path)) <= {"code", "class_id", "lesson_id", "module_id"}, path


def test_another_schools_key_reads_nothing_of_the_school(client, world):
    key = api_tokens.issue(world.other_school, name="别校", access=ApiAccess.READ_WRITE)[1]
    checked = 0
    for method, path in _operations():
        # Lists (no parameter in the path) answer every key with its own rows: test_api_access checks them.
        if method != "get" or "{" not in path or path.startswith(CURRICULUM):
            continue
        url = _fill(path, world)
        response = _call(client, method, url, key)
        assert response.status_code == 404, f"GET {url} with another school's key: {response.status_code}"
        checked += 1
    assert checked >= 12


def test_a_read_key_writes_nowhere(client, world):
    key = api_tokens.issue(world.school, name="只读")[1]
    writes = [(method, path) for method, path in _operations() if method in WRITES]
    assert len(writes) >= 3
    for method, path in writes:
        response = _call(client, method, _fill(path, world), key)
        assert response.status_code == 403, f"{method.upper()} {path} with a read key: {response.status_code}"
        assert response.json()["error"]["code"] == "forbidden"


def test_an_expired_key_is_refused_everywhere(client, world):
    token, key = api_tokens.issue(world.school, name="过期", access=ApiAccess.READ_WRITE)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    for method, path in _operations():
        if path in ("/api/v1/openapi.json", "/api/v1/docs"):
            continue
        response = _call(client, method, _fill(path, world), key)
        assert response.status_code == 401, f"{method.upper()} {path} with an expired key: {response.status_code}"
