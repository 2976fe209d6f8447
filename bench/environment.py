"""What a benchmark run needs from the machine: bench-only packages, wrk, a running PostgreSQL, a throwaway
database, and the environment gunicorn and the helper processes run with."""

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
SECRET = "bench-only-secret-key-" + "x" * 40  # a throwaway database on loopback; never a real site


@dataclass
class Notes:
    lines: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        print(f"note: {text}", flush=True)
        self.lines.append(text)


def ensure_python_packages() -> None:
    if importlib.util.find_spec("httpx") is None or importlib.util.find_spec("psutil") is None:
        print("Installing the benchmark's packages (bench/requirements.txt)…", flush=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "-r", str(ROOT / "bench" / "requirements.txt")],
            check=True,
        )


def ensure_wrk(notes: Notes) -> str | None:
    found = shutil.which("wrk")
    if found:
        return found
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing wrk from Debian…", flush=True)
        result = subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], capture_output=True, text=True)
        if result.returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], capture_output=True)
            subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], capture_output=True)
        found = shutil.which("wrk")
    if not found:
        notes.add("wrk is not installed and could not be installed (not root?): no lesson page or answer save figures")
    return found


def ensure_postgres() -> None:
    if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0:
        return
    clusters = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    if not clusters:
        raise SystemExit("PostgreSQL is not running on 127.0.0.1:5432 and no local cluster was found.")
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", clusters[-1], "main", "start"], check=False)
    for _ in range(30):
        if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0:
            return
        time.sleep(1)
    raise SystemExit("PostgreSQL did not start.")


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def create_database(name: str) -> str:
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}"')
    return f"{PG_URL}/{name}"


def migrations_fingerprint() -> str:
    """A hash of every migration file the project and its packages hold: a migrated template is reusable
    exactly while this does not change."""
    import hashlib

    digest = hashlib.sha256()
    roots = [ROOT, Path(sys.prefix) / "lib"]
    for root in roots:
        for path in sorted(root.rglob("migrations/*.py")):
            if ".venv" in path.parts and root == ROOT:
                continue
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def create_migrated_database(name: str, env: dict, say) -> str:
    """A fresh database with every migration applied, cloned from a cached migrated template when one exists
    (migrating from scratch takes about a minute; cloning takes a second)."""
    template = f"qingdun_bench_tpl_{migrations_fingerprint()}"
    if not database_exists(template):
        say(f"Migrating a template database {template} (kept for later runs)")
        scratch = f"{template}_building"
        url = create_database(scratch)
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=ROOT,
            env={**env, "DATABASE_URL": url},
            check=True,
        )
        _admin(f'ALTER DATABASE "{scratch}" RENAME TO "{template}"')
        for stale in _databases_like("qingdun_bench_tpl_%"):
            if stale != template:
                drop_database(stale)
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return f"{PG_URL}/{name}"


def _databases_like(pattern: str) -> list[str]:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        return [row[0] for row in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [pattern])]


def drop_database(name: str) -> None:
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def django_env(database_url: str, workdir: Path) -> dict[str, str]:
    """The environment of gunicorn and of the in-process steps: production settings on loopback."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "STATIC_ROOT": str(workdir / "static"),
            "MEDIA_ROOT": str(workdir / "media"),
            "LOG_LEVEL": "WARNING",
            "PYTHONWARNINGS": "ignore",
            "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            # Production turns staff two-factor sign-in on; the bench's auditor session has no device, and
            # the first full run measured the redirect to the set-up page instead of the dashboard.
            "QINGDUN_2FA_REQUIRED": "false",
        }
    )
    return env


def cores() -> list[int]:
    return sorted(os.sched_getaffinity(0))
