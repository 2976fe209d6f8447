"""`python -m bench run --preset quick|full`: build a throwaway PostgreSQL site, load it, check the budgets.

Order: tools → database → migrate, seed, generate, roll-up → fixtures → gunicorn pinned to the app core with
the load clients on the other → lesson page and baseline (wrk) → answer save (wrk) → exam-start burst
(locust) → dashboard and 通报 table (sequential probe) → gunicorn stopped → in-process micro-benchmarks pinned
to the app core → results written → database dropped (unless --keep-db).
"""

import contextlib
import datetime
import json
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

from . import environment, guard, loadtools
from .budgets import check_all
from .presets import PRESETS
from .report import write_reports
from .server import Edge, Gunicorn

RESULTS = environment.ROOT / "bench" / "results"
WORKERS_PER_CORE = 3  # gunicorn's (2 × cores + 1) for sync workers
# Behind the edge: requests one app core runs at once, as the admission gate allowed (2 per worker).
EDGE_MAXCONN_PER_CORE = 6


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def run(
    preset_name: str,
    seed: int = 1,
    port: int = 8765,
    keep_db: bool = False,
    reuse_db: str | None = None,
    edge: bool = False,
    only_burst: bool = False,
) -> int:
    preset = PRESETS[preset_name]
    notes = environment.Notes()
    started = time.perf_counter()
    environment.ensure_python_packages()
    wrk = environment.ensure_wrk(notes)
    environment.ensure_postgres()

    cores = environment.cores()
    app_cores, client_cores = cores[:1], cores[1:2] or cores[:1]
    if len(cores) < 2:
        notes.add("one core only: the server and the load clients share it, so figures are pessimistic")
    # The runner and every load client it starts stay on the client core; gunicorn is started on the app core.
    os.sched_setaffinity(0, client_cores)

    db_name = reuse_db or f"{guard.PREFIX}{preset.name}"
    if not guard.is_bench_database(db_name):
        raise SystemExit(f"--reuse-db {reuse_db}: the benchmark writes into it; name a {guard.PREFIX}* database")
    workdir = Path(tempfile.mkdtemp(prefix="qingdun-bench-"))
    if reuse_db:
        if not environment.database_exists(reuse_db):
            raise SystemExit(f"--reuse-db {reuse_db}: no such database")
        database_url = f"{environment.PG_URL}/{reuse_db}"
        env = environment.django_env(database_url, workdir)
    else:
        say(f"Creating database {db_name}")
        env = environment.django_env("", workdir)
        database_url = environment.create_migrated_database(db_name, env, say)
        env["DATABASE_URL"] = database_url
    os.environ.update(env)

    import django

    django.setup()
    from . import micro, prepare

    results: dict = {}
    result_notes: dict = {}
    build = {}
    try:
        prepare.refresh_assets(say)
        if not reuse_db:
            build = prepare.build_site(preset, seed, say)
        say("Preparing sessions, attempts and URLs")
        fixtures = prepare.fixtures(preset, seed, workdir)
        say(f"Starting gunicorn ({WORKERS_PER_CORE * len(app_cores)} workers) on core(s) {app_cores}")
        workers = WORKERS_PER_CORE * len(app_cores)
        app_port = port + 1 if edge else port
        with contextlib.ExitStack() as stack:
            server = stack.enter_context(
                Gunicorn(env, app_port, app_cores, workers, workdir / "gunicorn.log", behind_proxy=edge)
            )
            notes.add(server.describe())
            if edge:
                say(f"Starting HAProxy on port {port} in front of gunicorn on {app_port}")
                server = stack.enter_context(
                    Edge(port, app_port, EDGE_MAXCONN_PER_CORE * len(app_cores), client_cores, workdir / "edge")
                )
                notes.add(server.describe())
            http_scenarios(
                server, fixtures, preset, wrk, client_cores, app_cores, env, workdir, results, result_notes,
                only_burst=only_burst,
            )  # fmt: skip

        say("Checking the burst's attempts in the database")
        results.update(burst_attempts(fixtures))
        os.sched_setaffinity(0, app_cores)  # in-process timings run where the app ran, now idle
        steps = [] if only_burst else [
            ("submission, answer save", "micro.submit.median_ms",
             lambda: micro.submission(fixtures["micro_student_ids"], fixtures["save_quiz_id"], 200)),
            ("roster import on PostgreSQL", "import.postgres.seconds",
             lambda: micro.roster_import(fixtures["district_id"], "postgres")),
            ("roster import on SQLite", "import.sqlite.seconds", lambda: micro.sqlite_import_in_child(env)),
            (f"CSV export of {preset.export_rows:,} rows", "export.csv.seconds",
             lambda: micro.export_in_child(env, "csv", preset.export_rows)),
            (f"XLSX export of {preset.export_rows:,} rows", "export.xlsx.seconds",
             lambda: micro.export_in_child(env, "xlsx", preset.export_rows)),
            ("queries per request", "lesson.queries", lambda: micro.query_counts(fixtures)),
        ]  # fmt: skip
        for label, metric, step in steps:
            say(f"Micro-benchmark: {label}")
            try:
                results.update(step())
            except Exception as error:  # noqa: BLE001 — one broken step is reported, the others still run
                result_notes[metric] = f"failed: {str(error).strip().splitlines()[-1][:200]}"
                notes.add(f"{label} failed: {str(error)[-600:]}")
        for fmt in ("csv", "xlsx"):
            source = results.get(f"export.{fmt}.source_rows")
            if source is None:
                continue
            written = f"{preset.export_rows:,} rows written in {results[f'export.{fmt}.seconds']:.1f} s"
            if source < preset.export_rows:
                written += f" from {source:,} attempts read repeatedly"
            result_notes.setdefault(f"export.{fmt}.seconds_per_million", written)
    finally:
        if not keep_db and not reuse_db:
            from django.db import connections

            connections.close_all()
            environment.drop_database(db_name)
        shutil.rmtree(workdir, ignore_errors=True)

    if only_burst:
        # A partial run: printed, not written over bench/results (whose budgets need every scenario).
        burst = {key: value for key, value in results.items() if key.startswith("burst.")}
        print(json.dumps({"notes": notes.lines, "burst": burst}, indent=2, ensure_ascii=False))
        return 0 if not burst.get("burst.errors") and not burst.get("burst.attempt_mismatch") else 1
    for fmt in ("csv", "xlsx"):
        before = results.get(f"export.{fmt}.process_before_mb")
        if before is not None:
            result_notes.setdefault(
                f"export.{fmt}.peak_mb",
                f"growth of the exporting process's peak RSS over its {before:.0f} MB before the export "
                f"(Django and the apps loaded); whole process peak {results[f'export.{fmt}.process_peak_mb']:.0f} MB",
            )
    verdicts = check_all(results, result_notes)
    meta = {
        "preset": preset.name,
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "seed": seed,
        "machine": {"cores": len(cores), "python": platform.python_version(), "platform": platform.platform()},
        "pinning": {
            "app_cores": app_cores,
            "client_cores": client_cores,
            "gunicorn_workers": WORKERS_PER_CORE * len(app_cores),
            "postgresql": "not pinned (system service, shares both cores)",
        },
        "district": {
            "schools": preset.schools,
            "students_per_school": preset.students_per_school,
            "attempts_per_student": preset.attempts_per_student,
        },
        "build_seconds": build,
        "total_seconds": round(time.perf_counter() - started, 1),
        "notes": notes.lines,
    }
    paths = write_reports(RESULTS, meta, results, verdicts, full=preset.name == "full")
    print((RESULTS / "latest.md").read_text(encoding="utf-8"))
    say(f"Written: {', '.join(str(p.relative_to(environment.ROOT)) for p in paths)}")
    return 0 if all(v.passed for v in verdicts) else 1


def http_scenarios(
    server, fixtures, preset, wrk, client_cores, app_cores, env, workdir, results, notes, only_burst=False
) -> None:
    base = server.base_url
    per_core = len(app_cores)
    if only_burst:
        burst_scenario(base, fixtures, preset, env, workdir, client_cores, results, notes)
        return
    if fixtures["lesson_path"]:
        say("Warming up")
        for path in (fixtures["lesson_path"], fixtures["baseline_path"]):
            loadtools.probe(base, path, fixtures["reader_cookie"], count=20)
        for label in ("lesson", "baseline"):
            request = {
                "method": "GET",
                "path": fixtures[f"{label}_path"],
                "headers": {"Cookie": fixtures["reader_cookie"]},
            }
            script = loadtools.wrk_script([request], workdir / f"{label}.lua")
            if wrk:
                say(f"wrk: {label} page, {preset.seconds} s")
                figures = loadtools.run_wrk(wrk, base, script, preset.seconds, 16, client_cores)
                results[f"{label}.rps"] = figures["rps"]
                results[f"{label}.rps_per_core"] = figures["rps"] / per_core if figures["rps"] else None
                results[f"{label}.p50_ms"] = figures["p50_ms"]
                results[f"{label}.p99_ms"] = figures["p99_ms"]
                results[f"{label}.non_2xx"] = figures["bad"]
                if figures["bad"]:
                    notes[f"{label}.rps"] = f"{figures['bad']} answers were not 2xx/3xx"
        if results.get("lesson.rps") and results.get("baseline.rps"):
            results["lesson.ratio"] = results["lesson.rps"] / results["baseline.rps"]
    else:
        notes["lesson.ratio"] = "no live lesson page: the curriculum seeder made none"

    if wrk:
        say(f"wrk: answer save across {len(fixtures['save_requests'])} students, {preset.seconds} s")
        script = loadtools.wrk_script(fixtures["save_requests"], workdir / "save.lua")
        figures = loadtools.run_wrk(wrk, base, script, preset.seconds, 32, client_cores)
        results["save.rps"] = figures["rps"]
        results["save.rps_per_core"] = figures["rps"] / per_core if figures["rps"] else None
        results["save.p50_ms"] = figures["p50_ms"]
        results["save.p99_ms"] = figures["p99_ms"]
        results["save.non_2xx"] = figures["bad"]
        if figures["bad"]:
            notes["save.rps_per_core"] = f"{figures['bad']} of {figures['requests']} answers were not 2xx (429 or 4xx)"
    else:
        notes["save.rps_per_core"] = "wrk missing"

    burst_scenario(base, fixtures, preset, env, workdir, client_cores, results, notes)

    for label in ("dashboard", "tongbao"):
        path = fixtures[f"{label}_path"]
        if not path:
            notes[f"{label}.p95_ms"] = f"plans has no URL named {fixtures[f'{label}_name']}"
            continue
        say(f"probe: {label} ({preset.latency_requests} sequential requests)")
        figures = loadtools.probe(base, path, fixtures["bureau_cookie"], preset.latency_requests)
        results[f"{label}.p50_ms"] = figures["p50_ms"]
        results[f"{label}.p95_ms"] = figures["p95_ms"]
        if set(figures["statuses"]) != {"200"}:
            notes[f"{label}.p95_ms"] = f"statuses {figures['statuses']}"
            results[f"{label}.p95_ms"] = None


def burst_scenario(base, fixtures, preset, env, workdir, client_cores, results, notes) -> None:
    say(f"locust: exam-start burst of {preset.burst_students} students, 20% of requests retried")
    burst = loadtools.run_locust(
        environment.ROOT / "bench" / "scenarios" / "burst_locustfile.py",
        base,
        users=preset.burst_students,
        spawn_rate=max(1, preset.burst_students // 10),
        seconds=180,
        env={**env, "BENCH_DATA": fixtures["burst_file"]},
        out=workdir / "burst-out.json",
        client_cores=client_cores,
    )
    summarise_burst(burst, results, notes)
    fixtures["burst_confirmed_ids"] = burst.get("submitted_ids", [])


def summarise_burst(burst: dict, results: dict, notes: dict) -> None:
    requests = burst["requests"]
    server_errors = sum(n for r in requests.values() for s, n in r["statuses"].items() if s.startswith("5"))
    timeouts = sum(r["timeouts"] for r in requests.values())
    other = sum(r["errors"] for r in requests.values())
    results["burst.requests"] = sum(len(r["times"]) for r in requests.values())
    results["burst.server_errors"] = server_errors
    results["burst.timeouts"] = timeouts
    results["burst.connection_errors"] = other
    results["burst.errors"] = server_errors + timeouts + other
    results["burst.429"] = sum(r["statuses"].get("429", 0) for r in requests.values())
    results["burst.429_without_retry_after"] = sum(r["no_retry_after"] for r in requests.values())
    results["burst.users_done"] = burst.get("users_done")
    for name in ("start", "submit", "paper"):
        times = requests.get(name, {}).get("times", [])
        results[f"burst.{name}.p50_ms"] = loadtools.percentile(times, 50)
        results[f"burst.{name}.p99_ms"] = loadtools.percentile(times, 99)
    statuses = {name: r["statuses"] for name, r in requests.items()}
    results["burst.statuses"] = json.dumps(statuses, sort_keys=True)
    if results["burst.errors"]:
        notes["burst.errors"] = f"{server_errors} 5xx, {timeouts} timeouts, {other} connection errors"


def burst_attempts(fixtures: dict) -> dict:
    """Counted in the database: no student has two attempts, and every submission the server confirmed to the
    client (a redirect to the result) is there, submitted. Attempts left open by students whose requests timed
    out are reported but are not lost: the student resumes them."""
    from django.db.models import Count

    from quizzes.models import Attempt

    ids = fixtures["burst_student_ids"]
    per_student = dict(
        Attempt.objects.filter(quiz_id=fixtures["burst_quiz_id"], student_id__in=ids)
        .values("student_id")
        .annotate(n=Count("id"))
        .values_list("student_id", "n")
    )
    submitted = set(
        Attempt.objects.filter(
            quiz_id=fixtures["burst_quiz_id"], student_id__in=ids, submitted_at__isnull=False
        ).values_list("student_id", flat=True)
    )
    confirmed = set(fixtures.get("burst_confirmed_ids", []))
    lost = len(confirmed - submitted)
    duplicated = sum(n - 1 for n in per_student.values() if n > 1)
    return {
        "burst.students": len(ids),
        "burst.confirmed_submissions": len(confirmed),
        "burst.attempts_missing": lost,
        "burst.attempts_duplicated": duplicated,
        "burst.attempts_unsubmitted": sum(per_student.values()) - len(submitted),
        "burst.attempt_mismatch": lost + duplicated,
    }
