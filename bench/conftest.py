"""The bench's tests run in the ordinary suite, where the bench app is not installed (production settings do
not ship it; only bench.settings adds it)."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from bench import guard
from bench.management.commands.generate_district import Command as GenerateDistrict


@pytest.fixture
def generate_district(monkeypatch):
    """Run `manage.py generate_district` on the test database; returns what it printed.

    The command is called by its class, as the app is not installed here. The test runner's database (test_… on
    PostgreSQL, in memory on SQLite) is as throwaway as a qingdun_bench_* one but cannot carry the prefix, so this
    fixture lets that one database through by its exact name; every other name meets the real rule."""
    test_database = connection.settings_dict["NAME"]
    rule = guard.is_bench_database
    monkeypatch.setattr(guard, "is_bench_database", lambda name: name == test_database or rule(name))

    def run(**options) -> str:
        out = io.StringIO()
        call_command(GenerateDistrict(), stdout=out, **options)
        return out.getvalue()

    return run
