"""`python -m bench run --preset quick|full`: build a throwaway PostgreSQL site, load it, check the budgets.

Order: tools → database → migrate, seed, generate, roll-up → fixtures → gunicorn pinned to the app core,
HAProxy (deploy/) in front of it and the load clients on the other core → lesson page and baseline (wrk) →
answer save (wrk) → password sign-ins alone (bench.burst) → exam-start burst (bench.burst) → dashboard and
通报 table (sequential probe) → gunicorn and HAProxy stopped → the burst checked in the database →
in-process micro-benchmarks pinned to the app core → results written → database dropped (unless --keep-db).
"""

import contextlib
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import environment, freshness, guard, levels, loadtools, speed
from .budgets import BUDGETS, check_all
from .presets import PRESETS
from .report import write_exam_report, write_levels_report, write_reports
from .server import Edge, Gunicorn, TaskWorker

RESULTS = environment.ROOT / "bench" / "results"
WORKERS_PER_CORE = 3  # gunicorn's (2 × cores + 1) for sync workers
# Behind the edge: requests one app core runs at once (2 per worker; deploy/start-edge's default), the rest
# queued at the edge by priority.
EDGE_MAXCONN_PER_CORE = 6
# Production's task queue for gunicorn and its worker(s): a task a request queues is a row in its transaction, run
# by `db_worker` (the runner's own in-process steps keep the immediate backend: they measure the functions alone).
SERVER_TASKS_BACKEND = "django_tasks_db.DatabaseBackend"
EXAM_PREFIXES = ("burst.", "signin.", "steps.", "freshness.", "speed.")
TASK_WORKERS = 1  # as README's "Running" starts it; --task-workers for more (the topology runs two)


def exam_results(results: dict) -> dict:
    """What an `--only-burst` run reports: the exam scenarios' figures, their step costs and the core's speed."""
    return {key: value for key, value in results.items() if key.startswith(EXAM_PREFIXES)}


def uptime() -> str:
    """`uptime`'s line (the load averages) for the results: the machine may be shared."""
    completed = subprocess.run(["uptime"], capture_output=True, text=True, check=False, env={**os.environ, "TZ": "UTC"})
    return completed.stdout.strip() or " ".join(f"{n:.2f}" for n in os.getloadavg())


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def run(
    preset_name: str,
    seed: int = 1,
    port: int = 8765,
    keep_db: bool = False,
    reuse_db: str | None = None,
    edge: bool = True,
    only_burst: bool = False,
    database: str | None = None,
    redis: str | None = None,
    only_levels: bool = False,
    task_workers: int = TASK_WORKERS,
    app_core_count: int = 1,
) -> int:
    preset = PRESETS[preset_name]
    notes = environment.Notes()
    started = time.perf_counter()
    load_before = uptime()
    environment.ensure_python_packages()
    wrk = environment.ensure_wrk(notes)
    environment.ensure_postgres()

    cores = environment.cores()
    app_cores = cores[: max(1, app_core_count)]
    client_cores = cores[len(app_cores) : len(app_cores) + 1] or cores[-1:]
    if set(client_cores) & set(app_cores):
        notes.add(
            f"the load client shares core(s) {client_cores} with the app ({len(cores)} cores in all), so its "
            "own work is in the app's figures and they are pessimistic"
        )
    # The runner and every load client it starts stay on the client core; gunicorn is started on the app core.
    os.sched_setaffinity(0, client_cores)

    db_name = reuse_db or database or f"{guard.PREFIX}{preset.name}"
    if not guard.is_bench_database(db_name):
        raise SystemExit(f"{db_name}: the benchmark writes into it; name a {guard.PREFIX}* database")
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
    if redis:
        # As production runs with REDIS_URL: the cache, cached sessions and the rate-limit counters in Redis
        # instead of the database (README, "Configuration"); without it every rate-limited request spends
        # several statements on the database cache.
        env["REDIS_URL"] = redis
        notes.add(f"cache, sessions and rate limits in Redis ({redis}), as production runs with REDIS_URL")
    else:
        env.pop("REDIS_URL", None)
        notes.add("no Redis: the cache and rate limits in the database, sessions in the database")
    os.environ.update(env)
    if not redis:
        os.environ.pop("REDIS_URL", None)

    import django

    django.setup()
    from . import micro, prepare

    results: dict = {}
    result_notes: dict = {}
    build = {}
    # gunicorn and its task worker(s) run with production's task queue.
    server_env = {**env, "TASKS_BACKEND": SERVER_TASKS_BACKEND}
    try:
        prepare.refresh_assets(say)
        if not reuse_db:
            build = prepare.build_site(preset, seed, say)
        if only_levels:
            level_pages = levels.pages(seed)
            load_built = uptime()
            workers = WORKERS_PER_CORE * len(app_cores)
            with Gunicorn(server_env, port, app_cores, workers, workdir / "gunicorn.log") as app:
                notes.add(app.describe())
                levels_scenario(app.base_url, level_pages, preset, results, result_notes)
            say("Queries per request of the level pages")
            results.update(levels.query_counts(level_pages))
            load_after = uptime()
            return finish_levels(
                preset, seed, db_name, cores, app_cores, client_cores, build, started, notes, results, result_notes,
                {"before": load_before, "after build": load_built, "after": load_after},
            )  # fmt: skip
        say("Preparing sessions, attempts and URLs")
        fixtures = prepare.fixtures(preset, seed, workdir)
        say(f"Starting gunicorn ({WORKERS_PER_CORE * len(app_cores)} workers) on core(s) {app_cores}")
        workers = WORKERS_PER_CORE * len(app_cores)
        app_port = port + 1 if edge else port
        with contextlib.ExitStack() as stack:
            server = stack.enter_context(
                Gunicorn(server_env, app_port, app_cores, workers, workdir / "gunicorn.log", behind_proxy=edge)
            )
            notes.add(server.describe())
            for index in range(1, task_workers + 1):
                worker = stack.enter_context(TaskWorker(server_env, app_cores, workdir / f"worker{index}.log", index))
                notes.add(worker.describe())
            app = server
            if edge:
                say(f"Starting HAProxy on port {port} in front of gunicorn on {app_port}")
                server = stack.enter_context(
                    Edge(port, app_port, EDGE_MAXCONN_PER_CORE * len(app_cores), client_cores, workdir / "edge")
                )
                notes.add(server.describe())
            http_scenarios(
                server, app, fixtures, preset, wrk, client_cores, app_cores, env, workdir, results, result_notes,
                only_burst=only_burst,
            )  # fmt: skip

        say("Checking the burst's attempts in the database")
        if "burst_outcomes" in fixtures:
            results.update(burst_attempts(fixtures))
        os.sched_setaffinity(0, app_cores)  # in-process timings run where the app ran, now idle
        from .steps import step_costs

        # The exam start's cost per step, one student at a time on the now idle app core (load-independent).
        costs = [
            (
                "cost per step of the exam start",
                "steps.students",
                lambda: step_costs(fixtures["micro_student_ids"][200:], fixtures["burst_quiz_id"], 30),
            )
        ]
        steps = costs if only_burst else [*costs,
            ("submission, answer save", "micro.submit.median_ms",
             lambda: micro.submission(fixtures["micro_student_ids"], fixtures["save_quiz_id"], 200)),
            ("roster import on PostgreSQL", "import.postgres.seconds",
             lambda: micro.roster_import(fixtures["district_id"], "postgres")),
            ("roster import on SQLite", "import.sqlite.seconds", lambda: micro.sqlite_import_in_child(env)),
            (f"CSV export of {preset.export_rows:,} rows", "export.csv.seconds",
             lambda: micro.export_in_child(env, "csv", preset.export_rows)),
            (f"XLSX export of {preset.export_rows:,} rows", "export.xlsx.seconds",
             lambda: micro.export_in_child(env, "xlsx", preset.export_rows)),
            ("通报 XLSX export task", "export.tongbao.seconds", lambda: micro.tongbao_export_in_child(env)),
            ("one class's results, CSV", "export.class_csv.median_ms", lambda: micro.class_export_in_child(env, "csv")),
            ("one class's results, XLSX", "export.class_xlsx.median_ms",
             lambda: micro.class_export_in_child(env, "xlsx")),
            ("queries per request", "lesson.queries", lambda: micro.query_counts(fixtures)),
            ("queries per request of the level pages", "levels.county.dashboard.queries",
             lambda: levels.query_counts(fixtures["level_pages"])),
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
        # A partial run: not written over latest.* (whose budgets need every scenario), but to exam-<date>.*.
        exam = exam_results(results)
        verdicts = [
            verdict
            for budget, verdict in zip(BUDGETS, check_all(results, result_notes), strict=True)
            if budget.metric.startswith(("burst.", "signin.", "freshness."))
        ]
        print(json.dumps({"notes": notes.lines, "results": exam}, indent=2, ensure_ascii=False))
        for v in verdicts:
            print(f"{'pass' if v.passed else 'FAIL'}  {v.label}: {v.value} {v.unit} (budget {v.limit}) {v.note}")
        meta = {
            "preset": preset.name,
            "database": db_name,
            "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "machine": {"cores": len(cores), "python": platform.python_version()},
            "pinning": {"app_cores": app_cores, "client_cores": client_cores, "gunicorn_workers": workers},
            "load": {"before": load_before, "after": uptime()},
            "notes": notes.lines,
        }
        paths = write_exam_report(RESULTS, meta, exam, verdicts)
        say(f"Written: {', '.join(str(p.relative_to(environment.ROOT)) for p in paths)}")
        return 0 if all(v.passed for v in verdicts) else 1
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
    server, app, fixtures, preset, wrk, client_cores, app_cores, env, workdir, results, notes, only_burst=False
) -> None:
    # The throughput and server-time scenarios measure the app: straight to gunicorn, since the edge would
    # queue wrk's connections behind each other and shed what is past its tier's queue (tier 3, the lesson and
    # baseline pages, at 24). Sign-in and the burst go through the edge, as students' browsers do.
    edge_base, base = server.base_url, app.base_url
    per_core = len(app_cores)
    if only_burst:
        exam_scenarios(edge_base, app, fixtures, preset, workdir, client_cores, app_cores, results, notes)
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

    exam_scenarios(edge_base, app, fixtures, preset, workdir, client_cores, app_cores, results, notes)

    levels_scenario(base, fixtures["level_pages"], preset, results, notes)
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


def levels_scenario(base: str, level_pages, preset, results: dict, notes: dict) -> None:
    """The audit pages of the province, a city and a county, each level's officer signed in through the form."""
    from .generator.district import BENCH_PASSWORD

    if not level_pages:
        for level in levels.LEVELS:
            for kind in levels.PAGE_KINDS:
                notes[levels.metric(level, kind)] = "the preset built no region tree (Preset.cities)"
        return
    say(f"probe: the audit pages at every level ({preset.latency_requests} sequential requests each)")
    with loadtools.LoadSampler() as load:
        levels.measure(base, level_pages, BENCH_PASSWORD, preset.latency_requests, results, notes)
    results["levels.load_1min_median"] = load.summary()["median"]
    results["levels.load_1min_max"] = load.summary()["max"]


def finish_levels(
    preset, seed, db_name, cores, app_cores, client_cores, build, started, notes, results, result_notes, load
) -> int:
    """`--only-levels`: the level pages' budgets and rows, written to bench/results/levels-<date>.*."""
    verdicts = [
        verdict
        for budget, verdict in zip(BUDGETS, check_all(results, result_notes), strict=True)
        if budget.metric.startswith("levels.")
    ]
    for v in verdicts:
        print(f"{'pass' if v.passed else 'FAIL'}  {v.label}: {v.value} {v.unit} (budget {v.limit}) {v.note}")
    meta = {
        "preset": preset.name,
        "database": db_name,
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        # The file's day in UTC, the house's clock for result notes written on this machine.
        "day": datetime.datetime.now(datetime.UTC).date().isoformat(),
        "seed": seed,
        "machine": {"cores": len(cores), "python": platform.python_version()},
        "pinning": {
            "app_cores": app_cores,
            "client_cores": client_cores,
            "gunicorn_workers": WORKERS_PER_CORE * len(app_cores),
        },
        "district": {
            "schools": preset.schools,
            "students_per_school": preset.students_per_school,
            "attempts_per_student": preset.attempts_per_student,
            "districts": preset.districts,
            "cities": preset.cities,
            "class_size": preset.class_size,
        },
        "build_seconds": build,
        "total_seconds": round(time.perf_counter() - started, 1),
        "load": load,
        "notes": notes.lines,
    }
    paths = write_levels_report(RESULTS, meta, results, verdicts)
    say(f"Written: {', '.join(str(p.relative_to(environment.ROOT)) for p in paths)}")
    return 0 if all(v.passed for v in verdicts) else 1


def client_run(data_file: str, base: str, workdir, client_cores, label: str) -> dict:
    """bench.burst in a child process pinned to the client core(s); its results as a dict."""
    data = json.loads(Path(data_file).read_text(encoding="utf-8"))
    data["base_url"] = base
    ready = workdir / f"{label}-in.json"
    ready.write_text(json.dumps(data), encoding="utf-8")
    out = workdir / f"{label}-out.json"
    command = loadtools.pinned([sys.executable, "-m", "bench", "burst-client", str(ready), str(out)], client_cores)
    completed = subprocess.run(command, cwd=environment.ROOT, capture_output=True, text=True, check=False)  # noqa: S603
    if completed.returncode != 0 or not out.exists():
        raise RuntimeError(f"the burst client failed (exit {completed.returncode}): {completed.stderr[-2000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def exam_scenarios(base, app, fixtures, preset, workdir, client_cores, app_cores, results, notes) -> None:
    """The sign-in scenario, then the burst, with the app core's speed read around each (bench.speed)."""
    speed.mark(results, "before_signin", app_cores)
    signin_scenario(base, app, fixtures, preset, workdir, client_cores, app_cores, results, notes)
    speed.mark(results, "before_burst", app_cores)
    burst_scenario(base, app, fixtures, preset, workdir, client_cores, app_cores, results, notes)
    speed.mark(results, "after_burst", app_cores)


def signin_scenario(base, app, fixtures, preset, workdir, client_cores, app_cores, results, notes) -> None:
    """Password sign-ins alone: every student of the scenario at once through the form (GET, then POST, which
    decides where she lands; the page it leads to is not followed), rooms of forty behind one address each, no
    retries.

    Per app core: the sign-ins completed per CPU-second gunicorn had (its processes' user + system time over
    the scenario). The app is CPU-bound here (Argon2id), so on an idle machine that is the wall-clock rate
    per core; on a shared one it is the rate of the share of the core the app was actually given, and the
    wall-clock rate is reported beside it."""
    say(f"sign-in: {preset.signin_students} students by password at once (Argon2id, through the form)")
    cpu_before = app.cpu_seconds()
    with loadtools.LoadSampler() as load:
        run = client_run(fixtures["signin_file"], base, workdir, client_cores, "signin")
    cpu = app.cpu_seconds() - cpu_before
    results["signin.load_1min_median"] = load.summary()["median"]
    done = [s for s in run["students"] if "signed_in_s" in s]
    results["signin.students"] = len(run["students"])
    results["signin.completed"] = len(done)
    results["signin.seconds"] = run["seconds"]
    results["signin.app_cpu_seconds"] = cpu
    results["signin.per_second"] = len(done) / run["seconds"] if run["seconds"] else None
    results["signin.per_second_wall_per_core"] = results["signin.per_second"] / len(app_cores) if done else None
    results["signin.app_core_share"] = cpu / (run["seconds"] * len(app_cores)) if run["seconds"] else None
    results["signin.per_second_per_core"] = len(done) / cpu if done and cpu > 0 else None
    results["signin.p50_ms"] = loadtools.percentile([1000 * s["signed_in_s"] for s in done], 50)
    results["signin.p95_ms"] = loadtools.percentile([1000 * s["signed_in_s"] for s in done], 95)
    errors = count_errors(run["requests"])
    results["signin.errors"] = sum(errors.values())
    if len(done) < len(run["students"]) or results["signin.errors"]:
        notes["signin.per_second_per_core"] = (
            f"{len(run['students']) - len(done)} students not signed in; {errors['server']} 5xx, "
            f"{errors['timeouts']} timeouts, {errors['connection']} connection errors"
        )


def count_errors(requests: dict) -> dict:
    """Server errors are 5xx answers other than a 503 with Retry-After: that one is the edge shedding (its
    queue timed out), answered as designed (docs/scaling.md), and counted with the 429s as `shed`."""
    return {
        "server": sum(n for r in requests.values() for s, n in r["statuses"].items() if s.startswith("5"))
        - sum(r.get("shed_503", 0) for r in requests.values()),
        "timeouts": sum(r["timeouts"] for r in requests.values()),
        "connection": sum(r["errors"] for r in requests.values()),
    }


def burst_scenario(base, app, fixtures, preset, workdir, client_cores, app_cores, results, notes) -> None:
    from .prepare import ROOM_SIZE

    say(
        f"burst: {preset.burst_students} students in rooms of {ROOM_SIZE} starting within "
        f"{preset.burst_rooms_start_s:g} s, each room filling over {preset.burst_room_fill_s:g} s, half by slip "
        f"code and half by password, start, {BURST_QUESTIONS} answers, submit; 20% of requests sent twice"
    )
    cpu_before = app.cpu_seconds()
    student_class = freshness.burst_classes(fixtures["burst_student_ids"])
    from django.utils import timezone

    burst_began = timezone.now()
    watch = freshness.FreshnessWatch(set(student_class.values()))
    watch.start()
    with loadtools.LoadSampler() as load:
        try:
            run = client_run(fixtures["burst_file"], base, workdir, client_cores, "burst")
        finally:
            submissions = freshness.submissions_of(fixtures["burst_quiz_id"], student_class)
            say(f"figures freshness: waiting for {len(submissions)} submissions to show (at most "
                f"{freshness.SETTLE_SECONDS:g} s)")  # fmt: skip
            settled = watch.settle(freshness.expected_per_class(submissions))
            watch.stop()
    results.update(freshness.summarise(watch, submissions, settled))
    results.update(freshness.task_queue(burst_began))
    if results["freshness.not_shown"]:
        notes["freshness.not_shown"] = (
            f"{results['freshness.not_shown']} submissions not in their class's figures "
            f"{freshness.SETTLE_SECONDS:g} s after the burst"
        )
    results["burst.load_1min_median"] = load.summary()["median"]
    results["burst.load_1min_max"] = load.summary()["max"]
    results["burst.app_cpu_seconds"] = app.cpu_seconds() - cpu_before
    results["burst.app_core_share"] = results["burst.app_cpu_seconds"] / (run["seconds"] * len(app_cores))
    summarise_burst(run, results, notes, len(app_cores))
    # Conservative: the app's CPU over the whole burst (sign-ins and pages included) against the answers alone.
    if results["burst.app_cpu_seconds"] > 0:
        results["burst.answers_per_app_cpu_second"] = (
            results["burst.answers_confirmed"] / results["burst.app_cpu_seconds"]
        )
    fixtures["burst_outcomes"] = run["students"]


BURST_QUESTIONS = 30


def summarise_burst(run: dict, results: dict, notes: dict, app_cores: int = 1) -> None:
    # Named so that no reader (bandit included) takes it for the requests library.
    by_name, students = run["requests"], run["students"]
    errors = count_errors(by_name)
    results["burst.seconds"] = run["seconds"]
    # The client's own load: every time it measures includes how late its event loop ran (bench.burst).
    client = run.get("client") or {}
    if client:
        results["burst.client_cpu_seconds"] = client.get("cpu_seconds")
        results["burst.client_core_share"] = client.get("cpu_seconds", 0) / run["seconds"] if run["seconds"] else None
        for key in ("loop_lag_p50_ms", "loop_lag_p95_ms", "loop_lag_p99_ms", "loop_lag_max_ms"):
            results[f"burst.client_{key}"] = client.get(key)
    if run.get("capped"):
        notes["burst.unfinished"] = f"the client stopped after {run['seconds']:.0f} s; "
    results["burst.requests"] = sum(len(r["times"]) for r in by_name.values())
    results["burst.requests_lost_and_resent"] = sum(s.get("requests_duplicated", 0) for s in students)
    results["burst.server_errors"] = errors["server"]
    results["burst.timeouts"] = errors["timeouts"]
    results["burst.connection_errors"] = errors["connection"]
    results["burst.errors"] = sum(errors.values())
    results["burst.429"] = sum(r["statuses"].get("429", 0) for r in by_name.values())
    results["burst.503_with_retry_after"] = sum(r.get("shed_503", 0) for r in by_name.values())
    results["burst.shed_without_retry_after"] = sum(r["no_retry_after"] for r in by_name.values())
    unfinished = [s for s in students if "failed_at" in s or not s.get("submitted")]
    results["burst.unfinished"] = len(unfinished)
    for path in ("token", "password"):
        times = [1000 * s["first_question_s"] for s in students if s["path"] == path and "first_question_s" in s]
        results[f"burst.{path}.first_question_p50_ms"] = loadtools.percentile(times, 50)
        results[f"burst.{path}.first_question_p95_ms"] = loadtools.percentile(times, 95)
        signed = [1000 * s["signed_in_s"] for s in students if s["path"] == path and "signed_in_s" in s]
        results[f"burst.{path}.signin_p95_ms"] = loadtools.percentile(signed, 95)
    # Answers the server confirmed as saved, per second of the stretch in which students were answering.
    confirmed = sorted(t for s in students for t in s.get("saves_confirmed_at", []))
    results["burst.answers_confirmed"] = len(confirmed)
    starts = [s["first_question_s"] for s in students if "first_question_s" in s]
    if confirmed and starts:
        # Every student's clock starts at her arrival; the span is measured on the run's own clock.
        ends = [s["arrival_origin"] + max(s["saves_confirmed_at"]) for s in students if s.get("saves_confirmed_at")]
        begins = [s["arrival_origin"] + s["first_question_s"] for s in students if "first_question_s" in s]
        span = max(ends) - min(begins)
        results["burst.answers_per_second"] = len(confirmed) / span if span > 0 else None
        results["burst.answers_per_second_per_core"] = (
            results["burst.answers_per_second"] / app_cores if results["burst.answers_per_second"] else None
        )
    for name in ("start", "answer", "submit", "paper", "signin password", "signin slip"):
        times = by_name.get(name, {}).get("times", [])
        key = name.replace(" ", "_")
        results[f"burst.{key}.p50_ms"] = loadtools.percentile(times, 50)
        results[f"burst.{key}.p99_ms"] = loadtools.percentile(times, 99)
    statuses = {name: r["statuses"] for name, r in by_name.items()}
    results["burst.statuses"] = json.dumps(statuses, sort_keys=True, ensure_ascii=False)
    if results["burst.errors"]:
        notes["burst.errors"] = f"{errors['server']} 5xx, {errors['timeouts']} timeouts, {errors['connection']} resets"
    if unfinished:
        where = {}
        for s in unfinished:
            where[s.get("failed_at", "submit")] = where.get(s.get("failed_at", "submit"), 0) + 1
        notes["burst.unfinished"] = (
            notes.get("burst.unfinished", "") + "stopped at: " + ", ".join(f"{k} {v}" for k, v in sorted(where.items()))
        )


def burst_attempts(fixtures: dict) -> dict:
    """Checked in the database after the run: no student has two attempts; every submission the server
    confirmed is there, submitted; every answer the server confirmed (saved, or in a confirmed submission) is
    in its attempt as chosen, once. An answer's tokens are mapped to option ids by the attempt's own key."""
    from django.db.models import Count

    from quizzes.models import Answer, Attempt
    from quizzes.paper import option_ids

    outcomes = fixtures.get("burst_outcomes", [])
    ids = fixtures["burst_student_ids"]
    attempts = Attempt.objects.filter(quiz_id=fixtures["burst_quiz_id"], student_id__in=ids)
    per_student = dict(attempts.values("student_id").annotate(n=Count("id")).values_list("student_id", "n"))
    by_student = {a.student_id: a for a in attempts.only("id", "student_id", "submitted_at", "answer_key")}
    stored: dict[int, dict[int, list]] = {}
    rows_per_answer = 0
    for attempt_id, question_id, chosen in Answer.objects.filter(attempt__in=attempts).values_list(
        "attempt_id", "question_id", "chosen"
    ):
        if question_id in stored.setdefault(attempt_id, {}):
            rows_per_answer += 1
        stored[attempt_id][question_id] = chosen
    lost_submissions = lost_answers = wrong_answers = 0
    for outcome in outcomes:
        attempt = by_student.get(outcome["student_id"])
        if outcome.get("submitted") and (attempt is None or attempt.submitted_at is None):
            lost_submissions += 1
        if attempt is None:
            lost_answers += len(outcome.get("answers_confirmed", []))
            continue
        confirmed = set(outcome.get("answers_confirmed", []))
        if outcome.get("submitted"):
            confirmed |= {int(q) for q in outcome.get("chosen", {})}
        for question in confirmed:
            expected = option_ids(attempt.answer_key, question, outcome["chosen"][str(question)])
            held = stored.get(attempt.pk, {}).get(question)
            if held is None:
                lost_answers += 1
            elif sorted(held) != sorted(expected or []):
                wrong_answers += 1
    duplicated = sum(n - 1 for n in per_student.values() if n > 1)
    submitted = sum(1 for a in by_student.values() if a.submitted_at is not None)
    return {
        "burst.students": len(ids),
        "burst.confirmed_submissions": sum(1 for o in outcomes if o.get("submitted")),
        "burst.attempts_submitted": submitted,
        "burst.attempts_missing": lost_submissions,
        "burst.attempts_duplicated": duplicated,
        "burst.attempts_unsubmitted": len(by_student) - submitted,
        "burst.answers_lost": lost_answers + wrong_answers,
        "burst.answers_duplicated": rows_per_answer,
        "burst.attempt_mismatch": lost_submissions + duplicated,
        "burst.answer_mismatch": lost_answers + wrong_answers + rows_per_answer,
    }
