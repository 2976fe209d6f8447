"""Two app processes share one limit: each used to count alone, so two workers let twice the limit through."""

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection

from core import ratelimit

# One worker: 100 sign-in posts from one address at one instant (the clock held still, as in the other tests).
WORKER = """
import json, os, sys
import django
django.setup()
from django.test import Client
from django.urls import reverse
from core import ratelimit
from people.views.accounts import SIGN_IN_LIMIT
ratelimit.clock = lambda: float(sys.argv[1])
client = Client(REMOTE_ADDR="203.0.113.7")
codes = [
    client.post(reverse("people:login"), {"username": f"guess-{sys.argv[2]}-{n}", "password": "123456"}).status_code
    for n in range(100)
]
print(json.dumps({"codes": codes, "limit": SIGN_IN_LIMIT}))
"""


def _database_url(folder: Path) -> str:
    """A URL the workers can open for the database this test sees."""
    if connection.vendor == "sqlite":  # the test database lives in this process's memory: copy it to a file
        path = folder / "shared.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{path}"
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_processes_posting_sign_ins_from_one_network_share_one_limit():
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": _database_url(Path(folder)),
        }
        now = "1800000000.0"
        workers = [
            subprocess.Popen(  # noqa: S603 (our own interpreter and script)
                [sys.executable, "-c", WORKER, now, name],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for name in ("a", "b")
        ]
        try:
            outputs = [worker.communicate(timeout=300) for worker in workers]
        finally:
            caches[ratelimit.CACHE_ALIAS].clear()
    results = []
    for worker, (out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err[-2000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    codes = [code for result in results for code in result["codes"]]
    limit = results[0]["limit"]
    assert set(codes) <= {200, 429}, codes
    let_through = sum(code == 200 for code in codes)
    assert let_through <= limit, f"{let_through} of 200 sign-in posts got through against a limit of {limit}"
    assert let_through >= limit - 5, "the shared counter refused far more than it should"
