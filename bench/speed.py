"""How fast the app core is right now: the CPU one Argon2id hash at production's parameters costs on it, idle.

This machine's cores are shared with other tenants, and their speed moves under a run: on 2026-12-04 the same
code's steps cost 20–45 % more CPU half an hour after they had cost less, and the sign-in budget's verdict
followed. A rate per app CPU-second cannot tell a slower core from slower code, so the runner takes this
reading beside the exam scenarios (before the sign-in scenario, before the burst and after it), and the
report prints it: two runs of the same code differ by about as much as their readings do, and a code change is
judged against runs whose readings agree.

The hash is the one fixed piece of work on the path: a password checked with people.hashers' hasher, as at
sign-in (its first encoding not counted), timed as the child's own thread CPU, median of `samples`, in a child
process pinned to the app cores while gunicorn waits between scenarios. After the burst the task worker,
pinned there too, may still be running the last submissions' integrity checks, so that reading can be the
slowest of the three for that reason alone.
"""

import json
import subprocess
import sys

from . import environment, loadtools

SAMPLES = 60

# The child checks a password with the project's own hasher, as a sign-in does; it needs no settings.
_CHILD = """
import json, statistics, sys, time
from people.hashers import OwaspArgon2idPasswordHasher
hasher = OwaspArgon2idPasswordHasher()
stored = hasher.encode("bench-password", hasher.salt())
costs = []
for _ in range(int(sys.argv[1])):
    started = time.thread_time()
    hasher.verify("bench-password", stored)
    costs.append((time.thread_time() - started) * 1000)
print(json.dumps({"median_ms": statistics.median(costs)}))
"""


def hash_ms(cores: list[int], samples: int = SAMPLES) -> float:
    """Median CPU milliseconds of one password check with production's hasher (people.hashers) on `cores`."""
    command = loadtools.pinned([sys.executable, "-c", _CHILD, str(samples)], cores)
    completed = subprocess.run(  # noqa: S603 — our own interpreter and code
        command, cwd=environment.ROOT, capture_output=True, text=True, check=False, timeout=120
    )
    if completed.returncode != 0:
        raise RuntimeError(f"the speed reading failed (exit {completed.returncode}): {completed.stderr[-1000:]}")
    return json.loads(completed.stdout)["median_ms"]


def mark(results: dict, moment: str, cores: list[int]) -> None:
    """Record the reading as `speed.hash_ms.<moment>`; a failed reading is reported, never fatal to the run."""
    try:
        results[f"speed.hash_ms.{moment}"] = hash_ms(cores)
    except (RuntimeError, OSError, subprocess.TimeoutExpired, ValueError) as error:
        results[f"speed.hash_ms.{moment}"] = None
        print(f"speed reading at {moment} failed: {error}", file=sys.stderr)
