"""The 通报 XLSX task: its progress is visible while rows are written, and a failure leaves no file behind."""

import pytest
from openpyxl import load_workbook

from people.models import SchoolYear
from plans import exports
from plans.models import ExportStatus, TableExport
from plans.rollup import refresh_district

pytestmark = pytest.mark.django_db


@pytest.fixture
def export(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    year = SchoolYear.current()
    refresh_district(world.district, year.start_year)
    return TableExport.objects.create(requested_by=world.auditor, district=world.district, school_year=year)


def test_progress_is_saved_while_the_rows_are_written(export, monkeypatch):
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 1)
    seen = []
    write_xlsx = exports.write_xlsx

    def watched(path, headers, rows, title):
        def rows_watched():
            for row in rows:
                seen.append(TableExport.objects.values_list("status", "rows_done", "rows_total").get(pk=export.pk))
                yield row

        return write_xlsx(path, headers, rows_watched(), title=title)

    monkeypatch.setattr(exports, "write_xlsx", watched)
    exports.write_export(export.pk)
    export.refresh_from_db()
    schools = export.rows_total - 1  # the last row is the total
    assert schools >= 2
    assert [done for _status, done, _total in seen] == [*range(1, schools + 1), schools]
    assert {status for status, _done, _total in seen} == {ExportStatus.RUNNING}
    assert export.status == ExportStatus.DONE and export.percent_done == 100
    sheet = load_workbook(exports.export_path(export)).active
    assert sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[1]] == exports.chinese_headers()
    assert sheet.max_row == export.rows_total + 1 and sheet.cell(sheet.max_row, 2).value == "合计"


def test_a_failed_export_says_so_and_leaves_no_file(export, monkeypatch):
    write_xlsx = exports.write_xlsx

    def failing(path, headers, rows, title):
        def rows_then_failure():
            yield next(iter(rows))
            raise RuntimeError("数据库连接中断")

        return write_xlsx(path, headers, rows_then_failure(), title=title)

    monkeypatch.setattr(exports, "write_xlsx", failing)
    with pytest.raises(RuntimeError):
        exports.write_export(export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and export.error == "数据库连接中断" and not export.file
    assert export.finished_at is not None
    assert not exports.export_path(export).exists()
