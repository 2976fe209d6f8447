"""`python -m bench run --preset smoke|quick|full|levels` (what `make bench` and `make bench-full` call).

Options: --seed N, --port N, --keep-db (leave the database qingdun_bench_<preset> for another look) and
--reuse-db NAME (skip the build and measure an existing database, e.g. a full district kept earlier),
--database NAME (the fresh database's name, qingdun_bench_<preset> by default), --redis URL (the app's
REDIS_URL: cache, sessions and rate limits in Redis, as production runs), --no-edge (gunicorn alone,
without HAProxy from deploy/ in front: docs/scaling.md, "Load shedding at the edge") and --only-burst (only the
sign-in scenario and the exam-start burst, with the figures' freshness, written to bench/results/exam-<date>.*,
not over latest.*) or --only-levels (only the audit pages of the province, a city and a county, each read by its
officer, written to bench/results/levels-<date>.*).
The `micro-sqlite`, `micro-export`, `micro-export-tongbao`, `micro-export-class` and `burst-client` commands
are the child processes of the runner.
"""

import argparse
import sys

from .presets import PRESETS


def main(argv: list[str]) -> int:
    if argv and argv[0] in ("micro-sqlite", "micro-export", "micro-export-tongbao", "micro-export-class"):
        from .micro import child_main

        child_main(argv)
        return 0
    if argv and argv[0] == "steps":
        from .steps import main as steps_main

        return steps_main(argv[1:])
    if argv and argv[0] == "burst-client":
        from .burst import main as burst_main

        return burst_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m bench")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="build a throwaway site on PostgreSQL, load it, check the budgets")
    run.add_argument("--preset", choices=sorted(PRESETS), default="quick")
    run.add_argument("--seed", type=int, default=1)
    run.add_argument("--port", type=int, default=8765)
    run.add_argument("--keep-db", action="store_true")
    run.add_argument("--reuse-db")
    run.add_argument("--database", help="name of the fresh database (qingdun_bench_<preset>)")
    run.add_argument("--no-edge", action="store_true", help="gunicorn alone, without HAProxy (deploy/) in front")
    run.add_argument(
        "--only-burst",
        action="store_true",
        help="only the sign-in scenario and the burst; written to bench/results/exam-<date>.*, never over latest.*",
    )
    run.add_argument(
        "--only-levels",
        action="store_true",
        help="only the audit pages at every level of the region tree; written to bench/results/levels-<date>.*",
    )
    run.add_argument(
        "--task-workers",
        type=int,
        default=1,
        help="task workers (manage.py db_worker) beside gunicorn, pinned with it; they run the live figures' "
        "refreshes and the integrity checks the burst queues",
    )
    run.add_argument(
        "--app-cores",
        type=int,
        default=1,
        help="cores gunicorn and the task workers are pinned to (the first N); the load client takes the next "
        "core, or shares the last one when the machine has no more (the report says so)",
    )
    run.add_argument(
        "--redis",
        metavar="URL",
        help="REDIS_URL for the app (cache, sessions, rate limits in Redis, as production runs); e.g. "
        "redis://127.0.0.1:6379/15",
    )
    options = parser.parse_args(argv)
    from .runner import run as run_bench

    return run_bench(
        options.preset,
        seed=options.seed,
        port=options.port,
        keep_db=options.keep_db,
        app_core_count=options.app_cores,
        reuse_db=options.reuse_db,
        edge=not options.no_edge,
        only_burst=options.only_burst,
        database=options.database,
        redis=options.redis,
        only_levels=options.only_levels,
        task_workers=options.task_workers,
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
