"""schemathesis against /api/v1/openapi.json (issue #19): generated requests to every operation, with a key of
a city, of a district, with a school's read-write key and with none, find no 5xx and no response outside the schema.

It runs in-process against the WSGI application on the test database, so `make test` (and with it .ci/run, on
SQLite and on PostgreSQL) runs it.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from people import api_tokens
from people.models import ApiAccess, ApiToken, RegionLevel
from people.testing import make_region

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_tests_connection():
    """The WSGI handler closes the database connection at the end of each request, as it should in a server; in a
    test that connection holds the test's transaction, so it stays open, as Django's own test client arranges."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def keys(world):
    """A city's key (D1 under the city C0), a district's read key, and a school's read-write key made by its
    administrator (so writes can land)."""
    city = make_region(RegionLevel.CITY, make_region(RegionLevel.PROVINCE, code="P0"), code="C0")
    world.district.region = city
    world.district.save()
    _, city_key = api_tokens.issue(city, name="schemathesis")
    _, district_key = api_tokens.issue(world.district, name="schemathesis")
    token, school_key = api_tokens.issue(world.school, name="schemathesis", access=ApiAccess.READ_WRITE)
    ApiToken.objects.filter(pk=token.pk).update(created_by=world.school_admin)
    return city_key, district_key, school_key


@pytest.mark.django_db
@schema.parametrize()
# derandomize: the same cases on every run, so a landing never hangs on a draw (a new case is a new test).
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_to_its_schema(case, keys):
    # Every check but "schema-valid data is accepted": a cursor is opaque (only one the API handed out is valid),
    # a made-up cursor is rightly answered 422 in the documented error shape, and so is a schema-valid roster row
    # or class hour that the import's or the form's checks refuse.
    for headers in [{"Authorization": f"Bearer {key}"} for key in keys] + [{}]:
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])


def test_the_schema_names_every_endpoint_and_the_key_scheme():
    paths = schema.raw_schema["paths"]
    assert {
        "/api/v1/regions",
        "/api/v1/schools",
        "/api/v1/schools/{code}",
        "/api/v1/classes/{class_id}/students",
        "/api/v1/curriculum/modules",
        "/api/v1/curriculum/lessons/{lesson_id}",
        "/api/v1/classes/{class_id}/assignments",
        "/api/v1/classes/{class_id}/completion",
        "/api/v1/schools/{code}/completion",
        "/api/v1/classes/{class_id}/results",
        "/api/v1/schools/{code}/results",
        "/api/v1/classes/{class_id}/figures",
        "/api/v1/schools/{code}/figures",
        "/api/v1/districts/{code}/figures",
        "/api/v1/regions/{code}/figures",
        "/api/v1/districts/{code}/plan",
        "/api/v1/districts/{code}/report",
        "/api/v1/ledger",
        "/api/v1/schools/{code}/roster",
        "/api/v1/class-hours",
        "/api/v1/activities",
    } <= set(paths)
    assert "ApiKeyAuth" in schema.raw_schema["components"]["securitySchemes"]


@pytest.mark.django_db
def test_operation_summaries_follow_the_request_language(client):
    def summary(language):
        paths = client.get("/api/v1/openapi.json", HTTP_ACCEPT_LANGUAGE=language).json()["paths"]
        return paths["/api/v1/schools/{code}/roster"]["post"]["summary"]

    assert summary("en") == "Sync a school's roster (upsert classes and students)"
    assert summary("zh-hans") == "同步学校名单（新增或更新班级和学生）"
