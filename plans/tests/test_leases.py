"""Task leases: a task whose worker died is found by the sweep, retried as a new task a bounded number of times,
then marked failed; the export screen says so and can start it again.

Tasks go to django_tasks_db's DatabaseBackend here, and each run is django_tasks_db's own worker code
(Worker.run_task) in this process; "the worker died" is a run that was claimed and never finished. Every time
is explicit (`now=`): the lease lasts 60 s in these tests.
"""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from people.models import SchoolYear
from plans import exports, leases
from plans.models import ExportStatus, TableExport
from plans.models.figures import TaskLease
from plans.rollup import refresh_district
from plans.tasks import schedule_sweep, sweep_task_leases, write_table_export

pytestmark = pytest.mark.django_db

T0 = timezone.now()


@pytest.fixture(autouse=True)
def database_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.QINGDUN_TASK_LEASE = {"SECONDS": 60, "MAX_ATTEMPTS": 3, "SWEEP_EVERY": 60}
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def export(world):
    year = SchoolYear.current()
    refresh_district(world.district, year.start_year)
    return TableExport.objects.create(requested_by=world.auditor, district=world.district, school_year=year)


def enqueue(export) -> DBTaskResult:
    return DBTaskResult.objects.get(pk=write_table_export.enqueue(export.pk).id)


def worker(name: str) -> Worker:
    return Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=name,
        excluded_queue_names=[],
    )


def claim(row: DBTaskResult, name: str, now) -> DBTaskResult:
    row.claim(name)
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=now)
    row.refresh_from_db()
    return row


def die_while_running(row: DBTaskResult, name: str, now) -> None:
    """A worker claims the task, takes the lease at `now`, writes some progress and is killed."""
    claim(row, name, now)
    leases.take(row.pk, name, now=now)
    TableExport.objects.filter(pk=row.args_kwargs["args"][0]).update(
        status=ExportStatus.RUNNING, rows_done=1, attempts=TaskLease.objects.get(task_id=row.pk).attempts
    )


def next_ready() -> DBTaskResult:
    return DBTaskResult.objects.ready().get(task_path=write_table_export.module_path)


def test_a_lease_lasts_its_seconds_and_renewing_pushes_it_on(export):
    row = claim(enqueue(export), "w1", T0)
    lease = leases.take(row.pk, "w1", now=T0)
    assert lease.attempt == 1 and TaskLease.objects.get().expires_at == T0 + timedelta(seconds=60)
    lease.renew(now=T0 + timedelta(seconds=50))
    assert TaskLease.objects.get().expires_at == T0 + timedelta(seconds=110)
    assert leases.sweep(now=T0 + timedelta(seconds=100)).retried == []


def test_a_run_whose_worker_died_is_retried_as_a_new_task_and_completes(client, export, world):
    first = enqueue(export)
    die_while_running(first, "w1", T0)
    left = exports.export_path(export).with_name(f"tongbao-{export.pk}.1.part")  # what the killed run was writing
    left.parent.mkdir(parents=True, exist_ok=True)
    left.write_bytes(b"PK half a workbook")

    assert leases.sweep(now=T0 + timedelta(seconds=59)).retried == []  # not yet expired
    done = leases.sweep(now=T0 + timedelta(seconds=61))
    assert done.retried == [str(first.pk)] and done.failed == []

    first.refresh_from_db()
    assert first.status == TaskResultStatus.FAILED and first.exception_class_path == "plans.leases.WorkerLost"
    retry = next_ready()
    assert retry.pk != first.pk and retry.args_kwargs == first.args_kwargs
    lease = TaskLease.objects.get()
    assert (lease.task_id, lease.attempts, lease.expires_at) == (retry.pk, 1, None)
    export.refresh_from_db()
    assert export.status == ExportStatus.WAITING and export.rows_done == 0 and export.is_retrying
    client.force_login(world.auditor)
    assert "data-export-attempt>" in client.get(reverse("plans:export", args=[export.pk])).content.decode()

    # Sweeping again changes nothing: the retry waits for a worker.
    assert leases.sweep(now=T0 + timedelta(seconds=200)).retried == []

    worker("w2").run_task(claim(retry, "w2", timezone.now()))
    retry.refresh_from_db()
    export.refresh_from_db()
    assert retry.status == TaskResultStatus.SUCCESSFUL
    assert export.status == ExportStatus.DONE and export.attempts == 2 and export.percent_done == 100
    assert exports.export_path(export).exists()
    assert not TaskLease.objects.exists()
    assert not list(exports.export_path(export).parent.glob("*.part"))


def test_after_the_last_attempt_the_export_fails_with_a_reason_and_can_be_started_again(client, export, world):
    row = enqueue(export)
    now = T0
    for attempt in (1, 2, 3):
        die_while_running(row, f"w{attempt}", now)
        now += timedelta(seconds=61)
        done = leases.sweep(now=now)
        if attempt < 3:
            assert done.retried == [str(row.pk)]
            row = next_ready()
        else:
            assert done.failed == [str(row.pk)] and done.retried == []

    assert not DBTaskResult.objects.ready().filter(task_path=write_table_export.module_path).exists()
    assert not TaskLease.objects.exists()
    assert DBTaskResult.objects.filter(exception_class_path="plans.leases.WorkerLost").count() == 3
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and export.error == TableExport.WORKER_LOST
    assert export.attempts == 3 and export.finished_at == now

    client.force_login(world.auditor)
    status = client.get(reverse("plans:export_status", args=[export.pk])).json()
    assert status["status"] == "failed" and status["attempts"] == 3 and not status["retrying"]
    assert "3" in status["reason"] and status["reason"] == str(export.failure_reason)
    page = client.get(reverse("plans:export", args=[export.pk])).content.decode()
    assert escape(status["reason"]) in page
    assert f'action="{reverse("plans:export_create")}"' in page and 'name="period" value="year"' in page

    # 再次导出: a new export and a new task, which a healthy worker finishes.
    response = client.post(
        reverse("plans:export_create"), {"year": export.school_year.start_year, "period": "year", "by": "school"}
    )
    again = TableExport.objects.exclude(pk=export.pk).get()
    assert response["Location"] == reverse("plans:export", args=[again.pk])
    worker("w4").run_task(claim(next_ready(), "w4", timezone.now()))
    again.refresh_from_db()
    assert again.status == ExportStatus.DONE and again.attempts == 1


def test_a_worker_killed_before_it_took_the_lease_counts_as_an_attempt(export):
    row = claim(enqueue(export), "w1", T0)  # claimed, never ran a line of the task
    assert leases.sweep(now=T0 + timedelta(seconds=30)).retried == []
    assert leases.sweep(now=T0 + timedelta(seconds=61)).retried == [str(row.pk)]
    assert TaskLease.objects.get().attempts == 1

    retry = claim(next_ready(), "w2", T0 + timedelta(seconds=70))  # again killed before its first line
    assert leases.sweep(now=T0 + timedelta(seconds=131)).retried == [str(retry.pk)]
    assert TaskLease.objects.get().attempts == 2


def test_a_run_that_lost_its_lease_stops_and_leaves_the_export_to_its_retry(export):
    first = enqueue(export)
    die_while_running(first, "w1", T0)  # cut off, not dead: it will try to go on
    lost = leases.Lease(task_id=str(first.pk), attempt=1, seconds=60)
    leases.sweep(now=T0 + timedelta(seconds=61))

    with pytest.raises(leases.LeaseLost):
        lost.renew(now=T0 + timedelta(seconds=62))
    with pytest.raises(leases.LeaseLost):
        exports.write_export(export.pk, lease=lost)
    export.refresh_from_db()
    # It wrote its attempt number when it started, but never a result; the retry's run will overwrite both.
    assert export.status == ExportStatus.RUNNING and not export.file
    assert not exports.export_path(export).exists()
    assert not list(exports.export_path(export).parent.glob("*.part"))
    assert TaskLease.objects.get().task_id == next_ready().pk  # the lease stays with the retry


def test_a_finished_run_holds_no_lease_and_is_not_swept(export):
    row = enqueue(export)
    worker("w1").run_task(claim(row, "w1", T0))
    assert not TaskLease.objects.exists()
    assert leases.sweep(now=T0 + timedelta(days=1)) == leases.SweepResult()


def test_the_sweep_command_and_task(export):
    first = enqueue(export)
    die_while_running(first, "w1", timezone.now() - timedelta(seconds=120))
    out = io.StringIO()
    call_command("sweep_task_leases", stdout=out)
    assert out.getvalue().startswith("retried 1, failed 0")

    # The periodic task queues its next run, once, however often it is started.
    call_command("sweep_task_leases", "--schedule", stdout=out)
    assert schedule_sweep() is True
    queued = DBTaskResult.objects.filter(task_path=sweep_task_leases.module_path, status=TaskResultStatus.READY)
    assert queued.count() == 1
    assert queued.get().run_after > timezone.now() + timedelta(seconds=50)


def test_immediate_tasks_hold_no_lease(settings, export):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    write_table_export.enqueue(export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE and export.attempts == 1
    assert not TaskLease.objects.exists() and schedule_sweep() is False
