"""Live figures under the exam burst: how long after a student submits her school's figures include her attempt.

The figures every audit page reads are the roll-up rows, one per class and period (plans.ClassFigures); the
school view, the dashboard, the 通报 and the region pages sum them. A submission queues a refresh of its class
once it commits (plans/live.py: one pending row per class, one leased `refresh_class_figures` task, coalesced),
and a task worker (`manage.py db_worker`) runs it. So during the burst a watcher in the runner reads the
whole-year rows of the burst's classes every POLL_SECONDS; a class's counted results (`results_with_flagged`:
one per student and quiz, whether or not an integrity flag was raised) rise by one with each of its students'
submissions the refresh has seen.

The k-th submission of a class (by its `submitted_at`, set in the request just before its transaction commits)
is in the figures from the first reading that shows the class's results at least k above where they stood
before the burst. Its delay is that reading's time less its `submitted_at`: at most POLL_SECONDS late, never
early, except when two submissions of a class commit in the other order than their timestamps (milliseconds).
A submission never shown by the end of the watch is counted apart (`not_shown`) and has no delay.
"""

import datetime
import threading
import time
from bisect import bisect_left

from . import loadtools

POLL_SECONDS = 0.2
# After the burst the watch goes on until every submission is in the figures, or this long.
SETTLE_SECONDS = 60.0


def burst_classes(student_ids) -> dict[int, int]:
    """Student id → her class this school year (where her figures are counted)."""
    from people.models import Enrollment, SchoolYear

    return dict(
        Enrollment.objects.filter(student_id__in=list(student_ids), school_year=SchoolYear.current()).values_list(
            "student_id", "school_class_id"
        )
    )


def _read(class_ids) -> dict[int, int]:
    from plans.models import ClassFigures, Period

    rows = ClassFigures.objects.filter(school_class_id__in=class_ids, period=Period.YEAR)
    return dict(rows.values_list("school_class_id", "results_with_flagged"))


class FreshnessWatch(threading.Thread):
    """Reads the classes' results every `every` seconds and keeps each change: class → [(time, results)]."""

    def __init__(self, class_ids, every: float = POLL_SECONDS):
        super().__init__(daemon=True)
        self.class_ids = sorted(set(class_ids))
        self.every = every
        self.baseline = {pk: 0 for pk in self.class_ids} | _read(self.class_ids)
        self.seen: dict[int, list[tuple[float, int]]] = {pk: [] for pk in self.class_ids}
        self.readings = 0
        self.stopped = threading.Event()

    def run(self):
        from django.db import connection

        last = dict(self.baseline)
        try:
            while not self.stopped.is_set():
                now = time.time()
                counts = _read(self.class_ids)
                self.readings += 1
                for pk in self.class_ids:
                    value = counts.get(pk, 0)
                    if value != last[pk]:
                        self.seen[pk].append((now, value))
                        last[pk] = value
                self.stopped.wait(self.every)
        finally:
            connection.close()  # this thread's own connection

    def shown(self, class_id: int) -> int:
        """How many submissions of the class the figures show by now."""
        history = self.seen.get(class_id) or []
        return (history[-1][1] if history else self.baseline.get(class_id, 0)) - self.baseline.get(class_id, 0)

    def settle(self, expected: dict[int, int], seconds: float = SETTLE_SECONDS) -> float:
        """Wait until every class shows its `expected` submissions, or `seconds`; the seconds waited."""
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            if all(self.shown(pk) >= n for pk, n in expected.items()):
                break
            time.sleep(self.every)
        return time.monotonic() - started

    def stop(self):
        self.stopped.set()
        self.join()


def delays(seen: dict, baseline: dict, submissions: list[tuple[int, datetime.datetime]]) -> tuple[list[float], int]:
    """Per submission (class id, submitted_at), the seconds until a reading showed it; and how many never were."""
    by_class: dict[int, list[float]] = {}
    for class_id, submitted_at in submissions:
        by_class.setdefault(class_id, []).append(submitted_at.timestamp())
    found, missing = [], 0
    for class_id, times in by_class.items():
        history = seen.get(class_id, [])
        shown = [count - baseline.get(class_id, 0) for _at, count in history]
        running = []  # the most a reading up to each one showed (a count only falls if a record is deleted)
        for value in shown:
            running.append(max(value, running[-1]) if running else value)
        for k, submitted in enumerate(sorted(times), start=1):
            index = bisect_left(running, k)
            if index == len(running):
                missing += 1
            else:
                found.append(max(0.0, history[index][0] - submitted))
    return found, missing


def summarise(watch: FreshnessWatch, submissions, settled_s: float) -> dict:
    found, missing = delays(watch.seen, watch.baseline, submissions)
    ms = [1000 * s for s in found]
    return {
        "freshness.submissions": len(submissions),
        "freshness.classes": len(watch.class_ids),
        "freshness.shown": len(found),
        "freshness.not_shown": missing,
        "freshness.p50_ms": loadtools.percentile(ms, 50),
        "freshness.p95_ms": loadtools.percentile(ms, 95),
        "freshness.max_ms": max(ms) if ms else None,
        "freshness.poll_ms": 1000 * watch.every,
        "freshness.readings": watch.readings,
        "freshness.settle_seconds": round(settled_s, 1),
    }


def submissions_of(quiz_id: int, student_class: dict[int, int]) -> list[tuple[int, datetime.datetime]]:
    """(class id, submitted_at) of the burst's submitted attempts, each in its student's class this year."""
    from quizzes.models import Attempt

    rows = Attempt.objects.filter(
        quiz_id=quiz_id, student_id__in=list(student_class), submitted_at__isnull=False
    ).values_list("student_id", "submitted_at")
    return [(student_class[student_id], at) for student_id, at in rows if student_id in student_class]


def expected_per_class(submissions) -> dict[int, int]:
    expected: dict[int, int] = {}
    for class_id, _at in submissions:
        expected[class_id] = expected.get(class_id, 0) + 1
    return expected


def task_queue(since: datetime.datetime) -> dict:
    """Where a refresh's delay went: for the tasks queued since `since`, per task, how many, how long they
    waited in the queue (enqueued → a worker took it) and how long they ran (taken → finished), p50 and p95.
    A class refresh waits behind every task queued before it, the submissions' integrity checks included."""
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(enqueued_at__gte=since).values_list(
        "task_path", "enqueued_at", "started_at", "finished_at"
    )
    by_task: dict[str, dict[str, list[float]]] = {}
    for path, enqueued, started, finished in rows:
        entry = by_task.setdefault(path.rsplit(".", 1)[-1], {"wait": [], "run": [], "unfinished": []})
        if started is None or finished is None:
            entry["unfinished"].append(1.0)
            continue
        entry["wait"].append(1000 * (started - enqueued).total_seconds())
        entry["run"].append(1000 * (finished - started).total_seconds())
    out = {}
    for name, entry in sorted(by_task.items()):
        key = f"freshness.tasks.{name}"
        out[f"{key}.count"] = len(entry["wait"]) + len(entry["unfinished"])
        out[f"{key}.unfinished"] = len(entry["unfinished"])
        for what in ("wait", "run"):
            out[f"{key}.{what}_p50_ms"] = loadtools.percentile(entry[what], 50)
            out[f"{key}.{what}_p95_ms"] = loadtools.percentile(entry[what], 95)
    return out
