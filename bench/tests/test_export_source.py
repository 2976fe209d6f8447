"""The export micro-benchmark's source on SQLite: local times and the whole child step."""

import datetime
import tracemalloc

import pytest
from django.utils import timezone

from bench import micro
from quizzes.models import Attempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(generate_district):
    generate_district(schools=1, students_per_school=12, attempts_per_student=2)


def test_local_seconds_are_the_naive_wall_clock_time(district):
    pairs = Attempt.objects.annotate(local=micro.local_seconds("submitted_at")).values_list("submitted_at", "local")
    assert pairs
    for aware, local in pairs:
        assert local.tzinfo is None
        assert local == timezone.localtime(aware).replace(tzinfo=None, microsecond=0)


def test_export_step_writes_the_rows_asked_for(district):
    for fmt in ("csv", "xlsx"):
        result = micro.export_main(fmt, 50)  # more than the 24 attempts: read again from the start
        assert result[f"export.{fmt}.rows"] == 50
        assert result[f"export.{fmt}.source_rows"] == 24
        assert result[f"export.{fmt}.file_mb"] > 0


def test_export_rows_are_what_the_spreadsheet_shows(district):
    """The row shape the benchmark writes: text, a naive local datetime, floats and a boolean."""
    row = next(
        Attempt.objects.annotate(local=micro.local_seconds("submitted_at"))
        .values_list("student__student_number", "local", "score", "passed")
        .iterator()
    )
    assert isinstance(row[0], str) and isinstance(row[1], datetime.datetime) and row[1].tzinfo is None
    assert isinstance(row[2], float) and isinstance(row[3], bool)


@pytest.fixture
def larger_district(generate_district):
    generate_district(schools=1, students_per_school=60, attempts_per_student=2)


def test_export_step_holds_no_rows(larger_district):
    """The source is read through a cursor and written as it comes: four times the rows may not cost more
    memory. Rows held would cost about half a kilobyte each, 2 MB for the 4,500 more rows here; the CSV writer's
    chunk of 1,000 rows is the same in both. (The XLSX writer's own bound: core/tests/test_tabular.py.)"""

    def traced_peak(rows: int) -> int:
        tracemalloc.start()
        try:
            assert micro.export_main("csv", rows)["export.csv.rows"] == rows
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    micro.export_main("csv", 100)  # warm: compiled queries, translations and imports are not the export's
    small, large = traced_peak(1_500), traced_peak(6_000)
    assert large - small < 2**20, f"{small / 2**20:.2f} MB for 1,500 rows, {large / 2**20:.2f} MB for 6,000"
