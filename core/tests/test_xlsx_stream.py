"""The streaming XLSX writer: what openpyxl (and so Excel) reads back from it, cell by cell."""

import datetime
import io
import math
import zipfile
from decimal import Decimal

import pytest
from defusedxml import ElementTree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from core import xlsx_stream
from core.tabular import FORMULA_PREFIXES, write_xlsx
from core.xlsx_stream import MAX_CELL_CHARS, column_letters, sheet_name, write_xlsx_stream


def written(headers, rows, **options) -> bytes:
    buffer = io.BytesIO()
    write_xlsx_stream(buffer, headers, rows, **options)
    return buffer.getvalue()


def read_back(data: bytes, read_only: bool = False) -> list[list]:
    """Every sheet's rows as openpyxl gives them, each sheet after the other; formula cells fail the test."""
    workbook = load_workbook(io.BytesIO(data), read_only=read_only)
    rows = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert getattr(cell, "data_type", "n") != "f", f"{cell.coordinate} is a formula"
            rows.append([cell.value for cell in row])
    return rows


def trimmed(row: list) -> list:
    while row and row[-1] is None:
        row = row[:-1]
    return row


def test_values_and_types_round_trip():
    rows = [
        ["张三", 20260001, 92.5, True, datetime.datetime(2026, 3, 1, 8, 30, 15), datetime.date(2026, 3, 1)],
        ["李四", -3, 0.1, False, datetime.datetime(2026, 12, 31, 23, 59, 59), datetime.date(1999, 1, 2)],
        ("王五", 0, 1e-7, None, datetime.datetime(2026, 1, 1), None),
        ["", None, Decimal("12.50"), True, datetime.datetime(2026, 5, 6, 7, 8, 9, 250000), datetime.date(2026, 2, 28)],
    ]
    headers = ["姓名", "学号", "得分", "及格", "提交时间", "日期"]
    for read_only in (False, True):
        back = read_back(written(headers, rows, title="成绩"), read_only=read_only)
        assert back[0] == headers
        # openpyxl gives dates back as midnight datetimes
        assert back[1] == [*rows[0][:5], datetime.datetime(2026, 3, 1)]
        assert back[2] == [*rows[1][:5], datetime.datetime(1999, 1, 2)]
        assert trimmed(back[3]) == ["王五", 0, 1e-7, None, datetime.datetime(2026, 1, 1)]
        assert back[4][:5] == [None, None, 12.5, True, datetime.datetime(2026, 5, 6, 7, 8, 9, 250000)]
        assert back[4][5] == datetime.datetime(2026, 2, 28)
    assert all(isinstance(value, int) and not isinstance(value, bool) for value in (back[1][1], back[2][1]))
    assert isinstance(back[1][3], bool)


def test_times_durations_and_odd_numbers():
    rows = [
        [datetime.time(13, 45, 30), datetime.timedelta(hours=26, minutes=3), math.nan, math.inf, -math.inf, 10**20],
    ]
    back = read_back(written(["时间", "时长", "a", "b", "c", "d"], rows))
    assert back[1][0] == datetime.time(13, 45, 30)
    assert back[1][1] == datetime.timedelta(hours=26, minutes=3)
    assert back[1][2:5] == ["nan", "inf", "-inf"]  # a sheet cannot hold them as numbers
    assert back[1][5] == 10**20


def test_aware_datetimes_are_written_in_the_local_zone(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    aware = datetime.datetime(2026, 3, 1, 0, 30, tzinfo=datetime.UTC)
    back = read_back(written(["时间"], [[aware]]))
    assert back[1] == [datetime.datetime(2026, 3, 1, 8, 30)]


def test_text_is_escaped_cleaned_and_kept_whole():
    texts = [
        "<b>Tom & Jerry</b> \"quoted\" 'single' ]]>",
        "a\x00b\x01c\x08d\x0be\x0cf\x1fg\ufffeh\uffff",  # XML 1.0 cannot hold these: dropped
        "  leading and trailing  ",
        "第一行\n第二行\t制表",
        "windows\r\nline",
        "\u3000全角空格\u3000",
        "😀 emoji",
        "x" * (MAX_CELL_CHARS + 10),
        "_x0041_ stays",
        "\ud800lone surrogate",
    ]
    back = read_back(written(["文本"], [[text] for text in texts]))
    values = [row[0] for row in back[1:]]
    assert values[0] == texts[0]
    assert values[1] == "abcdefgh"
    assert values[2] == "  leading and trailing  "
    assert values[3] == "第一行\n第二行\t制表"
    assert values[4] == "windows\r\nline"
    assert values[5] == texts[5]
    assert values[6] == texts[6]
    assert values[7] == "x" * MAX_CELL_CHARS
    assert values[8] == texts[8]
    assert values[9] == "lone surrogate"


def test_formula_like_text_is_neutralised_by_write_xlsx(tmp_path):
    dangerous = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\r=1", '=HYPERLINK("http://evil.example","点我")']
    path = tmp_path / "out.xlsx"
    write_xlsx(path, ["=header", "正常"], [[text, -5] for text in dangerous] + [["\x00=hidden", "ok"]])
    back = read_back(path.read_bytes())
    assert back[0] == ["'=header", "正常"]
    assert [row[0] for row in back[1:]] == ["'" + text for text in dangerous] + ["'=hidden"]
    assert all(row[1] == -5 for row in back[1:-1])  # numbers stay numbers
    cells = [value for row in back for value in row if isinstance(value, str)]
    assert not [value for value in cells if value.startswith(FORMULA_PREFIXES)]


def test_the_writer_alone_writes_text_as_text():
    back = read_back(written(["a"], [["=1+1"], ["#N/A"], ["TRUE"], ["0012"]]))
    assert [row[0] for row in back[1:]] == ["=1+1", "#N/A", "TRUE", "0012"]


def test_rows_of_changing_shapes_generators_and_extra_cells():
    rows = [
        ("a", 1, 2.5),
        ("b", None, 2.5),
        ("c", 1),
        ["d", "e", "f", "g", "h"],  # longer than the header
        (value for value in ("gen", 7, 8.0)),
        ("", 0, 0.0),
        ("=f", 1, math.nan),
        ("a", True, 2.5),
    ]
    back = read_back(written(["x", "y", "z"], iter(rows)))
    assert [trimmed(row) for row in back[1:]] == [
        ["a", 1, 2.5],
        ["b", None, 2.5],
        ["c", 1],
        ["d", "e", "f", "g", "h"],
        ["gen", 7, 8.0],
        [None, 0, 0],
        ["=f", 1, "nan"],
        ["a", True, 2.5],
    ]


def test_more_rows_than_a_sheet_holds_go_on_to_continuation_sheets(monkeypatch):
    monkeypatch.setattr(xlsx_stream, "MAX_ROWS", 4)  # a header and three rows per sheet
    monkeypatch.setattr(xlsx_stream, "BATCH_ROWS", 2)
    rows = [[f"学生{index}", index] for index in range(8)]
    workbook = load_workbook(io.BytesIO(written(["姓名", "序号"], rows, title="成绩")))
    assert workbook.sheetnames == ["成绩", "成绩 (2)", "成绩 (3)"]
    seen = []
    for sheet in workbook.worksheets:
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert values[0] == ["姓名", "序号"]
        assert 1 < len(values) <= 4
        seen += values[1:]
    assert seen == rows


def test_a_full_last_sheet_adds_no_empty_sheet(monkeypatch):
    monkeypatch.setattr(xlsx_stream, "MAX_ROWS", 3)
    workbook = load_workbook(io.BytesIO(written(["n"], [[1], [2], [3], [4]])))
    assert [[row[0].value for row in sheet.iter_rows()] for sheet in workbook.worksheets] == [["n", 1, 2], ["n", 3, 4]]


def test_empty_table_and_the_row_count():
    buffer = io.BytesIO()
    assert write_xlsx_stream(buffer, ["只有表头"], []) == 0
    assert read_back(buffer.getvalue()) == [["只有表头"]]
    assert write_xlsx_stream(io.BytesIO(), ["a"], [[1]] * 1234) == 1234


def test_package_parts_are_well_formed_and_complete():
    data = written(["姓名"], [["张三"]], title="初一(3)班")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        assert {
            "[Content_Types].xml",
            "_rels/.rels",
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "xl/styles.xml",
            "xl/worksheets/sheet1.xml",
        } <= names
        for name in names:
            ElementTree.fromstring(archive.read(name))  # every part parses as XML
        assert archive.testzip() is None
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert 't="inlineStr"' in sheet and "sharedStrings" not in str(names)


def test_sheet_view_has_a_frozen_header_and_columns_wide_enough():
    stamp = datetime.datetime(2026, 3, 1, 8, 30)
    workbook = load_workbook(io.BytesIO(written(["学校名称", "提交时间"], [["第一中学附属实验学校", stamp]])))
    sheet = workbook.active
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= 20  # ten Chinese characters, each two columns wide
    assert sheet.column_dimensions["B"].width >= 19  # a date and time, not "#######"
    assert sheet["A1"].font.b


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("成绩", "成绩"),
        ("初一/3班: [A]?*", "初一_3班_ _A___"),
        ("'quoted'", "quoted"),
        ("", "Sheet"),
        ("History", "History_"),
        ("长" * 40, "长" * 31),
    ],
)
def test_sheet_names_are_valid(title, expected):
    assert sheet_name(title) == expected
    assert len(sheet_name(title, 12)) <= 31 and sheet_name(title, 12).endswith(" (12)")


def test_column_letters():
    assert [column_letters(index) for index in (0, 25, 26, 51, 52, 701, 702, 16383)] == [
        "A", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "XFD"
    ]  # fmt: skip


def test_writes_to_a_path_and_a_temporary_file(tmp_path):
    import tempfile

    path = tmp_path / "out.xlsx"
    write_xlsx_stream(path, ["a"], [["路径"]])
    assert read_back(path.read_bytes())[1] == ["路径"]
    with tempfile.TemporaryFile() as handle:
        write_xlsx_stream(handle, ["a"], [["临时"]])
        handle.seek(0)
        assert read_back(handle.read())[1] == ["临时"]


# Cells of the kinds exports hold, in rows whose shape changes from row to row.
cell_values = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.text(alphabet="=+-@\t\r &<>\"'\n学生 ab1\x00\x1f", max_size=6),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.booleans(),
    st.datetimes(min_value=datetime.datetime(1901, 1, 1), max_value=datetime.datetime(2200, 1, 1)).map(
        lambda value: value.replace(microsecond=value.microsecond // 1000 * 1000)  # Excel keeps milliseconds
    ),
)


def expected_cell(value):
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = "".join(char for char in value if char in "\t\n\r" or not ("\x00" <= char < " "))
        if not text:
            return None
        return "'" + text if text.startswith(FORMULA_PREFIXES) else text
    return value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cell_values, min_size=1, max_size=5), min_size=1, max_size=25))
def test_any_rows_round_trip(rows):
    buffer = io.BytesIO()
    write_xlsx(buffer, ["a", "b", "c", "d", "e"], rows)
    back = read_back(buffer.getvalue(), read_only=True)
    assert len(back) == len(rows) + 1
    for row, got in zip(rows, back[1:], strict=True):
        expected = [expected_cell(value) for value in row]
        got = [value for value in got]
        for want, have in zip(expected, got + [None] * (len(expected) - len(got)), strict=False):
            if isinstance(want, float) and not isinstance(want, bool):
                assert have == pytest.approx(want, rel=1e-15, abs=0)
            else:
                assert have == want
