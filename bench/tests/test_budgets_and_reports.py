"""Budgets pass, fail, and fail when unmeasured; wrk's output is parsed; the report marks each budget."""

import json

from bench.budgets import BUDGETS, Budget, check_all
from bench.loadtools import parse_wrk, percentile, wrk_script
from bench.report import markdown, write_exam_report, write_reports

WRK_OUTPUT = """Running 8s test @ http://127.0.0.1:8765
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    20.12ms    3.01ms  61.00ms   90.00%
    Req/Sec   800.00     50.00     0.90k    70.00%
  Latency Distribution
     50%   19.50ms
     75%   21.00ms
     90%   23.00ms
     99%    1.20s
  6400 requests in 8.00s, 50.00MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 12
Requests/sec:    799.50
Transfer/sec:      6.25MB
"""


def test_a_budget_passes_fails_and_fails_when_not_measured():
    budget = Budget("k", "label", "m", ">=", 500, "req/s")
    assert budget.check({"m": 501.0}, {}).passed
    assert not budget.check({"m": 499.0}, {}).passed
    missing = budget.check({}, {"m": "plans has no URL"})
    assert not missing.passed and missing.value is None and missing.note == "plans has no URL"
    strict = Budget("k", "label", "m", "<", 10, "ms")
    assert strict.check({"m": 9.99}, {}).passed and not strict.check({"m": 10.0}, {}).passed


def test_every_budget_of_the_issue_is_checked():
    keys = {budget.key for budget in BUDGETS}
    assert {"lesson_vs_baseline", "submission_median", "dashboard_p95", "tongbao_p95"} <= keys
    assert {"export_csv_time", "export_xlsx_memory", "import_sqlite", "burst_attempts", "burst_retry_after"} <= keys
    assert {"burst_errors", "burst_answers", "burst_unfinished", "burst_token_first_question", "signin_rate"} <= keys
    verdicts = check_all({}, {})
    assert len(verdicts) == len(BUDGETS) and not any(v.passed for v in verdicts)


def test_the_lesson_page_is_held_to_the_plain_wagtail_page_and_answer_saves_to_no_rate():
    keys = {budget.key for budget in BUDGETS}
    assert "answer_save" not in keys and not any(budget.metric == "save.rps_per_core" for budget in BUDGETS)
    (lesson,) = [budget for budget in BUDGETS if budget.key == "lesson_vs_baseline"]
    assert (lesson.metric, lesson.op, lesson.limit) == ("lesson.ratio", ">=", 1)
    assert lesson.check({"lesson.ratio": 1.0}, {}).passed
    assert not lesson.check({"lesson.ratio": 0.99}, {}).passed


def test_wrk_output_is_parsed():
    figures = parse_wrk(WRK_OUTPUT)
    assert figures["rps"] == 799.5
    assert figures["p50_ms"] == 19.5
    assert figures["p99_ms"] == 1200.0
    assert figures["requests"] == 6400
    assert figures["bad"] == 12
    assert figures["socket_errors"] == 3


def test_wrk_script_quotes_bodies_and_headers(tmp_path):
    request = {"method": "POST", "path": "/a/", "headers": {"X-CSRFToken": 'a"b'}, "body": json.dumps({"q": "\\"})}
    text = wrk_script([request], tmp_path / "s.lua").read_text()
    assert '["X-CSRFToken"] = "a\\"b"' in text
    assert '"{\\"q\\": \\"\\\\\\\\\\"}"' in text
    assert "request = function()" in text


def test_percentile():
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 50) == 50.5
    assert 95 <= percentile(values, 95) <= 96
    assert percentile([], 50) is None


def test_reports_mark_each_budget(tmp_path):
    meta = {
        "preset": "quick",
        "date": "2026-11-29T10:00:00+08:00",
        "machine": {"cores": 2, "python": "3.11"},
        "pinning": {"app_cores": [0], "client_cores": [1], "gunicorn_workers": 3, "postgresql": "not pinned"},
        "district": {"schools": 2, "students_per_school": 3, "attempts_per_student": 1},
        "build_seconds": {},
        "total_seconds": 1,
        "notes": ["wrk missing"],
    }
    results = {"lesson.ratio": 1.62, "save.rps_per_core": 900.0, "micro.submit.median_ms": 12.0}
    verdicts = check_all(results, {})
    text = markdown(meta, results, verdicts)
    assert "| Signed-in lesson page ÷ plain Wagtail page, requests/s | >= 1 × | 1.62 × | **pass** |" in text
    assert "Lesson page ÷ plain Wagtail page of the same blocks: 1.62× (budget ≥ 1×)." in text
    assert "| Grading + saving a 30-question submission, median | < 10 ms | 12.00 ms | **FAIL** |" in text
    assert "- wrk missing" in text
    paths = write_reports(tmp_path, meta, results, verdicts, full=True)
    assert {p.name for p in paths} == {"latest.json", "latest.md", "full-2026-11-29.json", "full-2026-11-29.md"}
    saved = json.loads((tmp_path / "latest.json").read_text())
    assert saved["results"]["save.rps_per_core"] == 900.0


EXAM_META = {
    "preset": "quick",
    "database": "qingdun_bench_x",
    "date": "2026-12-02T09:00:00+08:00",
    "machine": {"cores": 2},
    "pinning": {"app_cores": [0], "client_cores": [1], "gunicorn_workers": 3},
    "notes": [],
}


def test_the_exam_note_names_the_budgets_and_the_app_share_of_its_core(tmp_path):
    meta = dict(EXAM_META)
    results = {
        "signin.per_second_per_core": 21.5,
        "signin.app_core_share": 0.25,
        "burst.token.first_question_p95_ms": 12000.0,
    }
    verdicts = [v for v in check_all(results, {}) if v.key in ("signin_rate", "burst_token_first_question")]
    paths = write_exam_report(tmp_path, meta, results, verdicts)
    text = (tmp_path / "exam-2026-12-02.md").read_text()
    assert {p.name for p in paths} == {"exam-2026-12-02.md", "exam-2026-12-02.json"}
    assert (
        "| Password sign-ins through the form (Argon2id), per second per app core | >= 20 /s | 21.50 /s | **pass** |"
        in text
    )
    assert "sign-in to first question on screen, p95 | <= 10000 ms | 12,000.00 ms | **FAIL** |" in text
    assert "it had 25 % of its core" in text


def test_the_exam_note_prints_the_app_cores_speed_beside_its_rates(tmp_path):
    meta = {**EXAM_META, "date": "2026-12-05T09:00:00+08:00"}
    results = {
        "signin.per_second_per_core": 20.0,
        "speed.hash_ms.before_signin": 16.4,
        "speed.hash_ms.before_burst": 16.5,
        "speed.hash_ms.after_burst": None,
    }
    write_exam_report(tmp_path, meta, results, [])
    text = (tmp_path / "exam-2026-12-05.md").read_text()
    reading = "cost 16.4 ms of CPU on it before the sign-in scenario, 16.5 ms before the burst and (not read) after"
    assert reading in text


def test_the_speed_reading_hashes_with_productions_parameters_on_the_given_core():
    import os

    from bench import speed

    # A core this process may run on (taskset pins the child to it where taskset exists).
    core = sorted(os.sched_getaffinity(0))[0] if hasattr(os, "sched_getaffinity") else 0
    reading = speed.hash_ms([core], samples=3)
    assert 0.5 < reading < 2000  # milliseconds of one hash (m = 7 MiB, t = 5): neither free nor stuck
    results = {"lesson.rps": 1.0}
    speed.mark(results, "before_signin", [core])
    assert results["speed.hash_ms.before_signin"] > 0
    from bench.runner import exam_results

    assert set(exam_results(results)) == {"speed.hash_ms.before_signin"}  # an --only-burst run keeps it
