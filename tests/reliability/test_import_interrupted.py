"""A roster import killed half-way (SIGKILL, as a crash or an OOM kill would) leaves nothing behind."""

import os
import signal
import subprocess
import sys
import time

from .conftest import PG_PORT, ROOT
from .helpers import django_json

SETUP = """
import json
from people.testing import make_district, make_school
school = make_school(make_district("RD", "重启区教育局"), "R1", name="重启中学")
print(json.dumps({"code": school.code}))
"""

COUNTS = """
import json
from people.models import Enrollment, SchoolClass, Student, User
print(json.dumps([User.objects.count(), Student.objects.count(), Enrollment.objects.count(),
                  SchoolClass.objects.count()]))
"""

ROWS = 20_000  # the most one file may hold


def _roster(path):
    lines = ["姓名,学号,性别,年级,班级"]
    lines += [f"学生{n},2026{n:06d},{'男' if n % 2 else '女'},初二,{n % 20 + 1}" for n in range(ROWS)]
    path.write_text("\n".join(lines), encoding="utf-8")


def _writing(database: str) -> bool:
    """True once some session holds a write lock on the students table: the import is inside its transaction."""
    query = (
        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "WHERE c.relname IN ('people_student', 'people_user', 'people_enrollment') AND l.mode = 'RowExclusiveLock'"
    )
    result = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", PG_PORT, "-U", "postgres", "-d", database, "-tAc", query],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout.strip() or 0) > 0


def test_an_import_killed_half_way_leaves_nothing(throwaway_db, tmp_path):
    name, env = throwaway_db
    code = django_json(SETUP, env)["code"]
    before = django_json(COUNTS, env)
    roster = tmp_path / "roster.csv"
    _roster(roster)

    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_roster", "--school", code, str(roster)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.time() + 300
    while time.time() < deadline and process.poll() is None and not _writing(name):
        time.sleep(0.05)
    assert process.poll() is None, f"the import ended before it was interrupted: {process.stderr.read()[-2000:]}"
    time.sleep(0.05)  # let it write a little more inside its transaction
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    # PostgreSQL ends the dead client's transaction; give it a moment to notice the closed socket.
    for _ in range(50):
        if not _writing(name):
            break
        time.sleep(0.1)
    assert django_json(COUNTS, env) == before, "a killed import left rows behind"

    # And the same file imports completely afterwards.
    result = subprocess.run(
        [sys.executable, "manage.py", "import_roster", "--school", code, str(roster)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    users, students, enrollments, _classes = django_json(COUNTS, env)
    assert students - before[1] == ROWS and enrollments - before[2] == ROWS
