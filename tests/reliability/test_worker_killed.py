"""A `db_worker` killed (SIGKILL) in the middle of an XLSX export, on PostgreSQL: the lease sweep hands the
export to a new worker, which finishes it; when every attempt's worker is killed the export shows as failed,
and 再次导出 starts one that completes."""

import json
import signal
import subprocess
import sys
import time

from .conftest import ROOT, manage
from .helpers import Browser, django_json

LEASE_SECONDS = 3

SETUP = """
import json
from people.models import SchoolYear
from people.testing import World
from plans.rollup import refresh_district
world = World()
refresh_district(world.district, SchoolYear.current().start_year)
print(json.dumps({"username": world.auditor.username, "year": SchoolYear.current().start_year}))
"""

LEDGER = """
import json
from django_tasks_db.models import DBTaskResult
from plans.models import TableExport
from plans.models.figures import TaskLease
export = TableExport.objects.get(pk={pk})
print(json.dumps({{
    "status": export.status, "attempts": export.attempts, "error": export.error,
    "tasks": sorted(DBTaskResult.objects.filter(task_path="plans.tasks.write_table_export",
                                                args_kwargs__args=[{pk}]).values_list("status", flat=True)),
    "leases": TaskLease.objects.count(),
}}))
"""


class Workers:
    def __init__(self, env):
        self.env = env
        self.processes = []

    def slow(self, name):
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "tests/reliability/slow_worker.py", name],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.processes.append(process)
        return process

    def kill(self, process):
        process.send_signal(signal.SIGKILL)  # no shutdown: an OOM kill or a lost machine
        process.wait(timeout=20)

    def stop_all(self):
        for process in self.processes:
            if process.poll() is None:
                self.kill(process)


def status(browser, pk):
    code, body, _headers = browser._open("GET", f"/audit/exports/{pk}/status/", headers={"Accept": "application/json"})
    assert code == 200, body[:300]
    return json.loads(body)


def wait_for(browser, pk, test, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = status(browser, pk)
        if test(seen):
            return seen
        time.sleep(0.3)
    raise AssertionError(f"export {pk} never reached the state; last {seen}")


def sweep(env):
    result = manage("sweep_task_leases", env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.splitlines()[0]


def start_export(browser, facts, path="/audit/exports/"):
    code, body, headers = browser.post_form(path, {"year": facts["year"], "period": "year", "by": "school"})
    assert code == 302, body[:500]
    return int(headers["Location"].rstrip("/").rsplit("/", 1)[1])


def healthy_worker(env):
    # --batch: run what is queued, then exit.
    result = manage("db_worker", "--batch", "--no-startup-delay", env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]


def test_a_killed_worker_s_export_is_retried_then_failed_and_can_be_exported_again(throwaway_db, server_factory):
    _name, base_env = throwaway_db
    env = {
        **base_env,
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "QINGDUN_TASK_LEASE_SECONDS": str(LEASE_SECONDS),
        "QINGDUN_TASK_MAX_ATTEMPTS": "3",
        "QINGDUN_2FA_REQUIRED": "false",
        "QINGDUN_ADMISSION": "false",
        "SLOW_EXPORT_ROW_SECONDS": "8",
    }
    facts = django_json(SETUP, env)
    server = server_factory(env).start()
    browser = Browser(server.url)
    browser.sign_in(facts["username"], "correct-horse-battery")
    workers = Workers(env)
    try:
        # --- Killed once: retried by a new worker, which completes it. ---
        pk = start_export(browser, facts)
        first = workers.slow("slow-1")
        running = wait_for(browser, pk, lambda s: s["status"] == "running" and s["percent"] > 0)
        assert running["attempts"] == 1
        # The run outlives its lease; the heartbeat keeps it, so a sweep now leaves it alone.
        time.sleep(LEASE_SECONDS + 1)
        assert sweep(env) == "retried 0, failed 0"
        assert status(browser, pk)["status"] == "running"

        workers.kill(first)
        stuck = status(browser, pk)
        assert stuck["status"] == "running" and stuck["percent"] < 100  # what users saw forever before
        time.sleep(LEASE_SECONDS + 1)
        assert sweep(env) == "retried 1, failed 0"
        assert status(browser, pk) | {"label": ""} == {
            "status": "waiting",
            "label": "",
            "percent": 0,
            "attempts": 1,
            "retrying": True,
            "reason": "",
            "download": "",
        }
        healthy_worker(env)
        done = status(browser, pk)
        assert done["status"] == "done" and done["attempts"] == 2 and done["percent"] == 100
        code, body, headers = browser.get(done["download"])
        assert code == 200 and headers["Content-Type"].startswith("application/vnd.openxmlformats")
        ledger = django_json(LEDGER.format(pk=pk), env)
        assert ledger["tasks"] == ["FAILED", "SUCCESSFUL"] and ledger["leases"] == 0

        # --- Killed at every attempt: failed, with the reason; 再次导出 completes. ---
        pk = start_export(browser, facts)
        for attempt in (1, 2, 3):
            worker = workers.slow(f"slow-again-{attempt}")
            wait_for(browser, pk, lambda s, n=attempt: s["status"] == "running" and s["attempts"] == n and s["percent"])
            workers.kill(worker)
            time.sleep(LEASE_SECONDS + 1)
            assert sweep(env) == ("retried 1, failed 0" if attempt < 3 else "retried 0, failed 1")
        failed = status(browser, pk)
        assert failed["status"] == "failed" and failed["attempts"] == 3 and "3" in failed["reason"]
        ledger = django_json(LEDGER.format(pk=pk), env)
        expected = {"status": "failed", "attempts": 3, "error": "worker_lost", "tasks": ["FAILED"] * 3, "leases": 0}
        assert ledger == expected

        code, page, _headers = browser.get(f"/audit/exports/{pk}/")
        assert code == 200
        assert 'action="/audit/exports/"' in page and ("再次导出" in page or "Export again" in page)
        again = start_export(browser, facts)  # the page's button posts the export's own year, period and grouping
        assert again != pk
        healthy_worker(env)
        assert status(browser, again)["status"] == "done"
    finally:
        workers.stop_all()
