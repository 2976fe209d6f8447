"""bench/results/latest.json and latest.md (and full-<date>.* for the full preset)."""

import json
from pathlib import Path

from . import levels, speed

SCENARIO_ROWS = [
    # (label, metric prefix)
    ("Lesson page, signed-in student (wrk)", "lesson"),
    ("Plain Wagtail page of the same blocks (wrk)", "baseline"),
    ("Answer save (wrk, many students)", "save"),
]


def _fmt(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _row(*cells) -> str:
    return "| " + " | ".join(cells) + " |"


def _budget_rows(verdicts) -> list[str]:
    rows = []
    for v in verdicts:
        measured = f"{_fmt(v.value, 2)} {v.unit}" if v.value is not None else "—"
        rows.append(_row(v.label, f"{v.limit} {v.unit}", measured, "**pass**" if v.passed else "**FAIL**", v.note))
    return rows


def _scenario_rows(r: dict) -> list[str]:
    rows = [
        _row(
            label,
            _fmt(r.get(f"{key}.rps")),
            _fmt(r.get(f"{key}.rps_per_core")),
            _fmt(r.get(f"{key}.p50_ms"), 2),
            _fmt(r.get(f"{key}.p99_ms"), 2),
            _fmt(r.get(f"{key}.queries")),
        )
        for label, key in SCENARIO_ROWS
    ]
    for label, key, queries in (
        ("sign-in by slip code, POST", "signin_slip", None),
        ("sign-in by password, POST", "signin_password", None),
        ("start", "start", None),
        ("paper", "paper", None),
        ("answer", "answer", "save.queries"),
        ("submit", "submit", "submit.queries"),
    ):
        rows.append(
            _row(
                f"Burst: {label}",
                "",
                "",
                _fmt(r.get(f"burst.{key}.p50_ms"), 0),
                _fmt(r.get(f"burst.{key}.p99_ms"), 0),
                _fmt(r.get(queries)) if queries else "",
            )
        )
    return rows


def _micro_rows(r: dict) -> list[str]:
    return [
        _row(
            "Grade and save a 30-question submission",
            f"{_fmt(r.get('micro.submit.median_ms'), 2)} ms",
            _fmt(r.get("micro.submit.repetitions")),
            _fmt(r.get("micro.submit.queries")),
            "",
        ),
        _row(
            "Save one answer (upsert)",
            f"{_fmt(r.get('micro.save.median_ms'), 2)} ms",
            _fmt(r.get("micro.save.repetitions")),
            "",
            "",
        ),
        _row(
            "Roster import, 3,000-row XLSX, PostgreSQL", f"{_fmt(r.get('import.postgres.seconds'), 2)} s", "1", "", ""
        ),
        _row("Roster import, 3,000-row XLSX, SQLite", f"{_fmt(r.get('import.sqlite.seconds'), 2)} s", "1", "", ""),
        *[
            _row(
                f"{fmt.upper()} export, {_fmt(r.get(f'export.{fmt}.rows'))} rows",
                f"{_fmt(r.get(f'export.{fmt}.seconds'))} s",
                "1",
                "",
                f"{_fmt(r.get(f'export.{fmt}.peak_mb'), 0)} MB",
            )
            for fmt in ("csv", "xlsx")
        ],
        _row(
            f"通报 XLSX (the export task), {_fmt(r.get('export.tongbao.schools'))} schools",
            f"{_fmt(r.get('export.tongbao.seconds'), 2)} s",
            "1",
            "",
            f"{_fmt(r.get('export.tongbao.peak_mb'), 1)} MB",
        ),
        *[
            _row(
                f"One class's results, {fmt.upper()}, {_fmt(r.get(f'export.class_{fmt}.students'))} students × "
                f"{_fmt(r.get(f'export.class_{fmt}.assignments'))} assignments",
                f"{_fmt(r.get(f'export.class_{fmt}.median_ms'), 1)} ms",
                _fmt(r.get(f"export.class_{fmt}.repetitions")),
                "",
                f"{_fmt(r.get(f'export.class_{fmt}.peak_mb'), 1)} MB",
            )
            for fmt in ("csv", "xlsx")
        ],
    ]


def _exam_lines(r: dict) -> list[str]:
    return [
        "## Exam-start burst (through the edge)",
        "",
        f"{_fmt(r.get('burst.students'))} students (half by slip code, half by password), "
        f"{_fmt(r.get('burst.requests'))} requests in {_fmt(r.get('burst.seconds'))} s, of which "
        f"{_fmt(r.get('burst.requests_lost_and_resent'))} sent twice with the first answer dropped: "
        f"{_fmt(r.get('burst.server_errors'))} server errors, {_fmt(r.get('burst.timeouts'))} timeouts, "
        f"{_fmt(r.get('burst.connection_errors'))} resets; shed: {_fmt(r.get('burst.429'))} answered 429 and "
        f"{_fmt(r.get('burst.503_with_retry_after'))} answered 503 when their wait in the edge's queue ran out, all "
        f"with Retry-After and resent after it. {_fmt(r.get('burst.confirmed_submissions'))} submissions confirmed "
        f"({_fmt(r.get('burst.attempts_submitted'))} submitted attempts in the database; lost "
        f"{_fmt(r.get('burst.attempts_missing'))}, duplicated {_fmt(r.get('burst.attempts_duplicated'))}); "
        f"answers lost or altered {_fmt(r.get('burst.answers_lost'))}, duplicated "
        f"{_fmt(r.get('burst.answers_duplicated'))}; students who did not submit {_fmt(r.get('burst.unfinished'))}.",
        "",
        "| From the first sign-in request to | slip code p50 | slip code p95 | password p50 | password p95 |",
        "| --- | --- | --- | --- | --- |",
        _row(
            "the first question on screen (ms)",
            _fmt(r.get("burst.token.first_question_p50_ms"), 0),
            _fmt(r.get("burst.token.first_question_p95_ms"), 0),
            _fmt(r.get("burst.password.first_question_p50_ms"), 0),
            _fmt(r.get("burst.password.first_question_p95_ms"), 0),
        ),
        "",
        f"Answers durably saved (confirmed by the server) during the burst: {_fmt(r.get('burst.answers_confirmed'))}"
        f", {_fmt(r.get('burst.answers_per_second'))} per second, "
        f"{_fmt(r.get('burst.answers_per_second_per_core'))} per second per app core.",
        "",
        f"Password sign-ins alone: {_fmt(r.get('signin.completed'))} of {_fmt(r.get('signin.students'))} students "
        f"at once in {_fmt(r.get('signin.seconds'))} s: {_fmt(r.get('signin.per_second'))} per second on the "
        f"clock, {_fmt(r.get('signin.per_second_per_core'))} per CPU-second of the app (it had "
        f"{_fmt(100 * r['signin.app_core_share'] if r.get('signin.app_core_share') else None, 0)} % of its core; "
        f"load average {_fmt(r.get('signin.load_1min_median'))}); p50 {_fmt(r.get('signin.p50_ms'), 0)} ms, "
        f"p95 {_fmt(r.get('signin.p95_ms'), 0)} ms from the first request.",
        "",
        f"The burst's app had {_fmt(100 * r['burst.app_core_share'] if r.get('burst.app_core_share') else None, 0)} "
        f"% of its core ({_fmt(r.get('burst.app_cpu_seconds'))} CPU-seconds; load average median "
        f"{_fmt(r.get('burst.load_1min_median'))}, max {_fmt(r.get('burst.load_1min_max'))}); answers confirmed "
        f"per CPU-second of the app over the whole burst: {_fmt(r.get('burst.answers_per_app_cpu_second'))}.",
        "",
        f"The client (one asyncio process for every student) used "
        f"{_fmt(100 * r['burst.client_core_share'] if r.get('burst.client_core_share') else None, 0)} % of a core; "
        f"its event loop woke late by a median {_fmt(r.get('burst.client_loop_lag_p50_ms'))} ms, p95 "
        f"{_fmt(r.get('burst.client_loop_lag_p95_ms'))} ms, p99 {_fmt(r.get('burst.client_loop_lag_p99_ms'))} ms, "
        f"max {_fmt(r.get('burst.client_loop_lag_max_ms'))} ms: what every time above may include of the "
        f"client's own delay.",
        "",
        *_speed_lines(r),
        f"Statuses by request: `{r.get('burst.statuses', '')}`",
        "",
        *_freshness_lines(r),
        *_step_lines(r),
    ]


def _speed_lines(r: dict) -> list[str]:
    """The app core's speed around the scenarios (bench.speed), to read the CPU rates above against."""
    moments = ("before_signin", "before_burst", "after_burst")
    if all(f"speed.hash_ms.{moment}" not in r for moment in moments):
        return []
    before_signin, before_burst, after_burst = (
        f"{r[f'speed.hash_ms.{m}']:.1f} ms" if r.get(f"speed.hash_ms.{m}") else "(not read)" for m in moments
    )
    return [
        f"The app core's speed (bench.speed): one Argon2id hash at production's parameters cost {before_signin} "
        f"of CPU on it before the sign-in scenario, {before_burst} before the burst and {after_burst} after it "
        f"(medians of {speed.SAMPLES}, gunicorn idle). The rates per CPU-second above move with it: compare runs "
        f"whose readings agree.",
        "",
    ]


def _freshness_lines(r: dict) -> list[str]:
    """Live figures under the burst (bench.freshness): from each submission to its class's figures."""
    if r.get("freshness.submissions") is None:
        return []
    return [
        "## Live figures under the burst",
        "",
        f"{_fmt(r.get('freshness.submissions'))} submitted attempts in {_fmt(r.get('freshness.classes'))} classes: "
        f"in their school's figures (the class's roll-up row, refreshed by the queued task a worker runs) after "
        f"p50 {_fmt(r.get('freshness.p50_ms'), 0)} ms, p95 {_fmt(r.get('freshness.p95_ms'), 0)} ms, max "
        f"{_fmt(r.get('freshness.max_ms'), 0)} ms from the submission (read every "
        f"{_fmt(r.get('freshness.poll_ms'), 0)} ms, so up to that much late); never shown "
        f"{_fmt(r.get('freshness.not_shown'))}; the figures had caught up "
        f"{_fmt(r.get('freshness.settle_seconds'))} s after the burst's last student.",
        "",
        *_task_rows(r),
    ]


def _task_rows(r: dict) -> list[str]:
    names = sorted({key.split(".")[2] for key in r if key.startswith("freshness.tasks.")})
    if not names:
        return []
    rows = [
        "| Task queued during the burst | tasks | not finished | queue wait p50 ms | p95 ms | run p50 ms | p95 ms |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name in names:
        key = f"freshness.tasks.{name}"
        cells = [f"`{name}`", _fmt(r.get(f"{key}.count")), _fmt(r.get(f"{key}.unfinished"))]
        cells += [
            _fmt(r.get(f"{key}.{what}"), 0) for what in ("wait_p50_ms", "wait_p95_ms", "run_p50_ms", "run_p95_ms")
        ]
        rows.append(_row(*cells))
    return [*rows, ""]


def _levels_lines(r: dict) -> list[str]:
    rows = levels.report_rows(r)
    if len(rows) <= 2:
        return []
    return [
        "## The audit pages at every level (each read by its level's officer, sequential requests)",
        "",
        *rows,
        "",
        f"Load average (1 min) while probing: median {_fmt(r.get('levels.load_1min_median'))}, max "
        f"{_fmt(r.get('levels.load_1min_max'))}.",
        "",
    ]


def levels_markdown(meta: dict, results: dict, verdicts) -> str:
    """The note of `python -m bench run --only-levels`."""
    tree, pin = meta["district"], meta["pinning"]
    lines = [
        f"# Qingdun audit pages at every level — {meta['preset']} preset, {meta['date']}",
        "",
        f"Tree: 1 province, {tree['cities']} cities, {tree['districts']} counties, {tree['schools']:,} schools × "
        f"{tree['students_per_school']:,} students (classes of {tree['class_size']}) × "
        f"{tree['attempts_per_student']} attempts; database {meta['database']}. gunicorn "
        f"({pin['gunicorn_workers']} gthread workers) pinned to core(s) {pin['app_cores']}, the probe on core(s) "
        f"{pin['client_cores']}; PostgreSQL shares both. Machine: {meta['machine']['cores']} cores, shared.",
        "",
        "Load (`uptime`): " + "; ".join(f"{when}: `{line}`" for when, line in meta["load"].items()) + ".",
        "",
        "| Budget | Limit | Measured | Result | Note |",
        "| --- | --- | --- | --- | --- |",
        *_budget_rows(verdicts),
        "",
        *_levels_lines(results),
    ]
    if meta["build_seconds"]:
        steps = ", ".join(f"{k} {v} s" for k, v in meta["build_seconds"].items())
        lines += [f"Build: {steps}. Whole run: {meta['total_seconds']} s.", ""]
    if meta.get("notes"):
        lines += ["Notes:", "", *[f"- {note}" for note in meta["notes"]], ""]
    return "\n".join(lines)


def write_levels_report(folder: Path, meta: dict, results: dict, verdicts) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    day = meta.get("day") or meta["date"][:10]
    payload = {"meta": meta, "budgets": [v.as_dict() for v in verdicts], "results": results}
    paths = [folder / f"levels-{day}.json", folder / f"levels-{day}.md"]
    paths[0].write_text(json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    paths[1].write_text(levels_markdown(meta, results, verdicts), encoding="utf-8")
    return paths


def _step_lines(r: dict) -> list[str]:
    """The cost of each step of the exam start, measured without load (bench.steps): load-independent."""
    from .steps import STEPS, step_key

    rows = [
        _row(
            name,
            _fmt(r.get(f"steps.{step_key(name)}.cpu_ms"), 2),
            _fmt(r.get(f"steps.{step_key(name)}.wall_ms"), 2),
            _fmt(r.get(f"steps.{step_key(name)}.queries"), 0),
        )
        for name in STEPS
        if r.get(f"steps.{step_key(name)}.cpu_ms") is not None
    ]
    if not rows:
        return []
    return [
        "## Cost per step (one student at a time, in process on the app core)",
        "",
        f"{_fmt(r.get('steps.students'))} students walked the burst's path through Django's whole stack "
        "(bench.steps); medians. CPU is the thread's own (Python and psycopg; PostgreSQL's work is its own "
        "processes'), so it does not depend on the machine's load. gunicorn adds its share per request on top.",
        "",
        "| Step | CPU ms | wall ms | queries |",
        "| --- | --- | --- | --- |",
        *rows,
        "",
    ]


def exam_markdown(meta: dict, results: dict, verdicts) -> str:
    """The note of `python -m bench run --only-burst`: the exam budgets and the two scenarios."""
    lines = [
        f"# Qingdun exam scenarios — {meta['date']}",
        "",
        f"{meta['preset']} preset's counts, database {meta['database']}; gunicorn "
        f"({meta['pinning']['gunicorn_workers']} gthread workers) pinned to core(s) {meta['pinning']['app_cores']} "
        f"behind HAProxy; the client on core(s) {meta['pinning']['client_cores']}. Machine: "
        f"{meta['machine']['cores']} cores, shared.",
        "",
        "| Budget | Limit | Measured | Result | Note |",
        "| --- | --- | --- | --- | --- |",
        *_budget_rows(verdicts),
        "",
        *_exam_lines(results),
    ]
    if meta.get("notes"):
        lines += ["Notes:", "", *[f"- {note}" for note in meta["notes"]], ""]
    return "\n".join(lines)


def markdown(meta: dict, results: dict, verdicts) -> str:
    pin, district, r = meta["pinning"], meta["district"], results
    lines = [
        f"# Qingdun benchmark — {meta['preset']} preset, {meta['date']}",
        "",
        f"District: {district['schools']:,} schools × {district['students_per_school']:,} students × "
        f"{district['attempts_per_student']} attempts. Machine: {meta['machine']['cores']} cores, Python "
        f"{meta['machine']['python']}. gunicorn ({pin['gunicorn_workers']} gthread workers) pinned to core(s) "
        f"{pin['app_cores']}; load clients and runner pinned to core(s) {pin['client_cores']}; PostgreSQL "
        f"{pin['postgresql']}.",
        "",
        "## Budgets",
        "",
        "| Budget | Limit | Measured | Result | Note |",
        "| --- | --- | --- | --- | --- |",
        *_budget_rows(verdicts),
        "",
        "## Throughput and latency",
        "",
        "| Scenario | req/s | req/s per app core | p50 ms | p99 ms | queries/request |",
        "| --- | --- | --- | --- | --- | --- |",
        *_scenario_rows(r),
        "",
        f"Lesson page ÷ plain Wagtail page of the same blocks: {_fmt(r.get('lesson.ratio'), 2)}× (budget ≥ 1×).",
        "",
        "| Server time (sequential) | p50 ms | p95 ms | queries/request |",
        "| --- | --- | --- | --- |",
        *[
            _row(label, _fmt(r.get(f"{key}.p50_ms")), _fmt(r.get(f"{key}.p95_ms")), _fmt(r.get(f"{key}.queries")))
            for label, key in (("Bureau dashboard", "dashboard"), ("通报 table", "tongbao"))
        ],
        "",
        *_levels_lines(r),
        "## Micro-benchmarks (in process, pinned to the app core)",
        "",
        "| Function | Median / time | Repetitions | Queries | Peak memory |",
        "| --- | --- | --- | --- | --- |",
        *_micro_rows(r),
        "",
        *_exam_lines(r),
    ]
    if meta["build_seconds"]:
        steps = ", ".join(f"{k} {v} s" for k, v in meta["build_seconds"].items())
        lines += [f"Build: {steps}. Whole run: {meta['total_seconds']} s.", ""]
    if meta["notes"]:
        lines += ["Notes:", "", *[f"- {note}" for note in meta["notes"]], ""]
    return "\n".join(lines)


def write_reports(folder: Path, meta: dict, results: dict, verdicts, full: bool) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    payload = {"meta": meta, "budgets": [v.as_dict() for v in verdicts], "results": results}
    text = json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True)
    md = markdown(meta, results, verdicts)
    paths = [folder / "latest.json", folder / "latest.md"]
    if full:
        day = meta["date"][:10]
        paths += [folder / f"full-{day}.json", folder / f"full-{day}.md"]
    for path in paths:
        path.write_text(text if path.suffix == ".json" else md, encoding="utf-8")
    return paths


def write_exam_report(folder: Path, meta: dict, results: dict, verdicts) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    day = meta["date"][:10]
    payload = {"meta": meta, "budgets": [v.as_dict() for v in verdicts], "results": results}
    paths = [folder / f"exam-{day}.json", folder / f"exam-{day}.md"]
    paths[0].write_text(json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    paths[1].write_text(exam_markdown(meta, results, verdicts), encoding="utf-8")
    return paths
