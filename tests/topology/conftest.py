"""The topology suite: the app as deploy/start-topology runs it past one machine, on this machine.

HAProxy → two gunicorn nodes → PgBouncer (transaction pooling) → a PostgreSQL primary and its streaming replica,
Redis for cache, sessions and rate limits, two task workers. Every part is a real engine from Debian's packages,
started by the script in a directory of its own with clusters of its own, so the suite never touches the
machine's PostgreSQL. .ci/run runs it in its own step (marker `topology`); it needs root to install packages
and to run PostgreSQL as the postgres user.
"""

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from bench.http_client import Client

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "start-topology"
PASSWORD = "qingdun-demo-2026"  # the demo data's (people/seed.py)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/topology" in str(item.fspath):
            item.add_marker(pytest.mark.topology)


def _free_block(size: int = 16) -> int:
    for base in range(17400, 30000, 100):
        if all(_free(port) for port in range(base, base + size)):
            return base
    raise RuntimeError("no free block of ports for the topology")


def _free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


class Topology:
    def __init__(self, directory: Path, base: int):
        self.dir, self.base = directory, base
        self.edge = f"http://127.0.0.1:{base}"
        self.nodes = [f"http://127.0.0.1:{base + 11}", f"http://127.0.0.1:{base + 12}"]
        self.env = {
            **os.environ,
            "TOPOLOGY_DIR": str(directory),
            "TOPOLOGY_BASE_PORT": str(base),
            "QINGDUN_2FA_REQUIRED": "false",
            # Short enough for a test to wait out, long enough that a replica replaying normally stays in use.
            "REPLICA_MAX_LAG_SECONDS": "2",
            "REPLICA_CHECK_SECONDS": "0.5",
            "REPLICA_DOWN_SECONDS": "1",
        }

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([str(SCRIPT), *args], env=self.env, capture_output=True, text=True, timeout=900)  # noqa: S603
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result

    def start(self) -> None:
        self.run("start", "--seed", "--log-statements")

    def psql(self, role: str, sql: str) -> str:
        port = self.base + (1 if role == "primary" else 2)
        args = ["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", "qingdun", "-tAc", sql]
        return subprocess.run(args, capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603

    def pg_ctl(self, role: str, action: str) -> None:
        binary = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))[-1]
        args = [str(binary), "-D", str(self.dir / f"pg-{role}"), "-m", "fast", "-w", action]
        if action == "start":
            args = [str(binary), "-D", str(self.dir / f"pg-{role}"), "-l", str(self.log_path(role)), "-w", "start"]
        subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True, capture_output=True)  # noqa: S603, S607

    def log_path(self, role: str) -> Path:
        return self.dir / "logs" / f"postgres-{role}.log"

    def statements(self, role: str):
        return StatementLog(self.log_path(role))

    def client(self, base: str | None = None, client_ip: str | None = None) -> Client:
        return Client(base or self.edge, client_ip)


class StatementLog:
    """What one server logged from now on (log_statement = all): the database's own account of who asked it."""

    def __init__(self, path: Path):
        self.path = path
        self.start = path.stat().st_size

    def since(self, settle: float = 0.3) -> str:
        time.sleep(settle)  # the server writes its log line as it runs the statement; let the writer catch up
        with self.path.open("rb") as log:
            log.seek(self.start)
            return log.read().decode("utf-8", "replace")


@pytest.fixture(scope="session")
def topology(tmp_path_factory):
    if os.geteuid() != 0 and not (shutil.which("pgbouncer") and shutil.which("redis-server")):
        pytest.skip("needs root (to install Debian's packages and run PostgreSQL as postgres)")
    # Not pytest's tmp_path: its folders are private to root, and PostgreSQL runs as the postgres user.
    directory = Path("/tmp") / f"qingdun-topology-test-{os.getpid()}"  # noqa: S108
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir()
    top = Topology(directory, _free_block())
    try:
        top.start()
        yield top
    finally:
        top.run("stop", check=False)
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def bureau(topology):
    """The demo bureau administrator, signed in through the edge, with the read-your-writes mark of her sign-in
    dropped (it would send her first dashboards to the primary, which one test checks on purpose)."""
    client = topology.client()
    client.sign_in("bureau-admin", PASSWORD)
    client.cookies.pop("qd_primary_until", None)
    return client
