"""The bench before and after a change, side by side: each tree's own `python -m bench run`, interleaved.

    python -m bench.before_after --before /work/wt/bench-before --after /work/wt/bench-after [--rounds 2]

Each side is a git worktree (with .venv linked) of the commit to measure. Round 1 builds each side's quick
district (its own migrations, its own generator) and keeps the database under qingdun_bench_<side>; later
rounds measure those databases again (--reuse-db). The sides alternate (before, after, before, after) so that
a change in the machine's load falls on both alike, and the load average is sampled every 5 s during each run.
Every run's latest.json is kept in bench/results/before-after-runs/ and the medians go into
bench/results/before-after-<date>.json and .md (with bench.xlsx_compare's figures for the three XLSX shapes).

The ratios against the plain Wagtail page measured in the same run (lesson ÷ baseline) are the robust figure
on a shared machine: both pages see the same load within seconds of each other.
"""

import argparse
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from . import environment, guard
from .loadtools import LoadSampler

RESULTS = environment.ROOT / "bench" / "results"
RUNS = RESULTS / "before-after-runs"

# (label, metric, unit, higher is better)
FIGURES = [
    ("Lesson page, signed-in student", "lesson.rps", "req/s", True),
    ("Plain Wagtail page of the same blocks", "baseline.rps", "req/s", True),
    ("Lesson page ÷ plain Wagtail page (same run)", "lesson.ratio", "×", True),
    ("Lesson page p50", "lesson.p50_ms", "ms", False),
    ("Answer save (wrk, many students)", "save.rps", "req/s", True),
    ("Answer save p50", "save.p50_ms", "ms", False),
    ("Answer save, in process (median)", "micro.save.median_ms", "ms", False),
    ("Grade and save a 30-question submission (median)", "micro.submit.median_ms", "ms", False),
    ("通报 table (HTML), server time p95", "tongbao.p95_ms", "ms", False),
    ("Bureau dashboard, server time p95", "dashboard.p95_ms", "ms", False),
    ("CSV export, 250,000 rows", "export.csv.seconds", "s", False),
    ("XLSX export, 250,000 rows", "export.xlsx.seconds", "s", False),
    ("XLSX export, 250,000 rows, peak memory growth", "export.xlsx.peak_mb", "MB", False),
    ("Roster import, 3,000 rows, PostgreSQL", "import.postgres.seconds", "s", False),
    ("Lesson page, queries per request", "lesson.queries", "", False),
    ("Answer save, queries per request", "save.queries", "", False),
]


def run_side(side: str, tree: Path, round_number: int, port: int) -> dict:
    database = f"{guard.PREFIX}{side}"
    command = [str(tree / ".venv" / "bin" / "python"), "-m", "bench", "run", "--preset", "quick", "--port", str(port)]
    build = not environment.database_exists(database)
    command += ["--keep-db"] if build else ["--reuse-db", database]
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    sampler = LoadSampler()
    sampler.start()
    started = time.perf_counter()
    log = RUNS / f"{side}-{round_number}.log"
    with log.open("w") as handle:
        completed = subprocess.run(command, cwd=tree, env=env, stdout=handle, stderr=subprocess.STDOUT, check=False)  # noqa: S603
    sampler.stopped.set()
    sampler.join()
    if build:
        # The runner kept qingdun_bench_quick; give it this side's name so the other side can build its own.
        environment.drop_database(database)
        environment._admin(f'ALTER DATABASE "{guard.PREFIX}quick" RENAME TO "{database}"')
    latest = tree / "bench" / "results" / "latest.json"
    payload = json.loads(latest.read_text(encoding="utf-8"))
    copy = RUNS / f"{side}-{round_number}.json"
    shutil.copyfile(latest, copy)
    # The run wrote over the side's own results; put the committed ones back.
    subprocess.run(["git", "checkout", "--", "bench/results"], cwd=tree, check=False)  # noqa: S603, S607
    return {
        "side": side,
        "round": round_number,
        "built": build,
        "exit": completed.returncode,
        "seconds": round(time.perf_counter() - started, 1),
        "load_1min": sampler.summary(),
        "results": payload["results"],
    }


def medians(runs: list[dict], side: str) -> dict:
    out = {}
    for _, metric, _, _ in FIGURES:
        values = [r["results"].get(metric) for r in runs if r["side"] == side]
        values = [v for v in values if isinstance(v, (int, float))]
        out[metric] = statistics.median(values) if values else None
    return out


def _fmt(value, unit="") -> str:
    if value is None:
        return "—"
    digits = 2 if abs(value) < 10 else 1 if abs(value) < 1000 else 0
    return f"{value:,.{digits}f}{(' ' + unit) if unit else ''}"


def xlsx_rows(path: Path | None) -> tuple[list[str], dict]:
    if path is None or not path.exists():
        return [], {}
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = []
    labels = {"tongbao": "通报 XLSX, 20,000 schools", "class": "One class's results (300 rows)",
              "county": "A county's all-results export, 300,000 rows"}  # fmt: skip
    for key, label in labels.items():
        old, new = data["medians"].get(f"{key}.old"), data["medians"].get(f"{key}.new")
        if not old or not new:
            continue
        ratio = new["cpu_s"] / old["cpu_s"]
        rows.append(
            f"| {label} | {old['cpu_s']:.3f} s CPU, {old['peak_mb']:.1f} MB | {new['cpu_s']:.3f} s CPU, "
            f"{new['peak_mb']:.1f} MB | {ratio:.1f}× the CPU | {new['wall_s']:.2f} s |"
        )
    return rows, data


def report(runs: list[dict], xlsx: Path | None, before_commit: str, after_commit: str) -> tuple[str, dict]:
    before, after = medians(runs, "before"), medians(runs, "after")
    lines = [
        f"# The bench before and after issue #14 — {datetime.date.today().isoformat()}",
        "",
        f"Before: commit {before_commit}; after: commit {after_commit}. Each side ran its own `python -m bench run "
        "--preset quick` (20 schools × 200 students × 3 attempts, wrk 8 s per scenario, gunicorn straight on "
        "loopback with the side's own settings), interleaved: "
        + ", ".join(f"{r['side']} ({r['seconds']:.0f} s, load {r['load_1min']['median']:.1f})" for r in runs)
        + ". Medians of the runs per side.",
        "",
        "| Figure | Before | After | After ÷ before |",
        "| --- | --- | --- | --- |",
    ]
    for label, metric, unit, _higher in FIGURES:
        b, a = before.get(metric), after.get(metric)
        ratio = f"{a / b:.2f}×" if a is not None and b else "—"
        lines.append(f"| {label} | {_fmt(b, unit)} | {_fmt(a, unit)} | {ratio} |")
    rows, xlsx_data = xlsx_rows(xlsx)
    if rows:
        load = xlsx_data.get("load_1min", {})
        lines += [
            "",
            f"XLSX writers on the real exports' shapes (bench.xlsx_compare, {xlsx_data.get('runs')} interleaved runs, "
            f"load {load.get('min', 0):.1f}–{load.get('max', 0):.1f}; {xlsx.name}):",
            "",
            "| Export | Before: home-made writer | After: XlsxWriter (constant_memory) | CPU | After, wall |",
            "| --- | --- | --- | --- | --- |",
            *rows,
        ]
    lines += ["", "Runs (1-minute load average, min–median–max during the run):", ""]
    for r in runs:
        load = r["load_1min"]
        lines.append(
            f"- {r['side']} round {r['round']}{' (built the district)' if r['built'] else ''}: exit {r['exit']}, "
            f"{r['seconds']:.0f} s, load {load['min']:.1f}–{load['median']:.1f}–{load['max']:.1f}; "
            f"lesson {_fmt(r['results'].get('lesson.rps'))} req/s, baseline "
            f"{_fmt(r['results'].get('baseline.rps'))} req/s, ratio {_fmt(r['results'].get('lesson.ratio'))}×, "
            f"save {_fmt(r['results'].get('save.rps'))} req/s"
        )
    payload = {
        "before_commit": before_commit,
        "after_commit": after_commit,
        "medians": {"before": before, "after": after},
        "runs": [{k: v for k, v in r.items() if k != "results"} | {"results": r["results"]} for r in runs],
        "xlsx_compare": str(xlsx.name) if xlsx else None,
    }
    return "\n".join(lines) + "\n", payload


def commit_of(tree: Path) -> str:
    return subprocess.run(  # noqa: S603
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,  # noqa: S607
    ).stdout.strip()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.before_after")
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--after", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--xlsx-compare", type=Path, default=None, help="a bench.xlsx_compare JSON to include")
    parser.add_argument("--report-only", action="store_true", help="rebuild the note from before-after-runs/")
    parser.add_argument("--append", action="store_true", help="more rounds after those in before-after-runs/")
    options = parser.parse_args(argv)
    RUNS.mkdir(parents=True, exist_ok=True)
    runs_file = RUNS / "runs.json"
    if options.report_only:
        runs = json.loads(runs_file.read_text(encoding="utf-8"))
    else:
        runs = json.loads(runs_file.read_text(encoding="utf-8")) if options.append else []
        if not options.append:
            for side in ("before", "after"):
                environment.drop_database(f"{guard.PREFIX}{side}")
        done = max((r["round"] for r in runs), default=0)
        for round_number in range(done + 1, done + options.rounds + 1):
            for side, tree in (("before", options.before), ("after", options.after)):
                print(f"[{time.strftime('%H:%M:%S')}] {side}, round {round_number}", flush=True)
                runs.append(run_side(side, tree, round_number, options.port))
                runs_file.write_text(json.dumps(runs, indent=1, ensure_ascii=False), encoding="utf-8")
    text, payload = report(runs, options.xlsx_compare, commit_of(options.before), commit_of(options.after))
    day = datetime.date.today().isoformat()
    (RESULTS / f"before-after-{day}.md").write_text(text, encoding="utf-8")
    (RESULTS / f"before-after-{day}.json").write_text(
        json.dumps(payload, indent=1, ensure_ascii=False, sort_keys=True), encoding="utf-8"
    )
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
