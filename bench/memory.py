"""The resident memory of this process, for the micro-benchmarks that report an export's peak.

getrusage's ru_maxrss cannot be used for a child process's peak: on Linux it survives execve (the kernel keeps
the high-water mark of the address space exec replaces, and a child started by subprocess shares its parent's
until exec), so a child of the bench runner reported the runner's own peak as its own. /proc/self/status's
VmHWM belongs to the address space exec created, and writing "5" to /proc/self/clear_refs starts it again from
the current RSS, so a step measures its own peak and not what loading Django cost before it.
"""

import resource
from pathlib import Path

STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_mb(field: str) -> float | None:
    try:
        text = STATUS.read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024  # kB
    return None


def current_rss_mb() -> float:
    value = _status_mb("VmRSS")
    if value is None:  # no /proc (macOS): ru_maxrss, in bytes there, is the closest there is
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    return value


def peak_rss_mb() -> float:
    """The highest RSS of this process's address space since it started or since `reset_peak()`."""
    value = _status_mb("VmHWM")
    if value is None:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    return value


def reset_peak() -> bool:
    """Start the peak over from the current RSS; False where the system cannot (the peak then counts from the
    process's start)."""
    try:
        CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True
