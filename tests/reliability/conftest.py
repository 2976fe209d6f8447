"""Failure tests against real processes: a gunicorn server and the machine's PostgreSQL cluster.

They restart PostgreSQL, so .ci/run runs them alone, after every other suite. They need root (to restart the
cluster with pg_ctlcluster) and PostgreSQL on 127.0.0.1:5432 with trust auth, as on the CI machine.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The cluster these tests restart: CI uses the machine's main cluster; a developer may point them at a spare one.
PG_CLUSTER_NAME = os.environ.get("RELIABILITY_PG_CLUSTER", "main")
PG_PORT = os.environ.get("RELIABILITY_PG_PORT", "5432")
PG_URL = f"postgres://postgres@127.0.0.1:{PG_PORT}/{{name}}"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/reliability" in str(item.fspath):
            item.add_marker(pytest.mark.reliability)


def _pg_cluster() -> str:
    versions = sorted(os.listdir("/etc/postgresql"))
    return versions[-1]


def pg_ready() -> bool:
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", PG_PORT], check=False).returncode == 0  # noqa: S607


def restart_postgres() -> None:
    subprocess.run(  # noqa: S603
        ["pg_ctlcluster", "--skip-systemctl-redirect", _pg_cluster(), PG_CLUSTER_NAME, "restart", "-m", "fast"],  # noqa: S607
        check=True,
        timeout=120,
    )
    for _ in range(60):
        if pg_ready():
            return
        time.sleep(0.5)
    raise RuntimeError("PostgreSQL did not come back after a restart")


def _pg_ctl(action: str) -> None:
    subprocess.run(  # noqa: S603
        ["pg_ctlcluster", "--skip-systemctl-redirect", _pg_cluster(), PG_CLUSTER_NAME, action, "-m", "fast"],  # noqa: S607
        check=True,
        timeout=120,
    )


def stop_postgres() -> None:
    """Stop the cluster (an outage); the caller must start it again, in a finally block."""
    _pg_ctl("stop")


def start_postgres() -> None:
    if pg_ready():
        return
    subprocess.run(  # noqa: S603
        ["pg_ctlcluster", "--skip-systemctl-redirect", _pg_cluster(), PG_CLUSTER_NAME, "start"],  # noqa: S607
        check=True,
        timeout=120,
    )
    for _ in range(60):
        if pg_ready():
            return
        time.sleep(0.5)
    raise RuntimeError("PostgreSQL did not start again")


@pytest.fixture(scope="session")
def pg_available():
    if not shutil.which("pg_ctlcluster") or not os.path.isdir("/etc/postgresql") or not pg_ready():
        pytest.skip("needs the machine's PostgreSQL cluster (pg_ctlcluster) on 127.0.0.1:5432")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(*args, env, timeout=600):
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """Production settings use the manifest storage, so pages need collected static files."""
    return tmp_path_factory.mktemp("static")


@pytest.fixture
def throwaway_db(pg_available, static_root):
    """A fresh PostgreSQL database, migrated; dropped afterwards."""
    name = f"qingdun_rel_{uuid.uuid4().hex[:10]}"
    subprocess.run(["createdb", "-h", "127.0.0.1", "-p", PG_PORT, "-U", "postgres", name], check=True)  # noqa: S603, S607
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "reliability-" + uuid.uuid4().hex * 2,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": PG_URL.format(name=name),
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "STATIC_ROOT": str(static_root),
    }
    result = manage("migrate", "--no-input", env=env)
    assert result.returncode == 0, result.stderr
    if not (static_root / "staticfiles.json").exists():
        result = manage("collectstatic", "--no-input", env=env)
        assert result.returncode == 0, result.stderr
    yield name, env
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-p", PG_PORT, "-U", "postgres", "--force", name], check=False)  # noqa: S603, S607


class Server:
    def __init__(self, env):
        self.env = env
        self.port = _free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--workers",
                "1",
                "--threads",
                "2",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "30",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                self.get("/healthz")
                return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not start")

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None

    def get(self, path: str) -> int:
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


@pytest.fixture
def server_factory():
    servers = []

    def make(env):
        server = Server(env)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()
