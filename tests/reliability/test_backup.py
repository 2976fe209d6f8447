"""Backup and restore: pg_dump -Fc of a populated database, pg_restore into a new one, and the dashboard
figures (plans.metrics over the roll-up) of the copy equal the original's — before and after recomputing them."""

import subprocess
import uuid

from .conftest import PG_PORT, PG_URL, manage
from .helpers import django_json

FIGURES = """
import json
from dataclasses import asdict
from people.models import District, SchoolYear
from plans import metrics
from plans.models import ClassFigures
out = {}
for district in District.objects.order_by("code"):
    for year in SchoolYear.objects.order_by("start_year"):
        rows = ClassFigures.objects.filter(district=district, school_year=year)
        if not rows.exists():
            continue
        key = f"{district.code}/{year.start_year}"
        out[key] = {"total": asdict(metrics.total(rows)),
                    "schools": [[k["school_id"], asdict(f)] for k, f in metrics.grouped(rows, "school_id")]}
print(json.dumps(out, sort_keys=True, default=str))
"""


def _pg(*args, **kwargs):
    return subprocess.run([*args, "-h", "127.0.0.1", "-p", PG_PORT, "-U", "postgres"], check=True, **kwargs)


def test_dump_and_restore_keep_the_dashboard_figures(throwaway_db, tmp_path):
    name, env = throwaway_db
    result = manage("seed_demo", env=env, timeout=1200)
    assert result.returncode == 0, result.stderr[-3000:]
    result = manage("refresh_figures", env=env, timeout=1200)
    assert result.returncode == 0, result.stderr[-3000:]
    original = django_json(FIGURES, env)
    assert original, "the demo data produced no figures, so the comparison would prove nothing"
    assert any(entry["total"]["participants"] > 0 for entry in original.values())

    dump = tmp_path / "qingdun.dump"
    _pg("pg_dump", "-Fc", "-f", str(dump), "-d", name)
    copy = f"{name}_restored_{uuid.uuid4().hex[:4]}"
    _pg("createdb", copy)
    try:
        _pg("pg_restore", "--no-owner", "--exit-on-error", "-d", copy, str(dump))
        copy_env = {**env, "DATABASE_URL": PG_URL.format(name=copy)}
        assert django_json(FIGURES, copy_env) == original
        # The raw records came back too: recomputing the roll-up from them gives the same figures.
        result = manage("refresh_figures", env=copy_env, timeout=1200)
        assert result.returncode == 0, result.stderr[-3000:]
        assert django_json(FIGURES, copy_env) == original
    finally:
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-p", PG_PORT, "-U", "postgres", "--force", copy], check=False)
