"""The export micro-benchmarks' peak memory is the measured step's own (bench.memory)."""

import json
import subprocess
import sys

import pytest

from bench import memory
from bench.environment import ROOT

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self")

CHILD = "import json; from bench import memory; print(json.dumps([memory.current_rss_mb(), memory.peak_rss_mb()]))"


def _hold(megabytes: int) -> bytearray:
    block = bytearray(megabytes * 2**20)
    block[::4096] = b"\x01" * len(block[::4096])  # touched, so every page is resident
    return block


def test_a_child_does_not_report_its_parents_peak():
    """getrusage's ru_maxrss in a child started by subprocess starts at the parent's high-water mark: the bench
    runner's 300 MB showed as the export child's peak. The child's peak must be its own."""
    held = _hold(128)
    parent = memory.current_rss_mb()
    assert parent > 128
    output = subprocess.run(  # noqa: S603
        [sys.executable, "-c", CHILD], cwd=ROOT, capture_output=True, text=True, check=True
    )
    current, peak = json.loads(output.stdout)
    del held
    assert peak < parent - 100, f"child peak {peak:.0f} MB, its parent holds {parent:.0f} MB"
    assert current <= peak


def test_reset_peak_forgets_what_came_before():
    assert memory.reset_peak()
    held = _hold(96)
    assert memory.peak_rss_mb() >= memory.current_rss_mb() > 96
    del held  # a block this size is given back to the system at once (mmap)
    assert memory.reset_peak()
    assert memory.peak_rss_mb() < memory.current_rss_mb() + 48
