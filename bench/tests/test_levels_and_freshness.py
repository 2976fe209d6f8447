"""Issue #17's bench: the audit pages at every level (their pages, query counts, budgets, report rows) and the
freshness of live figures under the burst (the delay of each submission, from the watcher's readings)."""

import datetime

import pytest

from bench import freshness, levels
from bench.budgets import BUDGETS, check_all
from bench.report import exam_markdown, levels_markdown


def test_each_level_has_its_budget_of_150_ms_and_freshness_its_5_s():
    by_metric = {budget.metric: budget for budget in BUDGETS}
    for level in ("province", "city", "county"):
        for kind in ("dashboard", "tongbao"):
            budget = by_metric[f"levels.{level}.{kind}.p95_ms"]
            assert (budget.op, budget.limit, budget.unit) == ("<=", 150, "ms")
    assert (by_metric["freshness.p95_ms"].op, by_metric["freshness.p95_ms"].limit) == ("<=", 5000)
    assert by_metric["freshness.not_shown"].limit == 0
    verdicts = {v.key: v for v in check_all({"levels.city.tongbao.p95_ms": 151.0, "freshness.p95_ms": 900.0}, {})}
    assert not verdicts["levels_city_tongbao_p95"].passed and verdicts["freshness_p95"].passed
    assert not verdicts["levels_county_dashboard_p95"].passed  # unmeasured fails


def test_a_submission_counts_from_the_first_reading_that_shows_it():
    base = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC).timestamp()

    def at(seconds):
        return datetime.datetime.fromtimestamp(base + seconds, tz=datetime.UTC)

    # Class 1 had 10 results; three submissions at 0, 1 and 2 s; readings show 11 at 1.5 s and 13 at 4 s.
    # Class 2's one submission is never shown.
    seen = {1: [(base + 1.5, 11), (base + 4.0, 13)], 2: []}
    submissions = [(1, at(1)), (1, at(0)), (1, at(2)), (2, at(3))]
    found, missing = freshness.delays(seen, {1: 10, 2: 0}, submissions)
    # In order of their timestamps: the first shown at 1.5 s, the second and third at 4 s.
    assert found == pytest.approx([1.5, 3.0, 2.0])
    assert missing == 1
    assert freshness.expected_per_class(submissions) == {1: 3, 2: 1}


def test_a_reading_before_the_timestamp_counts_as_no_delay_and_a_dip_is_not_a_loss():
    base = 1_000_000.0
    seen = {7: [(base + 0.1, 1), (base + 0.3, 0), (base + 0.5, 2)]}
    submissions = [(7, datetime.datetime.fromtimestamp(base + 0.2, tz=datetime.UTC))] * 2
    found, missing = freshness.delays(seen, {7: 0}, submissions)
    assert found == [0.0, pytest.approx(0.3)] and missing == 0


RESULTS = {
    "levels.province.dashboard.p50_ms": 80.0,
    "levels.province.dashboard.p95_ms": 120.5,
    "levels.province.dashboard.queries": 14,
    "levels.province.dashboard.in_process_ms": 60.0,
    "levels.province.dashboard.in_process_sql_ms": 40.0,
    "levels.province.dashboard.in_process_cpu_ms": 20.0,
    "levels.province.dashboard.student_table_queries": 0,
    "levels.province.dashboard.districts": 10,
    "levels.province.dashboard.schools": 1000,
    "levels.province.dashboard.classes": 26000,
    "levels.province.dashboard.students": 50000,
    "levels.province.dashboard.figure_rows": 78000,
    "levels.county.tongbao.p95_ms": 170.0,
    "levels.load_1min_median": 3.5,
}


def test_the_report_has_a_row_per_measured_page_and_marks_its_budget():
    rows = levels.report_rows(RESULTS)
    assert rows[2] == (
        "| Province: region page (figures, ranking of cities and counties) | 80.0 | 120.5 | 60 (40, 20) | 14 | 0 | 10 "
        "| 1,000 | 26,000 | 50,000 | 78,000 |"
    )
    assert rows[3].startswith("| County: 通报 table (/audit/report/) | — | 170.0 | — | — |")
    assert len(rows) == 4  # the pages not measured have no row
    verdicts = [v for v in check_all(RESULTS, {}) if v.key.startswith("levels_")]
    meta = {
        "preset": "levels",
        "date": "2026-12-02T17:00:00+00:00",
        "database": "qingdun_bench_x",
        "machine": {"cores": 2},
        "pinning": {"app_cores": [0], "client_cores": [1], "gunicorn_workers": 3},
        "district": {
            "schools": 1000,
            "students_per_school": 50,
            "attempts_per_student": 1,
            "districts": 10,
            "cities": 2,
            "class_size": 2,
        },
        "build_seconds": {},
        "total_seconds": 1,
        "load": {"before": "load average: 1.00, 2.00, 3.00", "after": "load average: 4.00, 5.00, 6.00"},
        "notes": [],
    }
    text = levels_markdown(meta, RESULTS, verdicts)
    assert "Tree: 1 province, 2 cities, 10 counties, 1,000 schools × 50 students (classes of 2)" in text
    assert "before: `load average: 1.00, 2.00, 3.00`; after: `load average: 4.00, 5.00, 6.00`" in text
    assert "| County: 通报 table (/audit/report/), server time p95 | <= 150 ms | 170.00 ms | **FAIL** |" in text
    assert "| Province: region page (figures, ranking of cities and counties), server time p95 | <= 150 ms | " in text


def test_the_exam_note_reports_the_figures_freshness():
    results = {
        "freshness.submissions": 100,
        "freshness.classes": 3,
        "freshness.p50_ms": 1200.0,
        "freshness.p95_ms": 2500.0,
        "freshness.max_ms": 3100.0,
        "freshness.poll_ms": 200.0,
        "freshness.not_shown": 0,
        "freshness.settle_seconds": 1.5,
    }
    meta = {
        "preset": "smoke",
        "database": "d",
        "date": "2026-12-02T17:00:00+00:00",
        "machine": {"cores": 2},
        "pinning": {"app_cores": [0], "client_cores": [1], "gunicorn_workers": 3},
    }
    verdicts = [v for v in check_all(results, {}) if v.key.startswith("freshness")]
    text = exam_markdown(meta, results, verdicts)
    assert "100 submitted attempts in 3 classes" in text and "p95 2,500 ms, max 3,100 ms" in text
    assert "| Exam burst: a submitted attempt in its school's figures, delay p95 | <= 5000 ms | 2,500.00 ms |" in text


@pytest.mark.django_db
def test_the_level_pages_of_a_tiny_tree_answer_their_officers(generate_district):
    from people.models import District, SchoolYear
    from plans.rollup import refresh_district

    generate_district(schools=4, students_per_school=10, attempts_per_student=1, seed=6, districts=2, cities=2)
    for district in District.objects.filter(code__startswith="B6-"):
        refresh_district(district, SchoolYear.current().start_year)
    pages = levels.pages(6)
    assert [(p.level, p.kind, p.username) for p in pages] == [
        ("province", "dashboard", "b6-p-admin"),
        ("province", "tongbao", "b6-p-admin"),
        ("city", "dashboard", "b6-c01-admin"),
        ("city", "tongbao", "b6-c01-admin"),
        ("county", "dashboard", "b6-01-admin"),
        ("county", "tongbao", "b6-01-admin"),
    ]
    assert pages[1].path.endswith("?cols=all") and pages[5].path.endswith("/report/")
    counts = levels.query_counts(pages)
    for page in pages:
        assert counts[f"{page.key}.status"] == 200, page
        assert counts[f"{page.key}.queries"] > 0
    assert counts["levels.province.dashboard.schools"] == 4 and counts["levels.city.dashboard.districts"] == 1
    assert counts["levels.county.tongbao.schools"] == 2
    assert counts["levels.county.dashboard.figure_rows"] > 0
    # Besides at most one look-up of the reader by her user id (is she a student? it may be cached), no page
    # reads a table that grows with students: the pages' time follows schools and classes (their figures rows).
    assert all(counts[f"{page.key}.student_table_queries"] <= 1 for page in pages)
    assert counts["levels.county.tongbao.in_process_ms"] >= counts["levels.county.tongbao.in_process_sql_ms"] > 0
    assert levels.pages(99) == []  # no tree: no pages (the scenario notes it, the budgets fail as unmeasured)


@pytest.mark.django_db
def test_the_queue_wait_and_run_time_of_the_burst_tasks_are_reported():
    from django_tasks_db.models import DBTaskResult

    since = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC)

    def task(path, enqueued_s, started_s=None, finished_s=None):
        row = DBTaskResult.objects.create(
            task_path=path, args_kwargs={"args": [], "kwargs": {}}, backend_name="default", run_after=since
        )

        def at(seconds):
            return None if seconds is None else since + datetime.timedelta(seconds=seconds)

        DBTaskResult.objects.filter(pk=row.pk).update(
            enqueued_at=at(enqueued_s), started_at=at(started_s), finished_at=at(finished_s)
        )

    task("plans.tasks.refresh_class_figures", 1, 3, 3.5)
    task("plans.tasks.refresh_class_figures", 2, 2.5, 2.6)
    task("classroom.tasks.check_attempt_integrity", 1, 1.1, 1.2)
    task("classroom.tasks.check_attempt_integrity", 4)
    task("classroom.tasks.check_attempt_integrity", -5, -4, -3)  # before the burst
    found = freshness.task_queue(since)
    assert found["freshness.tasks.refresh_class_figures.count"] == 2
    assert found["freshness.tasks.refresh_class_figures.wait_p50_ms"] == pytest.approx(1250)
    assert found["freshness.tasks.refresh_class_figures.run_p95_ms"] == pytest.approx(480, abs=1)
    assert found["freshness.tasks.check_attempt_integrity.count"] == 2
    assert found["freshness.tasks.check_attempt_integrity.unfinished"] == 1
    rows = "\n".join(
        exam_markdown(
            {"preset": "smoke", "database": "d", "date": "2026-12-02", "machine": {"cores": 2},
             "pinning": {"app_cores": [0], "client_cores": [1], "gunicorn_workers": 3}},
            {"freshness.submissions": 2, **found},
            [],
        ).splitlines()
    )  # fmt: skip
    assert "| `check_attempt_integrity` | 2 | 1 | 100 | 100 | 100 | 100 |" in rows
