"""Exports of the 通报 table: CSV streamed in the request; XLSX written by a task (plans.tasks.write_table_export)
into private storage, its progress in the TableExport row, since at a county's thousands of schools XlsxWriter
takes seconds, longer than a request should hold a worker."""

from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from core.tabular import stream_csv, write_xlsx

from .dashboard import Filters
from .leases import Lease, LeaseLost
from .models import ExportStatus, TableExport
from .planning import plan_for
from .report import PUBLISHED_TOTAL, cells, published_ranked_headers, ranked_cells, report_lines

EXPORT_DIR = "private/exports"
PROGRESS_EVERY = 200


def chinese_headers() -> list[str]:
    return published_ranked_headers()


def table_cells(district_id: int, filters: Filters, group_by: str) -> tuple[list[list], list]:
    """The lines in rank order, rank first (plans.report), and the total line, which has no rank."""
    plan = plan_for(district_id, filters.start_year)
    lines, total = report_lines(district_id, filters, plan, group_by)
    return [ranked_cells(line) for line in lines], [None, PUBLISHED_TOTAL, *cells(total)[1:]]


def csv_stream(district_id: int, filters: Filters, group_by: str):
    lines, total = table_cells(district_id, filters, group_by)
    return stream_csv(chinese_headers(), [*lines, total])


def export_path(export: TableExport) -> Path:
    return Path(settings.MEDIA_ROOT) / EXPORT_DIR / f"tongbao-{export.pk}.xlsx"


def _partial_path(export: TableExport, attempt: int) -> Path:
    # Each run writes its own file and renames it into place at the end: a run that lost its lease (and may still
    # be writing) never shares a file with the retry that replaced it.
    return export_path(export).with_name(f"tongbao-{export.pk}.{attempt}.part")


def _remove_partials(export: TableExport) -> None:
    for path in export_path(export).parent.glob(f"tongbao-{export.pk}.*.part"):
        path.unlink(missing_ok=True)


def write_export(export_id: int, lease: Lease | None = None) -> str:
    """Write the XLSX of one export, saving progress as rows are written.

    `lease` is the run's task lease: the progress updates renew it, and once it is lost (the job was handed to a
    retry) this run stops and writes nothing more. Every write to the row names this run's attempt, so a run
    that lost its lease cannot overwrite what the retry shows.
    """
    lease = lease or Lease(task_id=None, attempt=1, seconds=0)
    export = TableExport.objects.get(pk=export_id)
    mine = TableExport.objects.filter(pk=export.pk, attempts=lease.attempt)
    TableExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.RUNNING, attempts=lease.attempt, rows_done=0, error="", finished_at=None
    )
    filters = Filters(start_year=export.school_year.start_year, period=export.period)
    partial = _partial_path(export, lease.attempt)
    try:
        lines, total = table_cells(export.district_id, filters, export.group_by)
        rows_total = len(lines) + 1
        mine.update(rows_total=rows_total)

        def rows():
            for index, line in enumerate(lines, start=1):
                if index % PROGRESS_EVERY == 0:
                    lease.renew()
                    mine.update(rows_done=index)
                yield line
            yield total

        partial.parent.mkdir(parents=True, exist_ok=True)
        write_xlsx(partial, chinese_headers(), rows(), title="通报")
        lease.renew()  # still this run's job: only now may its file become the export's
        path = export_path(export)
        partial.replace(path)
        _remove_partials(export)  # what killed runs of this export left behind
    except LeaseLost:
        partial.unlink(missing_ok=True)
        raise
    except Exception as error:  # noqa: BLE001 — the owner sees the failure instead of a page waiting forever
        partial.unlink(missing_ok=True)  # what a failed write left is no table
        mine.update(status=ExportStatus.FAILED, error=str(error)[:300], finished_at=timezone.now())
        raise
    file = str(path.relative_to(settings.MEDIA_ROOT))
    mine.update(status=ExportStatus.DONE, rows_done=rows_total, file=file, finished_at=timezone.now())
    return file


def export_waiting_for_retry(export_id: int, attempt: int) -> None:
    """The lease sweep queued another run (`attempt`) after this export's worker died: it waits, from 0%."""
    TableExport.objects.filter(pk=export_id).update(status=ExportStatus.WAITING, rows_done=0)


def export_given_up(export_id: int, attempts: int, now: datetime | None = None) -> None:
    """Every run's worker died: the export failed, and says why in the reader's language (failure_reason)."""
    export = TableExport.objects.filter(pk=export_id).first()
    if export is None:
        return
    _remove_partials(export)
    TableExport.objects.filter(pk=export_id).update(
        status=ExportStatus.FAILED,
        error=TableExport.WORKER_LOST,
        attempts=attempts,
        finished_at=now or timezone.now(),
    )
