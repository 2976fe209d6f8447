"""The XLSX writers side by side: the home-made streaming writer that core/xlsx_stream.py was (taken from git
history) against core.tabular.write_xlsx (XlsxWriter, constant_memory), on the same synthetic rows.

    python -m bench.xlsx_compare [--runs 3] [--old PATH] [--scenarios tongbao,class,county]

Scenarios, shaped like the real exports:
- tongbao: the 通报 table at 20,000 schools (plans.exports: a name and 13 counts and rates, a row per school);
- class:   one class's results (classroom.exports: 50 students × 6 assignments, 14 columns of text and numbers);
- county:  a county's results, 300,000 attempts (bench.micro's export row: number, name, school, quiz, local
  submission time, score, percentage, pass).

Each measurement runs in its own child process (so its peak memory is its own) and writes to a temporary file;
"rows only" makes and drops the same rows without writing them, the floor both writers stand on. Runs are
interleaved (every scenario and writer once, then again) so that a change in the machine's load falls on all
of them alike; the median of the runs is reported with CPU time, wall time and the peak RSS growth, and the
load average seen during the runs (the machine may be shared).
"""

import argparse
import datetime
import importlib.util
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .environment import ROOT
from .memory import current_rss_mb, peak_rss_mb, reset_peak

OLD_PATH = "core/xlsx_stream.py"
SCENARIOS = {
    "tongbao": ("通报 XLSX, 20,000 schools", 20_000),
    "class": ("One class's results", 300),
    "county": ("A county's all results", 300_000),
}
WRITERS = {"none": "rows only", "old": "home-made (xlsx_stream)", "new": "XlsxWriter (constant_memory)"}

TONGBAO_HEADERS = [
    "名称", "参与学校数", "学校总数", "学校参与率(%)", "参与学生数", "学生总数", "学生参与率(%)", "及格率(%)",
    "满分率(%)", "平均分", "总分", "注册率(%)", "优秀率(%)", "存疑记录数",
]  # fmt: skip
CLASS_HEADERS = [
    "班级", "学号", "姓名", "任务", "类型", "开始日期", "截止日期", "已打开", "已完成", "完成时间", "已完成课数",
    "测验次数", "最高分(%)", "存疑次数",
]  # fmt: skip
COUNTY_HEADERS = ["学号", "姓名", "学校", "测验", "提交时间", "得分", "百分制", "及格"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def tongbao_rows(count: int):
    rng = random.Random(1)
    for index in range(count):
        on_roll = rng.randint(200, 2500)
        participants = rng.randint(0, on_roll)
        yield [
            f"第{index + 1}{'小学中学'[index % 2 * 2 : index % 2 * 2 + 2]}",
            1, 1, 100.0, participants, on_roll,
            round(100 * participants / on_roll, 1), round(rng.uniform(40, 100), 1), round(rng.uniform(0, 30), 1),
            round(rng.uniform(50, 95), 1), round(rng.uniform(40, 100), 1), round(rng.uniform(60, 100), 1),
            round(rng.uniform(0, 40), 1), rng.randint(0, 5),
        ]  # fmt: skip


def class_rows(count: int):
    rng = random.Random(2)
    kinds = ("课程", "单元", "测验")
    students = [(f"2026{index:04d}", _name(rng)) for index in range(max(count // 6, 1))]
    written = 0
    for number, name in students:
        for task in range(6):
            if written == count:
                return
            finished = rng.random() < 0.8
            stamp = f"2026-09-{rng.randint(1, 30):02d} {rng.randint(8, 20):02d}:{rng.randint(0, 59):02d}"
            yield [
                "初一(3)班", number, name, f"第{task + 1}课：认识毒品的危害", kinds[task % 3],
                "2026-09-01", "2026-09-30", "是", "是" if finished else "否",
                stamp if finished else "",
                f"{rng.randint(0, 4)}/4" if task % 3 != 2 else "", rng.randint(0, 3),
                round(rng.uniform(30, 100), 1) if task % 3 == 2 else "", 0,
            ]  # fmt: skip
            written += 1


def county_rows(count: int):
    rng = random.Random(3)
    start = datetime.datetime(2026, 9, 1, 8)
    for index in range(count):
        score = float(rng.randint(0, 10))
        yield (
            f"2026{index % 900_000:06d}", _name(rng), f"第{index % 180 + 1}小学", f"第{index % 6 + 1}课：检测",
            start + datetime.timedelta(seconds=rng.randint(0, 120 * 86_400)), score, score * 10, score >= 6,
        )  # fmt: skip


def scenario_table(scenario: str) -> tuple[list[str], object, str]:
    count = SCENARIOS[scenario][1]
    if scenario == "tongbao":
        return TONGBAO_HEADERS, tongbao_rows(count), "通报"
    if scenario == "class":
        return CLASS_HEADERS, class_rows(count), "初一(3)班"
    return COUNTY_HEADERS, county_rows(count), "成绩"


def old_writer(path: str):
    spec = importlib.util.spec_from_file_location("old_xlsx_stream", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    from core.tabular import FORMULA_PREFIXES

    def write(target, headers, rows, title):
        return module.write_xlsx_stream(target, headers, rows, title=title, guard="".join(FORMULA_PREFIXES))

    return write


def measure(writer: str, scenario: str, old_path: str) -> dict:
    """One measurement, in this process: write the scenario's rows with `writer` to a temporary file."""
    if writer == "old":
        write = old_writer(old_path)
    elif writer == "new":
        from core.tabular import write_xlsx as write
    headers, rows, title = scenario_table(scenario)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "out.xlsx"
        reset_peak()
        before = current_rss_mb()
        cpu, wall = time.process_time(), time.perf_counter()
        if writer == "none":
            written = sum(1 for _ in rows)
        else:
            written = write(path, headers, rows, title)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        size = path.stat().st_size if path.exists() else 0
    return {"rows": written, "cpu_s": cpu, "wall_s": wall, "peak_mb": peak_rss_mb() - before, "file_mb": size / 2**20}


def _old_source(path: str) -> str:
    """The old writer from git history: the version before the commit that deleted it (or the current one)."""
    if Path(path).exists():
        return path
    deleted = subprocess.run(  # noqa: S603
        ["git", "log", "-1", "--format=%H", "--diff-filter=D", "--", OLD_PATH],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    revision = f"{deleted}^" if deleted else "HEAD"
    source = subprocess.run(  # noqa: S603
        ["git", "show", f"{revision}:{OLD_PATH}"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    Path(path).write_text(source)
    return path


def _child(writer: str, scenario: str, old_path: str) -> dict:
    output = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.xlsx_compare", "--child", writer, scenario, "--old", old_path],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    lines = [line for line in output.stdout.splitlines() if line.startswith("{")]
    if output.returncode != 0 or not lines:
        raise RuntimeError(f"{writer} {scenario} failed (exit {output.returncode}): {output.stderr[-1500:]}")
    return json.loads(lines[-1])


def compare(runs: int, scenarios: list[str], old_path: str) -> dict:
    old_path = _old_source(old_path)
    results: dict[tuple[str, str], list[dict]] = {}
    loads = []
    for _run in range(runs):
        for scenario in scenarios:
            for writer in WRITERS:
                loads.append(os.getloadavg()[0])
                results.setdefault((scenario, writer), []).append(_child(writer, scenario, old_path))
    loads.append(os.getloadavg()[0])
    medians = {
        f"{scenario}.{writer}": {key: statistics.median(run[key] for run in values) for key in values[0]}
        for (scenario, writer), values in results.items()
    }
    return {"runs": runs, "load_1min": {"min": min(loads), "max": max(loads)}, "medians": medians}


def markdown(report: dict) -> str:
    medians = report["medians"]
    load = report["load_1min"]
    lines = [
        f"Median of {report['runs']} interleaved runs; 1-minute load average {load['min']:.1f}–{load['max']:.1f} "
        f"on {os.cpu_count()} cores.",
        "",
        "| Export | Rows | Writer | CPU s | Wall s | Peak RSS growth MB | File MB |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for scenario, (label, _count) in SCENARIOS.items():
        for writer, name in WRITERS.items():
            row = medians.get(f"{scenario}.{writer}")
            if row is None:
                continue
            lines.append(
                f"| {label} | {int(row['rows']):,} | {name} | {row['cpu_s']:.3f} | {row['wall_s']:.3f} | "
                f"{row['peak_mb']:.1f} | {row['file_mb']:.2f} |"
            )
        old, new, floor = (medians.get(f"{scenario}.{writer}") for writer in ("old", "new", "none"))
        if old and new and floor:
            lines.append(
                f"| {label} | | new ÷ old, writing only (CPU less rows only) | "
                f"{(new['cpu_s'] - floor['cpu_s']) / max(old['cpu_s'] - floor['cpu_s'], 1e-9):.1f}× | | | |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.xlsx_compare", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--old", default=str(Path(tempfile.gettempdir()) / "old_xlsx_stream.py"))
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--json", help="also write the medians to this file")
    parser.add_argument("--child", nargs=2, metavar=("WRITER", "SCENARIO"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(*args.child, args.old)))
        return
    scenarios = [name for name in args.scenarios.split(",") if name]
    unknown = set(scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    report = compare(args.runs, scenarios, args.old)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(markdown(report))


if __name__ == "__main__":
    main()
