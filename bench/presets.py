"""The presets of `python -m bench run`: smoke (does every scenario run), quick (a small district, a few minutes)
and full (the budgets' scale)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    name: str
    schools: int
    students_per_school: int
    attempts_per_student: int
    seconds: int  # duration of each throughput run
    burst_students: int
    save_students: int
    latency_requests: int  # sequential requests per dashboard/table probe
    export_rows: int
    signin_students: int = 300  # the password sign-in scenario: all at once, through the form
    # How the burst's students arrive, room by room as a school starts an exam (docs/scaling.md, "The exam start
    # on one app core"): the rooms' teachers say "scan your slip" within this many seconds of each other ...
    burst_rooms_start_s: float = 60.0
    # ... and a room's forty students then scan over this many seconds, as they sit down, wake the computer and
    # hold the slip to the camera (a room never signs in within the same second).
    burst_room_fill_s: float = 60.0
    burst_think_s: tuple[float, float] = (0.5, 1.5)  # between two answers (a student who knows them)
    burst_max_seconds: float = 1500.0  # the burst client stops then; whoever is still sitting is unfinished
    districts: int = 1  # one bureau sees every school: the dashboard's worst case
    # The region tree above the districts (issue #17): one province over this many cities, the districts shared
    # out among them; each level's officer reads its own pages (bench.levels).
    cities: int = 1
    # Students per class (bench.generator): smaller keeps a full preset's number of classes, which is what the
    # audit pages read (a figures row per class and period), with fewer students to write.
    class_size: int = 45


PRESETS = {
    # A minute or two on an idle machine: every scenario runs, at a scale that only shows it works.
    "smoke": Preset(
        name="smoke",
        schools=2,
        students_per_school=150,
        attempts_per_student=1,
        seconds=2,
        burst_students=100,
        save_students=50,
        latency_requests=5,
        export_rows=5000,
        signin_students=40,
        burst_rooms_start_s=5.0,
        burst_room_fill_s=20.0,
        burst_max_seconds=600.0,
    ),
    "quick": Preset(
        name="quick",
        schools=20,
        students_per_school=200,
        attempts_per_student=3,
        seconds=8,
        burst_students=1000,
        save_students=600,
        latency_requests=30,
        # A quarter of the budget's million rows keeps the quick run short; the time budget is checked per
        # million rows (streaming exports grow linearly) and the memory budget as measured.
        export_rows=250_000,
    ),
    "full": Preset(
        name="full",
        schools=1000,
        students_per_school=1000,
        attempts_per_student=10,
        seconds=30,
        burst_students=1000,
        save_students=2000,
        latency_requests=100,
        export_rows=1_000_000,
        # Issue #17's tree: 1,000 schools in 10 counties under 2 cities and 1 province. A county bureau sees 100
        # schools; the province officer's pages read all 1,000.
        districts=10,
        cities=2,
    ),
    # The full preset's tree and about its number of classes (25–30 a school, classes of two), with 50
    # students a school instead of 1,000: the audit pages read one figures row per class and period, so their
    # time follows schools and classes, not students (bench/results/levels-2026-12-02.md). For
    # `python -m bench run --preset levels --only-levels` on a shared machine; its other scenarios are smoke-sized.
    "levels": Preset(
        name="levels",
        schools=1000,
        students_per_school=50,
        attempts_per_student=1,
        seconds=2,
        burst_students=100,
        save_students=50,
        latency_requests=100,
        export_rows=5000,
        signin_students=40,
        burst_rooms_start_s=5.0,
        burst_room_fill_s=20.0,
        burst_max_seconds=600.0,
        districts=10,
        cities=2,
        class_size=2,
    ),
}
