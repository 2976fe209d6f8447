"""The audit pages at every level of the region tree (issue #17): province, city and county, each read by that
level's own officer, signed in through the real form.

- province and city: the region page (`/audit/regions/<pk>/`: the region's figures and the ranking of the units
  below it, its "dashboard"), and the same page with every column (`?cols=all`: the full 通报 table);
- county: the bureau dashboard (`/audit/`) and the 通报 table (`/audit/report/`).

Sequential requests on one connection, as the bureau dashboard's probe (bench.loadtools.probe): on loopback the
latency is the server's time. Queries per request are counted in process through Django's test client, and each
page's scope is described by what it reads: the figures rows (one per class and period) and the schools, classes
and students behind them, so the report shows what the latency depends on.
"""

from dataclasses import dataclass

from . import loadtools
from .http_client import Client

LEVELS = ("province", "city", "county")
PAGE_KINDS = ("dashboard", "tongbao")
PAGE_LABELS = {
    ("province", "dashboard"): "Province: region page (figures, ranking of cities and counties)",
    ("province", "tongbao"): "Province: 通报 table, every column (region page, cols=all)",
    ("city", "dashboard"): "City: region page (figures, ranking of its counties)",
    ("city", "tongbao"): "City: 通报 table, every column (region page, cols=all)",
    ("county", "dashboard"): "County: bureau dashboard (/audit/)",
    ("county", "tongbao"): "County: 通报 table (/audit/report/)",
}
BUDGET_MS = 150
# The tables that grow with students: a page that reads none of them takes the same time for 50 students a
# school as for 1,000, given the same schools and classes (its figures rows).
STUDENT_TABLES = (
    "people_student",
    "people_enrollment",
    "quizzes_attempt",
    "quizzes_answer",
    "classroom_lessonprogress",
)


@dataclass(frozen=True)
class LevelPage:
    level: str  # province, city, county
    kind: str  # dashboard, tongbao
    username: str  # the level's officer
    path: str
    district_ids: tuple[int, ...]  # the districts the page reads

    @property
    def key(self) -> str:
        return f"levels.{self.level}.{self.kind}"

    @property
    def label(self) -> str:
        return PAGE_LABELS[(self.level, self.kind)]


def metric(level: str, kind: str, figure: str = "p95_ms") -> str:
    return f"levels.{level}.{kind}.{figure}"


def pages(seed: int) -> list[LevelPage]:
    """The six pages of the generated tree B<seed>: the province, its first city and that city's first county."""
    from django.urls import reverse

    from people.models import District, Region, RegionLevel

    prefix = f"B{seed}-"
    province = Region.objects.filter(code__startswith=prefix, level=RegionLevel.PROVINCE).first()
    if province is None:
        return []
    city = Region.objects.filter(parent=province).order_by("code").first()
    county = District.objects.filter(region=city).order_by("code").first()
    under_province = tuple(
        District.objects.filter(code__startswith=prefix, region__in=[province, *province.children.all()])
        .order_by("id")
        .values_list("id", flat=True)
    )
    under_city = tuple(District.objects.filter(region=city).order_by("id").values_list("id", flat=True))
    found = []
    for level, region, districts in (("province", province, under_province), ("city", city, under_city)):
        path = reverse("plans:region", args=[region.pk])
        officer = f"{region.code.lower()}-admin"
        found.append(LevelPage(level, "dashboard", officer, path, districts))
        found.append(LevelPage(level, "tongbao", officer, path + "?cols=all", districts))
    officer = f"{county.code.lower()}-admin"
    found.append(LevelPage("county", "dashboard", officer, reverse("plans:dashboard"), (county.pk,)))
    found.append(LevelPage("county", "tongbao", officer, reverse("plans:report"), (county.pk,)))
    return found


def measure(base: str, level_pages: list[LevelPage], password: str, requests: int, results: dict, notes: dict):
    """Sign each officer in through the form (GET /signin/, POST), then probe her pages sequentially."""
    cookies: dict[str, str] = {}
    for page in level_pages:
        if page.username not in cookies:
            client = Client(base)
            client.sign_in(page.username, password)
            cookies[page.username] = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        figures = loadtools.probe(base, page.path, cookies[page.username], requests)
        results[f"{page.key}.p50_ms"] = figures["p50_ms"]
        results[f"{page.key}.p95_ms"] = figures["p95_ms"]
        results[f"{page.key}.max_ms"] = figures.get("max_ms")
        results[f"{page.key}.requests"] = requests
        if set(figures["statuses"]) != {"200"}:
            notes[f"{page.key}.p95_ms"] = f"statuses {figures['statuses']}"
            results[f"{page.key}.p95_ms"] = None


IN_PROCESS_REPETITIONS = 5


def query_counts(level_pages: list[LevelPage]) -> dict:
    """Queries per request of each page (Django's test client, a warm request first) and what its scope holds;
    and where its time goes, in this one process (no gunicorn, no other request): the median of a few
    requests' wall time, and of those the time spent waiting for the database and the process's own CPU."""
    import statistics
    import time

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client as TestClient
    from django.test.utils import CaptureQueriesContext

    from people.models import Enrollment, School, SchoolClass, SchoolYear
    from plans.models import ClassFigures

    year = SchoolYear.current()
    counts = {}
    for page in level_pages:
        client = TestClient(HTTP_HOST="127.0.0.1")
        client.force_login(get_user_model().objects.get(username=page.username))
        client.get(page.path)  # warm: the first request fills per-process caches
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.path)
        counts[f"{page.key}.queries"] = len(captured.captured_queries)
        walls, sqls, cpus = [], [], []
        for _ in range(IN_PROCESS_REPETITIONS):
            waited = [0.0]

            def timed(execute, sql, params, many, context, waited=waited):
                started = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    waited[0] += time.perf_counter() - started

            cpu, wall = time.process_time(), time.perf_counter()
            with connection.execute_wrapper(timed):
                client.get(page.path)
            walls.append(1000 * (time.perf_counter() - wall))
            cpus.append(1000 * (time.process_time() - cpu))
            sqls.append(1000 * waited[0])
        counts[f"{page.key}.in_process_ms"] = statistics.median(walls)
        counts[f"{page.key}.in_process_sql_ms"] = statistics.median(sqls)
        counts[f"{page.key}.in_process_cpu_ms"] = statistics.median(cpus)
        counts[f"{page.key}.student_table_queries"] = sum(
            1 for query in captured.captured_queries if any(f'"{table}"' in query["sql"] for table in STUDENT_TABLES)
        )
        counts[f"{page.key}.status"] = response.status_code
        counts[f"{page.key}.bytes"] = len(response.content)
        districts = list(page.district_ids)
        counts[f"{page.key}.districts"] = len(districts)
        counts[f"{page.key}.schools"] = School.objects.filter(district_id__in=districts).count()
        counts[f"{page.key}.classes"] = SchoolClass.objects.filter(
            school__district_id__in=districts, school_year=year
        ).count()
        counts[f"{page.key}.students"] = Enrollment.objects.filter(
            school_class__school__district_id__in=districts, school_year=year
        ).count()
        counts[f"{page.key}.figure_rows"] = ClassFigures.objects.filter(
            district_id__in=districts, school_year=year
        ).count()
    return counts


def report_rows(results: dict) -> list[str]:
    """The markdown table of the level pages: server time, queries, and the scope behind each page."""

    def fmt(value, digits=1):
        if value is None:
            return "—"
        return f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}"

    rows = [
        "| Page (signed in as the level's officer) | p50 ms | p95 ms | in one process: ms (database ms, CPU ms) "
        "| queries | of them on student tables | districts | schools | classes | students | figures rows |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for level in LEVELS:
        for kind in PAGE_KINDS:
            key = f"levels.{level}.{kind}"
            if f"{key}.p95_ms" not in results and f"{key}.queries" not in results:
                continue
            cells = [PAGE_LABELS[(level, kind)], fmt(results.get(f"{key}.p50_ms")), fmt(results.get(f"{key}.p95_ms"))]
            alone = results.get(f"{key}.in_process_ms")
            cells.append(
                "—"
                if alone is None
                else f"{fmt(alone, 0)} ({fmt(results.get(f'{key}.in_process_sql_ms'), 0)}, "
                f"{fmt(results.get(f'{key}.in_process_cpu_ms'), 0)})"
            )
            cells += [fmt(results.get(f"{key}.{n}")) for n in ("queries", "student_table_queries", "districts")]
            cells += [fmt(results.get(f"{key}.{n}")) for n in ("schools", "classes")]
            cells += [fmt(results.get(f"{key}.{n}")) for n in ("students", "figure_rows")]
            rows.append("| " + " | ".join(cells) + " |")
    return rows
