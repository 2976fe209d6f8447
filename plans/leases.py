"""Leases for long background tasks, so that a task whose worker died is found, retried, and at last given up.

django_tasks_db marks a task RUNNING when a `db_worker` claims it, and nothing changes that row again if the
worker is killed (an OOM kill, a redeploy, a lost machine): an export would show 进行中 at 0% forever. It keeps
no heartbeat and retries nothing. So each leased task, while it runs, holds a TaskLease that a heartbeat thread
renews every third of TASK_LEASE["SECONDS"]; `sweep()` (the `sweep_task_leases` command and task) finds the
leases that expired and, for each:

- while fewer than MAX_ATTEMPTS runs started, enqueues the same task with the same arguments as a new task row,
  moves the lease to it and marks the dead run's row FAILED (WorkerLost). A new row, not the old one put back to
  READY: if the "dead" worker was only cut off and still runs, whatever it writes at its end lands on its own
  row, not on the retry's;
- after that, marks the row FAILED and calls the task's give-up hook (the export shows the failure).

A run that finds its lease gone (renewed too late, the sweep moved it) raises LeaseLost at its next renewal and
stops, so two runs of one job never both finish. Runs from a backend without task rows (the immediate backend of
the tests and of development) hold no lease: they end with the request that started them.
"""

import logging
import threading
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from .models.figures import TaskLease

logger = logging.getLogger(__name__)


class LeaseLost(Exception):  # noqa: N818 — the name says what happened, like Django's DoesNotExist
    """This run's lease expired and the job was handed to another run: stop without writing a result."""


class WorkerLost(Exception):  # noqa: N818
    """Recorded on a task row whose worker stopped renewing its lease (never raised in a worker)."""


@dataclass(frozen=True)
class Leased:
    # Called inside the sweep's transaction with the task's arguments, `now` and, when every attempt failed,
    # `attempts`; or, when a retry is queued, the number of the coming `attempt`.
    give_up: Callable[..., None] | None
    retry: Callable[..., None] | None


# Task path (django_tasks' module_path) → its hooks. plans.tasks registers its long tasks on import.
LEASED: dict[str, Leased] = {}


def register(task, *, give_up=None, retry=None) -> None:
    LEASED[task.module_path] = Leased(give_up=give_up, retry=retry)


def lease_seconds() -> int:
    return int(settings.QINGDUN_TASK_LEASE["SECONDS"])


def max_attempts() -> int:
    return int(settings.QINGDUN_TASK_LEASE["MAX_ATTEMPTS"])


@dataclass
class Lease:
    task_id: str | None  # None: the run has no task row to lease (immediate backend)
    attempt: int
    seconds: int
    lost: threading.Event = field(default_factory=threading.Event)

    def renew(self, now: datetime | None = None) -> None:
        """Push the expiry forward; raise LeaseLost if the sweep gave this job to another run."""
        if self.task_id is None:
            return
        if not self.lost.is_set() and not self._extend(now or timezone.now()):
            self.lost.set()
        if self.lost.is_set():
            raise LeaseLost(self.task_id)

    def _extend(self, now: datetime) -> bool:
        # Only this run's lease, and only while it is running: once the sweep moved or gave it up, nothing matches.
        return bool(
            TaskLease.objects.filter(task_id=self.task_id, attempts=self.attempt, expires_at__isnull=False).update(
                expires_at=now + timedelta(seconds=self.seconds)
            )
        )

    def release(self) -> None:
        if self.task_id is not None:
            TaskLease.objects.filter(task_id=self.task_id, attempts=self.attempt, expires_at__isnull=False).delete()


def take(task_id, worker_id: str = "", now: datetime | None = None) -> Lease:
    """Start a run of `task_id`: count the attempt and lease it. Inert if the task has no row (immediate backend)."""
    now = now or timezone.now()
    seconds = lease_seconds()
    try:
        task_id = uuid.UUID(str(task_id))
    except ValueError:
        task_path = None  # not a task row's id: another backend's
    else:
        task_path = DBTaskResult.objects.filter(pk=task_id).values_list("task_path", flat=True).first()
    if task_path is None:
        return Lease(task_id=None, attempt=1, seconds=seconds)
    with transaction.atomic():
        lease, _created = TaskLease.objects.select_for_update().get_or_create(
            task_id=task_id, defaults={"task_path": task_path}
        )
        lease.attempts += 1
        lease.worker_id = worker_id[:64]
        lease.expires_at = now + timedelta(seconds=seconds)
        lease.save(update_fields=["attempts", "worker_id", "expires_at"])
    return Lease(task_id=str(task_id), attempt=lease.attempts, seconds=seconds)


class Heartbeat(threading.Thread):
    """Renews a lease every third of its length while the task runs, on its own database connection."""

    def __init__(self, lease: Lease):
        super().__init__(name=f"lease-{lease.task_id}", daemon=True)
        self.lease = lease
        self.stopping = threading.Event()

    def run(self):
        try:
            while not self.stopping.wait(self.lease.seconds / 3):
                try:
                    if not self.lease._extend(timezone.now()):
                        self.lease.lost.set()
                        return
                except DatabaseError:
                    # An outage shorter than the lease costs nothing; a longer one lets the sweep retry the job.
                    logger.warning("Could not renew the lease of task %s", self.lease.task_id, exc_info=True)
                    close_old_connections()
        finally:
            connection.close()

    def stop(self):
        self.stopping.set()
        self.join(timeout=self.lease.seconds)


@contextmanager
def held(context, *, heartbeat: bool = True, now: datetime | None = None):
    """Hold a lease for the task run of `context` (a django_tasks TaskContext) while the block runs."""
    result = context.task_result
    worker_ids = list(result.worker_ids)
    lease = take(result.id, worker_ids[-1] if worker_ids else "", now=now)
    beat = Heartbeat(lease) if heartbeat and lease.task_id is not None else None
    if beat:
        beat.start()
    try:
        yield lease
    finally:
        if beat:
            beat.stop()
        if not lease.lost.is_set():
            try:
                lease.release()
            except DatabaseError:
                # The worker is alive and records the outcome on the task row; the sweep drops a finished run's lease.
                logger.warning("Could not release the lease of task %s", lease.task_id, exc_info=True)


@dataclass
class SweepResult:
    retried: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _stale(now: datetime) -> list[str]:
    expired = TaskLease.objects.filter(expires_at__lt=now).values_list("task_id", flat=True)
    # Runs claimed longer ago than a lease lasts: most hold a live lease (skipped below), but a worker killed between
    # claiming a task and taking its lease leaves a RUNNING row with no running lease.
    claimed = (
        DBTaskResult.objects.running()
        .filter(task_path__in=list(LEASED), started_at__lt=now - timedelta(seconds=lease_seconds()))
        .values_list("id", flat=True)
    )
    return list(dict.fromkeys(str(task_id) for task_id in [*expired, *claimed]))


def sweep(now: datetime | None = None) -> SweepResult:
    """Retry or give up every leased task whose worker stopped renewing its lease by `now`."""
    now = now or timezone.now()
    done = SweepResult()
    for task_id in _stale(now):
        outcome = _sweep_one(task_id, now)
        if outcome:
            getattr(done, outcome).append(task_id)
    return done


def _dead_run(row: DBTaskResult | None, lease: TaskLease | None, now: datetime) -> TaskLease | None:
    """The lease of `row`'s run if that run is dead (counting its attempt), else None."""
    if row is None or row.status != TaskResultStatus.RUNNING:
        # Finished (its release was lost), waiting for a worker, or pruned: no run to judge.
        if lease is not None and (row is None or row.status != TaskResultStatus.READY):
            lease.delete()
        return None
    if lease is not None and lease.expires_at is not None:
        return lease if lease.expires_at < now else None
    if row.started_at and row.started_at >= now - timedelta(seconds=lease_seconds()):
        return None  # just claimed: its lease is being taken
    # Claimed long ago and never leased: the worker died before the task's first line. That run was an attempt.
    lease = lease or TaskLease(task_id=row.id, task_path=row.task_path)
    lease.attempts += 1
    return lease


def _sweep_one(task_id: str, now: datetime) -> str:
    with transaction.atomic():
        row = DBTaskResult.objects.select_for_update().filter(pk=task_id).first()
        lease = _dead_run(row, TaskLease.objects.select_for_update().filter(task_id=task_id).first(), now)
        if lease is None:
            return ""
        hooks = LEASED.get(row.task_path, Leased(give_up=None, retry=None))
        args, kwargs = row.args_kwargs["args"], row.args_kwargs["kwargs"]
        worker = lease.worker_id or (row.worker_ids[-1] if row.worker_ids else "?")
        if lease.attempts < max_attempts():
            retry = DBTaskResult.objects.create(
                args_kwargs=row.args_kwargs,
                priority=row.priority,
                task_path=row.task_path,
                queue_name=row.queue_name,
                run_after=get_date_max(),
                backend_name=row.backend_name,
            )
            row.traceback = f"Worker {worker} stopped renewing its lease; retried as task {retry.id}.\n"
            lease.task_id, lease.expires_at, lease.worker_id = retry.id, None, ""
            lease.save()
            outcome = "retried"
            if hooks.retry:
                hooks.retry(*args, attempt=lease.attempts + 1, now=now, **kwargs)
        else:
            row.traceback = f"Worker {worker} stopped renewing its lease; {lease.attempts} attempts, given up.\n"
            if lease.pk:
                lease.delete()
            outcome = "failed"
            if hooks.give_up:
                hooks.give_up(*args, attempts=lease.attempts, now=now, **kwargs)
        row.status = TaskResultStatus.FAILED
        row.finished_at = now
        row.exception_class_path = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"
        row.return_value = None
        row.save(update_fields=["status", "finished_at", "exception_class_path", "traceback", "return_value"])
    logger.warning("Task %s (%s): its worker %s died; %s", task_id, row.task_path, worker, outcome)
    return outcome
