"""In-process micro-benchmarks of the domain functions: many repetitions, the median reported.

- grading and saving a 30-question submission (quizzes.services.submit_attempt) and one answer save;
- a 3,000-row roster import (people.roster.import_roster) on PostgreSQL, and on SQLite in a child process;
- writing 1,000,000 result rows as CSV and XLSX (core.tabular), in a child process so its peak memory is its own;
- queries per request of the key pages and endpoints, through Django's test client.
"""

import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .environment import ROOT
from .memory import current_rss_mb, peak_rss_mb, reset_peak


def roster_xlsx(students: int = 3000) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["姓名", "学号", "性别", "年级", "班级"])
    for index in range(students):
        sheet.append(
            [f"学生{index}", f"9{index:07d}", "男女"[index % 2], f"初{'一二三'[index % 3]}", f"{index % 20 + 1}班"]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Production's task backend (config/settings/base.py): a task enqueued in a request is a row written in its
# transaction, run by a worker. The bench's processes run tasks inline (the immediate backend), which would
# charge the submission with work production does not do in the request.
PRODUCTION_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def submission(student_ids: list[int], quiz_id: int, repetitions: int) -> dict:
    """Fresh attempts with 30 saved answers each; time every save and every submission (with production's task
    backend: the integrity rules are queued, classroom.tasks), then the queued integrity task of each."""
    from django.test.utils import override_settings

    with override_settings(TASKS=PRODUCTION_TASKS):
        figures, submitted = _submissions(student_ids, quiz_id, repetitions)
    from classroom.tasks import check_attempt_integrity

    task_times = []
    for attempt_id in submitted:
        started = time.perf_counter()
        check_attempt_integrity.call(attempt_id)
        task_times.append(time.perf_counter() - started)
    figures["micro.submit.integrity_task_median_ms"] = 1000 * statistics.median(task_times) if task_times else None
    return figures


def _submissions(student_ids: list[int], quiz_id: int, repetitions: int) -> tuple[dict, list[int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from people.models import Student
    from quizzes import services
    from quizzes.models import Quiz

    quiz = Quiz.objects.get(pk=quiz_id)
    save_times, submit_times, queries, submitted_ids = [], [], None, []
    for student in Student.objects.filter(pk__in=student_ids[:repetitions]):
        attempt = services.start_or_resume_attempt(student, quiz, check_access=False)
        for question in attempt.question_ids:
            option = int(next(iter(attempt.answer_key[str(question)]["w"])))
            started = time.perf_counter()
            services.save_answer(attempt, question, [option])
            save_times.append(time.perf_counter() - started)
        if queries is None:
            with CaptureQueriesContext(connection) as captured:
                services.submit_attempt(attempt.pk)
            queries = len(captured.captured_queries)
            continue
        started = time.perf_counter()
        submitted = services.submit_attempt(attempt.pk)
        submit_times.append(time.perf_counter() - started)
        assert submitted.submitted_at is not None  # noqa: S101 (a benchmark that measured nothing must stop)
        submitted_ids.append(attempt.pk)
    return {
        "micro.submit.median_ms": 1000 * statistics.median(submit_times) if submit_times else None,
        "micro.submit.repetitions": len(submit_times),
        "micro.submit.queries": queries,
        "micro.save.median_ms": 1000 * statistics.median(save_times) if save_times else None,
        "micro.save.repetitions": len(save_times),
    }, submitted_ids


def roster_import(district_id: int, label: str) -> dict:
    from people.models import School, SchoolKind
    from people.roster import import_roster

    data = roster_xlsx()
    code = f"BIMP{int(time.time()) % 100000}"
    school = School.objects.create(district_id=district_id, code=code, name=f"导入测试{code}", kind=SchoolKind.JUNIOR)
    started = time.perf_counter()
    result = import_roster(school, data, actor=None)
    elapsed = time.perf_counter() - started
    if not result.committed or result.created != 3000:
        raise RuntimeError(f"roster import did not commit 3,000 students: {result.problems[:3]}")
    return {f"import.{label}.seconds": elapsed}


def sqlite_import_in_child(env: dict) -> dict:
    """Run the 3,000-row import on a fresh SQLite database in a child process (`python -m bench micro-sqlite`)."""
    with tempfile.TemporaryDirectory() as folder:
        child_env = {**env, "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3", "BENCH_SYNCDB": "1"}
        output = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "bench", "micro-sqlite"], cwd=ROOT, env=child_env, capture_output=True, text=True
        )
    return _last_json(output, "SQLite import")


def sqlite_import_main() -> dict:
    from django.core.management import call_command

    from people.models import District

    call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)
    district = District.objects.create(code="BSQL", name="导入测试区")
    return roster_import(district.pk, "sqlite")


def export_in_child(env: dict, fmt: str, rows: int) -> dict:
    output = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench", "micro-export", fmt, str(rows)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    return _last_json(output, f"{fmt} export")


def local_seconds(field: str):
    """`field` truncated to the second in the current time zone, naive: what a spreadsheet cell shows (XLSX cannot
    hold a zone). PostgreSQL computes it (DATE_TRUNC … AT TIME ZONE) and psycopg reads the plain timestamp in C;
    converting aware datetimes row by row in Python (Django's time-zone loader, then localtime()) cost about
    as much as writing the whole row."""
    from django.db.models.functions import TruncSecond

    class LocalSecond(TruncSecond):
        def get_db_converters(self, connection):
            if connection.vendor == "postgresql":
                return []  # already the naive local time
            # Other databases come back aware (wrongly in UTC on SQLite): keep the wall-clock time, drop the zone.
            return [lambda value, expression, connection: value and value.replace(tzinfo=None)]

    return LocalSecond(field)


def export_main(fmt: str, rows: int) -> dict:
    """Stream `rows` result rows (students' attempts with names, school and quiz) into a CSV or XLSX file."""
    from django.db import transaction

    from core.tabular import stream_csv, write_xlsx
    from quizzes.models import Attempt

    headers = ["学号", "姓名", "学校", "测验", "提交时间", "得分", "百分制", "及格"]
    fields = (
        "student__student_number", "student__user__full_name", "school__name", "quiz__title",
        "submitted_local", "score", "percent", "passed",
    )  # fmt: skip
    submitted = Attempt.objects.filter(submitted_at__isnull=False)
    available = submitted.count()

    def source():
        # Tuples straight from a server-side cursor (no model instances, no Python per row); a small source is
        # read again from the start until `rows` rows are written. The caller holds a transaction: in autocommit
        # Django declares the cursor WITH HOLD, and PostgreSQL then runs the whole query before the first row.
        written = 0
        query = submitted.annotate(submitted_local=local_seconds("submitted_at")).order_by("pk").values_list(*fields)
        while written < rows:
            for row in query[: rows - written].iterator(chunk_size=5000):
                yield row
                written += 1
            if available == 0:
                return

    reset_peak()  # the export's own peak, not what loading Django cost before it
    before = current_rss_mb()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"export.{fmt}"
        if fmt == "csv":
            with path.open("w", encoding="utf-8", newline="") as handle:
                with transaction.atomic():
                    for line in stream_csv(headers, source()):
                        handle.write(line)
        else:
            with transaction.atomic():
                write_xlsx(path, headers, source(), title="成绩")
        size = path.stat().st_size
    elapsed = time.perf_counter() - started
    return {
        f"export.{fmt}.seconds": elapsed,
        f"export.{fmt}.rows": rows,
        f"export.{fmt}.seconds_per_million": elapsed * 1_000_000 / rows,
        # What the export itself costs: the peak above the process as it was before (Django, the apps, imports).
        f"export.{fmt}.peak_mb": peak_rss_mb() - before,
        f"export.{fmt}.process_peak_mb": peak_rss_mb(),
        f"export.{fmt}.process_before_mb": before,
        f"export.{fmt}.file_mb": size / 2**20,
        f"export.{fmt}.source_rows": available,
    }


def tongbao_export_main() -> dict:
    """The 通报 XLSX of the bench's largest district as its task writes it (plans.exports.write_export): the
    roll-up's table, a row per school, through XlsxWriter (constant_memory) into private storage."""
    from django.db.models import Count

    from people.models import District, SchoolYear, User
    from plans.exports import write_export
    from plans.models import TableExport

    district = District.objects.annotate(schools_count=Count("schools")).order_by("-schools_count", "pk").first()
    if district is None:
        raise RuntimeError("no district to export")
    export = TableExport.objects.create(
        requested_by=User.objects.order_by("pk").first(),
        district=district,
        school_year=SchoolYear.current(),
        period="year",
        group_by="school",
    )
    reset_peak()
    before = current_rss_mb()
    started = time.perf_counter()
    file = write_export(export.pk)
    elapsed = time.perf_counter() - started
    peak = peak_rss_mb()
    export.refresh_from_db()
    path = Path(os.environ.get("MEDIA_ROOT", ".")) / file
    size = path.stat().st_size
    path.unlink()
    rows = export.rows_total
    export.delete()
    return {
        "export.tongbao.seconds": elapsed,
        "export.tongbao.rows": rows,
        "export.tongbao.schools": district.schools_count,
        "export.tongbao.peak_mb": peak - before,
        "export.tongbao.file_mb": size / 2**20,
    }


CLASS_EXPORT_REPETITIONS = 20


def class_export_main(fmt: str) -> dict:
    """One class's results (classroom.exports.class_results_response, as the teacher downloads them) for the
    class with the most students and assignments; the whole response is read, as a browser reads it."""
    from django.db.models import Count
    from django.test import RequestFactory

    from classroom.exports import class_results_response
    from people.models import SchoolClass, User

    school_class = (
        SchoolClass.objects.annotate(
            students_count=Count("enrollments", distinct=True), tasks=Count("assignments", distinct=True)
        )
        .filter(tasks__gt=0)
        .order_by("-students_count", "-tasks", "pk")
        .first()
    )
    if school_class is None:
        raise RuntimeError("no class with assignments to export")
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1")
    request.user = User.objects.filter(is_superuser=True).order_by("pk").first() or User.objects.order_by("pk").first()

    def download() -> bytes:
        response = class_results_response(request, school_class, fmt)
        try:
            return b"".join(response.streaming_content)
        finally:
            response.close()

    reset_peak()
    before = current_rss_mb()
    body = download()  # the first: its peak is one download's
    peak = peak_rss_mb()
    times = []
    for _ in range(CLASS_EXPORT_REPETITIONS):
        started = time.perf_counter()
        download()
        times.append(time.perf_counter() - started)
    return {
        f"export.class_{fmt}.median_ms": 1000 * statistics.median(times),
        f"export.class_{fmt}.repetitions": len(times),
        f"export.class_{fmt}.students": school_class.students_count,
        f"export.class_{fmt}.assignments": school_class.tasks,
        f"export.class_{fmt}.peak_mb": peak - before,
        f"export.class_{fmt}.file_kb": len(body) / 1024,
    }


def tongbao_export_in_child(env: dict) -> dict:
    output = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench", "micro-export-tongbao"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    return _last_json(output, "通报 XLSX export")


def class_export_in_child(env: dict, fmt: str) -> dict:
    output = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench", "micro-export-class", fmt], cwd=ROOT, env=env, capture_output=True, text=True
    )
    return _last_json(output, f"class results {fmt} export")


def _last_json(output: subprocess.CompletedProcess, what: str) -> dict:
    import json

    lines = [line for line in output.stdout.splitlines() if line.startswith("{")]
    if output.returncode != 0 or not lines:
        raise RuntimeError(f"{what} failed (exit {output.returncode}): {output.stderr[-1500:]}")
    return json.loads(lines[-1])


def query_counts(fixtures: dict) -> dict:
    """Queries per request of the lesson page, an answer save, a submission and the bureau's pages."""
    import json

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from people.models import Student, User
    from quizzes import services
    from quizzes.models import Quiz

    counts = {}

    def count(label: str, user, method: str, path: str, **extra):
        client = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=False)
        client.force_login(user)
        getattr(client, method)(path, **extra)  # warm: the first request fills per-process caches
        with CaptureQueriesContext(connection) as captured:
            response = getattr(client, method)(path, **extra)
        counts[f"{label}.queries"] = len(captured.captured_queries)
        counts[f"{label}.status"] = response.status_code

    student = Student.objects.select_related("user").get(pk=fixtures["micro_student_ids"][-1])
    if fixtures["lesson_path"]:
        count("lesson", student.user, "get", fixtures["lesson_path"])
        count("baseline", student.user, "get", fixtures["baseline_path"])
    quiz = Quiz.objects.get(pk=fixtures["save_quiz_id"])
    attempt = services.start_or_resume_attempt(student, quiz, check_access=False)
    question = attempt.question_ids[0]
    token = next(iter(attempt.answer_key[str(question)]["t"]))  # the page names options by the paper's tokens
    body = json.dumps({"question": question, "options": [token]})
    count(
        "save",
        student.user,
        "post",
        f"/quizzes/attempt/{attempt.pk}/answer/",
        data=body,
        content_type="application/json",
    )
    other = Student.objects.select_related("user").get(pk=fixtures["micro_student_ids"][-2])
    other_attempt = services.start_or_resume_attempt(other, quiz, check_access=False)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(other.user)
    with CaptureQueriesContext(connection) as captured:
        client.post(f"/quizzes/attempt/{other_attempt.pk}/submit/", {})
    counts["submit.queries"] = len(captured.captured_queries)
    bureau = User.objects.get(pk=fixtures["bureau_user_id"])
    for label in ("dashboard", "tongbao"):
        if fixtures[f"{label}_path"]:
            count(label, bureau, "get", fixtures[f"{label}_path"])
    return counts


def child_main(argv: list[str]) -> None:
    """Entry of the child processes: `micro-sqlite`, `micro-export FORMAT ROWS`, `micro-export-tongbao` or
    `micro-export-class FORMAT`; prints one JSON line."""
    import json

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    if argv[0] == "micro-sqlite":
        print(json.dumps(sqlite_import_main()))
    elif argv[0] == "micro-export-tongbao":
        print(json.dumps(tongbao_export_main()))
    elif argv[0] == "micro-export-class":
        print(json.dumps(class_export_main(argv[1])))
    else:
        print(json.dumps(export_main(argv[1], int(argv[2]))))
