"""The bench app ships only with the bench's settings, and its generator writes only to a qingdun_bench_* database."""

import importlib
import io

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from bench.guard import is_bench_database
from bench.management.commands.generate_district import Command as GenerateDistrict
from people.models import District, School, Student, User


@pytest.mark.parametrize(
    "name",
    ["qingdun_bench_quick", "qingdun_bench_full", "qingdun_bench_tpl_0123abcd", "/srv/bench/qingdun_bench_a.sqlite3"],
)
def test_bench_databases_are_recognised(name):
    assert is_bench_database(name)


@pytest.mark.parametrize(
    "name",
    [
        "qingdun",
        "qingdun_bench_",
        "qingdun_bench",
        "qingdun_benchmark",
        "test_qingdun_bench_quick",
        "QINGDUN_BENCH_QUICK",
        "/srv/qingdun_bench_quick/db.sqlite3",
        ":memory:",
        "",
        None,
    ],
)
def test_other_databases_are_not(name):
    assert not is_bench_database(name)


@pytest.mark.django_db
def test_the_generator_refuses_a_database_not_named_for_the_bench():
    # The test runner's own database (test_… or in memory) is named like no bench database.
    with pytest.raises(CommandError, match=r"Refusing to write a synthetic district .* 'qingdun_bench_'") as refused:
        call_command(GenerateDistrict(), schools=1, students_per_school=5, attempts_per_student=1, stdout=io.StringIO())
    assert repr(connection.settings_dict["NAME"]) in str(refused.value)
    assert not District.objects.exists()
    assert not School.objects.exists() and not Student.objects.exists() and not User.objects.exists()


def test_the_bench_app_is_not_installed_outside_the_bench_settings(monkeypatch):
    assert not apps.is_installed("bench")
    assert "bench" not in settings.INSTALLED_APPS
    assert "bench" not in importlib.import_module("config.settings.base").INSTALLED_APPS
    monkeypatch.setenv("SECRET_KEY", "bench-settings-test-" + "k" * 40)
    monkeypatch.setenv("ALLOWED_HOSTS", "127.0.0.1")
    assert "bench" not in importlib.import_module("config.settings.production").INSTALLED_APPS
    assert "bench" in importlib.import_module("bench.settings").INSTALLED_APPS
