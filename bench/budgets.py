"""The budgets the suite checks. A budget with no measurement fails: an unmeasured figure is not a pass."""

import operator
from dataclasses import asdict, dataclass

from .levels import BUDGET_MS as LEVEL_BUDGET_MS
from .levels import LEVELS, PAGE_KINDS, PAGE_LABELS


@dataclass
class Verdict:
    key: str
    label: str
    limit: str
    value: float | None
    unit: str
    passed: bool
    note: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Budget:
    key: str
    label: str
    metric: str  # key in the flat results
    op: str  # "<=" or ">="
    limit: float
    unit: str

    def check(self, results: dict, notes: dict) -> Verdict:
        value = results.get(self.metric)
        note = notes.get(self.metric, "")
        limit = f"{self.op} {self.limit:g}"
        if value is None:
            return Verdict(self.key, self.label, limit, None, self.unit, False, note or "not measured")
        return Verdict(self.key, self.label, limit, value, self.unit, OPERATORS[self.op](value, self.limit), note)


OPERATORS = {"<": operator.lt, "<=": operator.le, ">=": operator.ge}

BUDGETS = [
    # Never slower than a stock Wagtail page of the same blocks; the multiple itself is reported, not chased.
    Budget(
        "lesson_vs_baseline", "Signed-in lesson page ÷ plain Wagtail page, requests/s", "lesson.ratio", ">=", 1, "×"
    ),
    Budget(
        "submission_median",
        "Grading + saving a 30-question submission, median",
        "micro.submit.median_ms",
        "<",
        10,
        "ms",
    ),
    # The exam, through the edge (issue #15): 1,000 students, half by slip code, half by password.
    Budget("burst_errors", "Exam-start burst: server errors, timeouts and resets", "burst.errors", "<=", 0, "requests"),
    Budget(
        "burst_attempts", "Exam-start burst: lost or duplicated attempts", "burst.attempt_mismatch", "<=", 0, "attempts"
    ),
    Budget(
        "burst_answers",
        "Exam-start burst: lost, altered or duplicated answers (checked in the database)",
        "burst.answer_mismatch",
        "<=",
        0,
        "answers",
    ),
    Budget(
        "burst_unfinished", "Exam-start burst: students who did not submit", "burst.unfinished", "<=", 0, "students"
    ),
    Budget(
        "burst_retry_after",
        "Exam-start burst: 429/503 answers without Retry-After",
        "burst.shed_without_retry_after",
        "<=",
        0,
        "requests",
    ),
    Budget(
        "burst_token_first_question",
        "Exam-start burst, slip-code path: sign-in to first question on screen, p95",
        "burst.token.first_question_p95_ms",
        "<=",
        10_000,
        "ms",
    ),
    Budget(
        "signin_rate",
        "Password sign-ins through the form (Argon2id), per second per app core",
        "signin.per_second_per_core",
        ">=",
        20,
        "/s",
    ),
    Budget("dashboard_p95", "Bureau dashboard, server time p95", "dashboard.p95_ms", "<=", 300, "ms"),
    Budget("tongbao_p95", "通报 table, server time p95", "tongbao.p95_ms", "<=", 300, "ms"),
    # Issue #17: the audit pages at every level of the region tree, each read by that level's officer.
    *[
        Budget(
            f"levels_{level}_{kind}_p95",
            f"{PAGE_LABELS[(level, kind)]}, server time p95",
            f"levels.{level}.{kind}.p95_ms",
            "<=",
            LEVEL_BUDGET_MS,
            "ms",
        )
        for level in LEVELS
        for kind in PAGE_KINDS
    ],
    # Issue #17: live figures. During the exam burst, from a submission's commit until the school's figures
    # (its class's roll-up row, which every audit page sums) include it, through the queued refresh a worker runs.
    Budget(
        "freshness_p95",
        "Exam burst: a submitted attempt in its school's figures, delay p95",
        "freshness.p95_ms",
        "<=",
        5000,
        "ms",
    ),
    Budget(
        "freshness_missing",
        "Exam burst: submitted attempts never in the figures (by the end of the watch)",
        "freshness.not_shown",
        "<=",
        0,
        "attempts",
    ),
    Budget("export_csv_time", "CSV export, time per 1,000,000 rows", "export.csv.seconds_per_million", "<=", 15, "s"),
    Budget("export_csv_memory", "CSV export of 1,000,000 rows, peak memory", "export.csv.peak_mb", "<=", 150, "MB"),
    # XlsxWriter (issue #14) writes about 50 s of CPU per million rows on an idle core where the home-made writer
    # took 8 s; a table that large is only ever written by the export task, whose page shows its progress.
    Budget(
        "export_xlsx_time", "XLSX export, time per 1,000,000 rows", "export.xlsx.seconds_per_million", "<=", 120, "s"
    ),
    Budget("export_xlsx_memory", "XLSX export of 1,000,000 rows, peak memory", "export.xlsx.peak_mb", "<=", 150, "MB"),
    Budget("import_pg", "Roster import, 3,000 rows (PostgreSQL)", "import.postgres.seconds", "<=", 10, "s"),
    Budget("import_sqlite", "Roster import, 3,000-row XLSX (SQLite)", "import.sqlite.seconds", "<=", 10, "s"),
]


def check_all(results: dict, notes: dict) -> list[Verdict]:
    return [budget.check(results, notes) for budget in BUDGETS]
