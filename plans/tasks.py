"""Background work: refreshing the roll-up (one class after an event, or a district) and writing XLSX exports of
the 通报 table; and the leases of classroom's integrity task.

Both hold a lease while they run (plans/leases.py), so a run whose worker died is retried and, after
TASK_LEASE MAX_ATTEMPTS runs, given up; `sweep_task_leases` finds them.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from classroom.tasks import check_attempt_integrity
from core.dbrouter import replica_reads
from people.models import District

from . import leases


@task(takes_context=True)
def refresh_figures(context, district_id: int, start_year: int) -> int:
    from .rollup import refresh_district

    with leases.held(context):
        return refresh_district(District.objects.get(pk=district_id), start_year).rows


# Ahead of everything else in the queue: the figures people watch must follow an event within seconds (issue
# #17), and the integrity checks an exam burst queues (≈0.4 s each, default priority) would otherwise hold each
# refresh (≈0.15 s, coalesced to one per class) behind them. Refreshes cannot starve the rest: one per class
# waits at a time (plans/live.py).
@task(takes_context=True, priority=50)
def refresh_class_figures(context, class_id: int) -> int:
    """One class's figures after an event changed its records (plans/live.py): idempotent, seconds at most.

    Leased without a heartbeat: a run is shorter than a lease, and one whose worker died is retried by the sweep.
    """
    from .live import run_refresh

    with leases.held(context, heartbeat=False):
        return run_refresh(class_id)


@task(takes_context=True)
def write_table_export(context, export_id: int) -> str:
    from .exports import write_export

    # The table's rows are read from the replica when one is configured and current (core/dbrouter.py): an
    # export is the heaviest read there is. Its own row and its lease stay on the primary (REPLICA_NEVER).
    with leases.held(context) as lease, replica_reads():
        return write_export(export_id, lease=lease)


def _export_retried(export_id: int, attempt: int, now) -> None:
    from .exports import export_waiting_for_retry

    export_waiting_for_retry(export_id, attempt)


def _export_given_up(export_id: int, attempts: int, now) -> None:
    from .exports import export_given_up

    export_given_up(export_id, attempts, now=now)


leases.register(refresh_figures)
leases.register(refresh_class_figures)
# Short, and safe to run twice (one flag per record and rule): no heartbeat needed, but a run whose worker died
# holding it is found by the sweep (claimed longer ago than a lease lasts) and run again.
leases.register(check_attempt_integrity)
leases.register(write_table_export, retry=_export_retried, give_up=_export_given_up)


@task()
def sweep_task_leases() -> dict:
    """Find the leased tasks whose worker died, then come back in TASK_LEASE SWEEP_EVERY seconds.

    The next sweep is queued before this one sweeps, so a sweep killed with its worker does not end the chain;
    and only if none is queued yet, so starting the chain twice does not double it.
    """
    schedule_sweep()
    done = leases.sweep()
    return {"retried": done.retried, "failed": done.failed}


def schedule_sweep(now=None) -> bool:
    """Queue the next sweep unless one is queued; False on a backend that cannot defer (no workers to sweep)."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    if not sweep_task_leases.get_backend().supports_defer:
        return False
    if DBTaskResult.objects.filter(task_path=sweep_task_leases.module_path, status=TaskResultStatus.READY).exists():
        return True
    every = timedelta(seconds=int(settings.QINGDUN_TASK_LEASE["SWEEP_EVERY"]))
    sweep_task_leases.using(run_after=(now or timezone.now()) + every).enqueue()
    return True
