"""A real `manage.py db_worker` whose XLSX rows take SLOW_EXPORT_ROW_SECONDS each, so a test can kill it mid-export.

Only the pace changes: the worker loop, the task, the lease and its heartbeat are the project's own code.
Usage: python tests/reliability/slow_worker.py WORKER_ID (with the environment of the database under test).
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from plans import exports  # noqa: E402

DELAY = float(os.environ.get("SLOW_EXPORT_ROW_SECONDS", "2"))
write_xlsx = exports.write_xlsx


def slow_write_xlsx(path, headers, rows, title):
    def slowly():
        for row in rows:
            yield row
            time.sleep(DELAY)

    return write_xlsx(path, headers, slowly(), title=title)


exports.write_xlsx = slow_write_xlsx
exports.PROGRESS_EVERY = 1  # every row saves its progress, and so renews the lease
call_command("db_worker", "--no-startup-delay", "--interval", "0.2", "--worker-id", sys.argv[1])
