"""The edge tests: a real gunicorn (production settings, PostgreSQL) behind a real HAProxy started by
deploy/start-edge, all on loopback ports. .ci/run runs them in their own step; they need HAProxy (the step
installs Debian's package) and PostgreSQL on 127.0.0.1:5432, as the reliability tests do."""

import os
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest

from tests.reliability.conftest import PG_PORT, PG_URL, ROOT, _free_port, manage, pg_available, static_root

__all__ = ["pg_available", "static_root"]  # fixtures shared with the reliability tests

START_EDGE = ROOT / "deploy" / "start-edge"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/edge" in str(item.fspath):
            item.add_marker(pytest.mark.edge)


@pytest.fixture(scope="session")
def haproxy_available():
    # deploy/start-edge installs Debian's package itself when it runs as root.
    if not shutil.which("haproxy") and os.geteuid() != 0:
        pytest.skip("needs HAProxy (apt-get install haproxy) or root to install it")


@pytest.fixture(scope="session")
def edge_db(pg_available, static_root):
    """A fresh PostgreSQL database, migrated, with production settings; dropped afterwards."""
    name = f"qingdun_edge_{uuid.uuid4().hex[:10]}"
    subprocess.run(["createdb", "-h", "127.0.0.1", "-p", PG_PORT, "-U", "postgres", name], check=True)  # noqa: S603, S607
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "edge-" + uuid.uuid4().hex * 2,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": PG_URL.format(name=name),
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "STATIC_ROOT": str(static_root),
    }
    try:
        result = manage("migrate", "--no-input", env=env)
        assert result.returncode == 0, result.stderr
        if not (static_root / "staticfiles.json").exists():
            result = manage("collectstatic", "--no-input", env=env)
            assert result.returncode == 0, result.stderr
        yield env
    finally:
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-p", PG_PORT, "-U", "postgres", "--force", name], check=False)  # noqa: S603, S607


class AppServer:
    """gunicorn as production runs it behind the edge: gthread workers, no keep-alive, and the client's address
    taken from the PROXY protocol that HAProxy sends."""

    def __init__(self, env, threads: int = 4):
        self.env, self.threads = env, threads
        self.port = _free_port()
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--worker-class",
                "gthread",
                "--threads",
                str(self.threads),
                "--worker-connections",
                str(self.threads),
                "--keep-alive",
                "0",
                "--timeout",
                "30",
                "--proxy-protocol",
                "v2",
                "--proxy-allow-from",
                "127.0.0.1",
            ],  # fmt: skip
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # Straight to gunicorn (it also takes connections without the PROXY header): the first request loads
        # Django, which on a busy machine outlasts HAProxy's check timeout.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=20) as response:  # noqa: S310
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None


class Edge:
    """HAProxy through deploy/start-edge, in front of the given app servers."""

    def __init__(self, backends: list[int], run_dir, **options):
        self.port = _free_port()
        self.backends, self.run_dir, self.options = backends, run_dir, options

    @property
    def args(self) -> list[str]:
        args = ["--listen", f"127.0.0.1:{self.port}", "--run-dir", str(self.run_dir)]
        for port in self.backends:
            args += ["--backend", f"127.0.0.1:{port}"]
        for option, value in self.options.items():
            args += [f"--{option.replace('_', '-')}", str(value)]
        return args

    def run(self, action: str) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603
            [str(START_EDGE), action, *self.args], capture_output=True, text=True, timeout=300, check=False
        )

    def start(self):
        result = self.run("start")
        assert result.returncode == 0, result.stdout + result.stderr
        return self

    def stop(self):
        result = self.run("stop")
        assert result.returncode == 0, result.stdout + result.stderr

    def wait_healthy(self, seconds: float = 60) -> None:
        from .helpers import Client

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if Client(self.port).get("/healthz")[0] == 200:
                return
            time.sleep(0.3)
        raise AssertionError(f"/healthz through the edge did not answer 200 within {seconds} s")


@pytest.fixture(scope="module")
def edge_stack(haproxy_available, edge_db, tmp_path_factory):
    """Factory: start gunicorn and HAProxy in front of it; both stopped at the end of the module."""
    started = []

    def make(threads: int = 4, **options):
        app = AppServer(edge_db, threads).start()
        started.append(app)
        edge = Edge([app.port], tmp_path_factory.mktemp("edge"), **options)
        edge.start()
        started.append(edge)
        edge.wait_healthy()
        return app, edge

    yield make
    for thing in reversed(started):
        thing.stop()
