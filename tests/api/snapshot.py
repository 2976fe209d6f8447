"""Checked-in JSON snapshots of the API's key answers (tests/api/snapshots/*.json).

An answer is compared after its ids, block UUIDs, dates, times and school years are replaced by placeholders, so a
snapshot fails on a changed field, shape or figure and not on the row ids of the day. A missing snapshot fails the test;
`UPDATE_SNAPSHOTS=1` writes the answers as they are, for a person to read in the diff before committing.
"""

import json
import os
import re
from pathlib import Path

SNAPSHOTS = Path(__file__).parent / "snapshots"
ID_KEYS = re.compile(r"^(id|pk|.*_id|quiz|carried_from)$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})?$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
YEAR_KEYS = {"school_year", "first_year"}


def normalise(value, key: str = ""):
    if key == "formula":
        # Its terms follow the weights' order as the database returns the JSON (PostgreSQL's jsonb sorts keys,
        # SQLite keeps them as written); the tests compare it with plans.metrics.plan_formula instead.
        return "<formula>"
    if isinstance(value, dict):
        return {k: normalise(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(item, key) for item in value]
    if isinstance(value, int) and not isinstance(value, bool) and (ID_KEYS.match(key) or key in YEAR_KEYS):
        return "<year>" if key in YEAR_KEYS else "<id>"
    if isinstance(value, str):
        if DATETIME.match(value):
            return "<datetime>"
        if DATE.match(value):
            return "<date>"
        if UUID.match(value):
            return "<uuid>"
        if key == "name" and re.fullmatch(r"\d{4}–\d{4}", value):
            return "<year>"
        if key == "url" or key == "next" or key == "previous":
            return re.sub(r"/\d+/", "/<id>/", re.sub(r"cursor=[^&]+", "cursor=<cursor>", value))
    return value


def assert_matches(name: str, body) -> None:
    path = SNAPSHOTS / f"{name}.json"
    got = json.dumps(normalise(body), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(got, encoding="utf-8")
        return
    assert path.exists(), f"no snapshot {path.name}: run with UPDATE_SNAPSHOTS=1 and read the file before committing"
    assert got == path.read_text(encoding="utf-8"), f"{name}: the answer differs from {path.name}"
