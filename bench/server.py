"""gunicorn on 127.0.0.1, pinned to the app core(s), started and stopped around the HTTP scenarios.

Threaded workers (`gthread`), as production runs them (docs/scaling.md, "Admission control"): each worker's
threads take requests as they arrive, so the admission gate (core/admission.py) sees a burst and answers what is
past capacity with 429 and Retry-After at once. With `sync` workers the excess would wait unseen in the kernel's
listen queue until the clients time out. A worker holds no more connections than it has threads, and closes
each after its answer (no keep-alive, as behind nginx without upstream keep-alive), so the kernel hands the next
connection to a worker with a thread free instead of queueing it behind a busy one.

With `--edge` (python -m bench run --edge) HAProxy (deploy/start-edge, deploy/haproxy/edge.cfg) listens on the
bench's port and gunicorn on the next one: the proxy queues and sheds by priority, the admission gate is off,
and gunicorn reads the client's address from the PROXY protocol.
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

# Per worker: the gate's CONCURRENCY (2) + QUEUE (12) + 2 threads that are always free to refuse.
THREADS = 16


class Gunicorn:
    def __init__(self, env: dict, port: int, app_cores: list[int], workers: int, log: Path, behind_proxy: bool = False):
        self.port, self.app_cores, self.workers, self.log = port, app_cores, workers, log
        self.behind_proxy = behind_proxy
        # Behind the edge the proxy sheds; the in-process gate it replaces stays off.
        self.env = {**env, "QINGDUN_ADMISSION": "false"} if behind_proxy else env
        self.process: subprocess.Popen | None = None

    def describe(self) -> str:
        """For the results' notes: how the server ran."""
        gate = "admission gate off, behind HAProxy" if self.behind_proxy else "admission gate on (core/admission.py)"
        return (
            f"gunicorn: {self.workers} gthread workers × {THREADS} threads (at most {THREADS} connections each, "
            f"no keep-alive), {gate}"
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

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
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


class Edge:
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

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
