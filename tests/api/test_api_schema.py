"""schemathesis against /api/v1/openapi.json (issue #19): generated requests to every operation, with a key of
a district and with none, find no 5xx and no response outside the schema.

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
def district_key(world):
    _, key = api_tokens.issue(world.district, name="schemathesis")
    return key


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_to_its_schema(case, district_key):
    # Every check but "schema-valid data is accepted": a cursor is opaque (only one the API handed out is valid),
    # and a made-up cursor is rightly answered 422 in the documented error shape.
    for headers in ({"Authorization": f"Bearer {district_key}"}, {}):
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])


def test_the_schema_names_every_endpoint_and_the_key_scheme():
    paths = schema.raw_schema["paths"]
    assert {
        "/api/v1/regions",
        "/api/v1/schools",
        "/api/v1/schools/{code}",
        "/api/v1/classes/{class_id}/students",
    } <= set(paths)
    assert "ApiKeyAuth" in schema.raw_schema["components"]["securitySchemes"]
