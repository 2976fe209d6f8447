"""gunicorn on 127.0.0.1, pinned to the app core(s), started and stopped around the HTTP scenarios.

Threaded workers (`gthread`), as production runs them. A worker holds no more connections than it has threads,
and closes each after its answer (no keep-alive, as HAProxy's `http-server-close` expects), so the kernel hands
the next connection to a worker with a thread free instead of queueing it behind a busy one.

By default HAProxy (deploy/start-edge, deploy/haproxy/edge.cfg) listens on the bench's port and gunicorn on the
next one, as in production (docs/scaling.md, "Load shedding at the edge"): the proxy lets a few requests per
core into the app, queues the rest by priority and sheds past its queue lengths with 429 and Retry-After;
gunicorn reads the client's address from the PROXY protocol. `--no-edge` measures gunicorn alone.
"""

import http.client
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from .environment import ROOT

# Per worker. Behind the edge a worker gets about two requests at once (EDGE_MAXCONN_PER_CORE); without it,
# wrk's connections spread over the workers' threads.
THREADS = 16


class Started:
    """A part the bench starts for a scenario and stops after it, as a context manager."""

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


def stop_group(process, grace_s: float) -> None:
    """Stop a child started in its own process group: SIGTERM to the group, SIGKILL if it outlives the grace."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class Gunicorn(Started):
    def __init__(self, env: dict, port: int, app_cores: list[int], workers: int, log: Path, behind_proxy: bool = False):
        self.port, self.app_cores, self.workers, self.log = port, app_cores, workers, log
        self.behind_proxy = behind_proxy
        self.env = env
        self.process: subprocess.Popen | None = None

    def describe(self) -> str:
        """For the results' notes: how the server ran."""
        where = "behind HAProxy (PROXY protocol)" if self.behind_proxy else "alone, no proxy in front"
        return (
            f"gunicorn: {self.workers} gthread workers × {THREADS} threads (at most {THREADS} connections each, "
            f"no keep-alive), {where}"
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float:
        """CPU time gunicorn's processes have had so far (user + system, master and workers). On a shared
        machine the app core is not all ours: a rate per second of this is a rate per app core actually used."""
        import psutil

        if self.process is None:
            return 0.0
        try:
            master = psutil.Process(self.process.pid)
            processes = [master, *master.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0.0
        total = 0.0
        for process in processes:
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system
        return total

    def command(self) -> list[str]:
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        command = [
            gunicorn, "config.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
            "--worker-class", "gthread", "--threads", str(THREADS), "--worker-connections", str(THREADS),
            "--keep-alive", "0", "--backlog", "2048", "--timeout", "60", "--log-level", "warning",
            "--env", "DJANGO_SETTINGS_MODULE=bench.settings",
        ]  # fmt: skip
        if self.behind_proxy:
            command += ["--proxy-protocol", "v2", "--proxy-allow-from", "127.0.0.1"]
        if shutil.which("taskset"):
            command = ["taskset", "-c", ",".join(map(str, self.app_cores)), *command]
        return command

    def start(self) -> None:
        handle = self.log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 (our own command line)
            self.command(), cwd=ROOT, env=self.env, stdout=handle, stderr=handle, start_new_session=True
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status < 500:
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def stop(self) -> None:
        stop_group(self.process, grace_s=20)


class Edge(Started):
    """HAProxy in front of the bench's gunicorn, through deploy/start-edge (pinned, like the load clients, away
    from the app core: it is the machine in front of the app servers)."""

    SCRIPT = ROOT / "deploy" / "start-edge"

    def __init__(self, port: int, backend_port: int, server_maxconn: int, cores: list[int], run_dir: Path):
        self.port, self.backend_port, self.server_maxconn = port, backend_port, server_maxconn
        self.cores, self.run_dir = cores, run_dir

    def describe(self) -> str:
        return (
            f"HAProxy (deploy/haproxy/edge.cfg) on port {self.port} in front of gunicorn: at most "
            f"{self.server_maxconn} requests in the app at once, the rest queued by priority or shed with 429"
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _run(self, action: str) -> None:
        command = [
            str(self.SCRIPT), action, "--listen", f"127.0.0.1:{self.port}",
            "--backend", f"127.0.0.1:{self.backend_port}", "--server-maxconn", str(self.server_maxconn),
            "--run-dir", str(self.run_dir),
        ]  # fmt: skip
        if shutil.which("taskset"):
            command = ["taskset", "-c", ",".join(map(str, self.cores)), *command]
        completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
        if completed.returncode != 0:
            raise RuntimeError(f"start-edge {action} failed: {completed.stdout}{completed.stderr}"[-2000:])

    def start(self) -> None:
        self._run("start")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"/healthz through HAProxy did not answer 200 within 30 s; see {self.run_dir}")

    def stop(self) -> None:
        self._run("stop")


class TaskWorker(Started):
    """`manage.py db_worker` (django_tasks_db's worker, as production runs it: README, "Running"), pinned with
    gunicorn to the app core(s): it runs what requests queue, the live figures' class refreshes and the
    integrity checks of submissions among them (plans/live.py, docs/operations.md "Background tasks")."""

    def __init__(self, env: dict, cores: list[int], log: Path, index: int = 1):
        self.env, self.cores, self.log, self.index = env, cores, log, index
        self.process: subprocess.Popen | None = None

    def describe(self) -> str:
        return (
            f"task worker {self.index}: manage.py db_worker (database queue, its default 1 s poll when idle) "
            f"pinned to core(s) {self.cores}"
        )

    def command(self) -> list[str]:
        command = [
            sys.executable, "manage.py", "db_worker", "--worker-id", f"bench-worker-{self.index}",
            "--no-startup-delay", "--no-reload",
        ]  # fmt: skip
        if shutil.which("taskset"):
            command = ["taskset", "-c", ",".join(map(str, self.cores)), *command]
        return command

    def start(self) -> None:
        handle = self.log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 (our own command line)
            self.command(), cwd=ROOT, env=self.env, stdout=handle, stderr=handle, start_new_session=True
        )
        time.sleep(1)
        if self.process.poll() is not None:
            raise RuntimeError(f"db_worker exited with {self.process.returncode}; see {self.log}")

    def stop(self) -> None:
        stop_group(self.process, grace_s=30)
