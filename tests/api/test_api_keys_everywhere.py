"""Every /api/v1/ operation, discovered from the schema, against keys that must be refused (issue #19): a key of
another school, and a key of another city, read nothing of school S1, its district D1 or its city C0; a read key
and a region's key write nowhere; an expired key is refused everywhere.

A new endpoint joins these sweeps by being in the schema; one that names a path parameter this file does not
know fails `test_every_path_parameter_is_known`, so none escapes them."""

import datetime
import re

import pytest
from django.utils import timezone

from config.api import api
from people import api_tokens
from people.models import ApiAccess, ApiToken, RegionLevel
from people.testing import make_district, make_region, make_school

pytestmark = pytest.mark.django_db

# Curriculum is no school's record: any key reads it.
CURRICULUM = "/api/v1/curriculum/"
WRITES = ("post", "put", "patch", "delete")


def _operations():
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    for path, methods in schema["paths"].items():
        for method in methods:
            yield method, path


@pytest.fixture
def region(world):
    """World's district D1 under the city C0 of the province P0, so the regions' operations have one to name."""
    province = make_region(RegionLevel.PROVINCE, code="P0", name="测试省")
    city = make_region(RegionLevel.CITY, province, code="C0", name="测试市")
    world.district.region = city
    world.district.save()
    return city


def _code(path: str) -> str:
    if path.startswith("/api/v1/districts/"):
        return "D1"
    return "C0" if path.startswith("/api/v1/regions/") else "S1"


def _fill(path: str, world) -> str:
    values = {
        "code": _code(path),
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


def _reads_nothing_of_the_school(client, world, key, whose: str) -> None:
    checked = 0
    for method, path in _operations():
        # Lists (no parameter in the path) answer every key with its own rows: test_api_access checks them.
        if method != "get" or "{" not in path or path.startswith(CURRICULUM):
            continue
        url = _fill(path, world)
        response = _call(client, method, url, key)
        assert response.status_code == 404, f"GET {url} with {whose} key: {response.status_code}"
        checked += 1
    assert checked >= 13


def test_another_schools_key_reads_nothing_of_the_school(client, world, region):
    key = api_tokens.issue(world.other_school, name="别校", access=ApiAccess.READ_WRITE)[1]
    _reads_nothing_of_the_school(client, world, key, "another school's")


def test_another_citys_key_reads_nothing_of_the_school_its_district_or_its_city(client, world, region):
    other_city = make_region(RegionLevel.CITY, region.parent, code="C9", name="邻市")
    make_school(make_district("D9", "邻市一区", region=other_city), code="S9")
    key = api_tokens.issue(other_city, name="邻市汇总")[1]
    _reads_nothing_of_the_school(client, world, key, "another city's")


def test_a_read_key_and_a_region_key_write_nowhere(client, world, region):
    writes = [(method, path) for method, path in _operations() if method in WRITES]
    assert len(writes) >= 3
    for organisation in (world.school, region, region.parent):
        key = api_tokens.issue(organisation, name="只读")[1]
        for method, path in writes:
            response = _call(client, method, _fill(path, world), key)
            assert response.status_code == 403, f"{method.upper()} {path} with {organisation}'s read key"
            assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("whose", ["school", "city"])
def test_an_expired_key_is_refused_everywhere(client, world, region, whose):
    if whose == "school":
        token, key = api_tokens.issue(world.school, name="过期", access=ApiAccess.READ_WRITE)
    else:
        token, key = api_tokens.issue(region, name="过期")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    for method, path in _operations():
        if path in ("/api/v1/openapi.json", "/api/v1/docs"):
            continue
        response = _call(client, method, _fill(path, world), key)
        assert response.status_code == 401, f"{method.upper()} {path} with an expired key: {response.status_code}"
