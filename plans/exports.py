"""Exports of the 通报 table: CSV streamed in the request; XLSX written by a task (plans.tasks.write_table_export)
into private storage, its progress in the TableExport row, since at a county's thousands of schools XlsxWriter
takes seconds, longer than a request should hold a worker."""

from pathlib import Path

from django.conf import settings
from django.utils import timezone

from core.tabular import stream_csv, write_xlsx

from .dashboard import Filters
from .models import ExportStatus, TableExport
from .planning import plan_for
from .report import PUBLISHED_HEADERS, PUBLISHED_TOTAL, cells, report_lines

EXPORT_DIR = "private/exports"
PROGRESS_EVERY = 200


def chinese_headers() -> list[str]:
    return list(PUBLISHED_HEADERS)


def table_cells(district_id: int, filters: Filters, group_by: str) -> tuple[list[list], list]:
    plan = plan_for(district_id, filters.start_year)
    lines, total = report_lines(district_id, filters, plan, group_by)
    return [cells(line) for line in lines], [PUBLISHED_TOTAL, *cells(total)[1:]]


def csv_stream(district_id: int, filters: Filters, group_by: str):
    lines, total = table_cells(district_id, filters, group_by)
    return stream_csv(chinese_headers(), [*lines, total])


def export_path(export: TableExport) -> Path:
    return Path(settings.MEDIA_ROOT) / EXPORT_DIR / f"tongbao-{export.pk}.xlsx"


def write_export(export_id: int) -> str:
    export = TableExport.objects.get(pk=export_id)
    export.status = ExportStatus.RUNNING
    export.save(update_fields=["status"])
    filters = Filters(start_year=export.school_year.start_year, period=export.period)
    try:
        lines, total = table_cells(export.district_id, filters, export.group_by)
        export.rows_total = len(lines) + 1
        export.save(update_fields=["rows_total"])

        def rows():
            for index, line in enumerate(lines, start=1):
                if index % PROGRESS_EVERY == 0:
                    TableExport.objects.filter(pk=export.pk).update(rows_done=index)
                yield line
            yield total

        path = export_path(export)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_xlsx(path, chinese_headers(), rows(), title="通报")
    except Exception as error:  # noqa: BLE001 — the owner sees the failure instead of a page waiting forever
        export_path(export).unlink(missing_ok=True)  # what a failed write left is no table
        export.status = ExportStatus.FAILED
        export.error = str(error)[:300]
        export.finished_at = timezone.now()
        export.save(update_fields=["status", "error", "finished_at"])
        raise
    export.status = ExportStatus.DONE
    export.rows_done = export.rows_total
    export.file = str(path.relative_to(settings.MEDIA_ROOT))
    export.finished_at = timezone.now()
    export.save(update_fields=["status", "rows_done", "file", "finished_at"])
    return export.file
