"""gunicorn on 127.0.0.1, pinned to the app core(s), started and stopped around the HTTP scenarios.

Threaded workers (`gthread`), as production runs them (docs/scaling.md, "Admission control"): each worker's
threads take requests as they arrive, so the admission gate (core/admission.py) sees a burst and answers what is
past capacity with 429 and Retry-After at once. With `sync` workers the excess would wait unseen in the kernel's
listen queue until the clients time out. A worker holds no more connections than it has threads, and closes
each after its answer (no keep-alive, as behind nginx without upstream keep-alive), so the kernel hands the next
connection to a worker with a thread free instead of queueing it behind a busy one.
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
    def __init__(self, env: dict, port: int, app_cores: list[int], workers: int, log: Path):
        self.env, self.port, self.app_cores, self.workers, self.log = env, port, app_cores, workers, log
        self.process: subprocess.Popen | None = None

    def describe(self) -> str:
        """For the results' notes: how the server ran."""
        return (
            f"gunicorn: {self.workers} gthread workers × {THREADS} threads (at most {THREADS} connections each, "
            "no keep-alive), admission gate on (core/admission.py)"
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
