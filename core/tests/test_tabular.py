import csv
import datetime
import io
import math
import tempfile
import tracemalloc
import uuid
import weakref
from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from core import tabular
from core.tabular import (
    FORMULA_PREFIXES,
    TabularError,
    map_headers,
    neutralise,
    read_table,
    sheet_name,
    stream_csv,
    write_workbook,
    write_xlsx,
)

ROWS = "姓名,学号,年级\n张三,20260001,初一\n李四,20260002,七年级\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_reads_csv_in_each_encoding(encoding):
    table = read_table(ROWS.encode(encoding))
    assert table.headers == ["姓名", "学号", "年级"]
    assert table.rows[1] == ["李四", "20260002", "七年级"]


def test_reads_xlsx_by_content_and_turns_float_numbers_into_text():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "学号"])
    sheet.append(["张三", 20260001])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue())
    assert table.rows == [["张三", "20260001"]]


def test_rejects_binary_and_oversize_and_empty():
    with pytest.raises(TabularError):
        read_table(b"")
    with pytest.raises(TabularError):
        read_table(b"\xff\xfe\x00\x00" * 10)
    with pytest.raises(TabularError, match="MB"):
        read_table(ROWS.encode(), max_bytes=10)
    with pytest.raises(TabularError):
        read_table(b"PK\x03\x04 not really a zip")


def test_map_headers_accepts_chinese_and_english_aliases():
    found = map_headers(
        ["Name", " 学 号 ", "grade"], {"name": ["姓名", "name"], "number": ["学号"], "grade": ["年级", "Grade"]}
    )
    assert found == {"name": 0, "number": 1, "grade": 2}


@pytest.mark.parametrize("dangerous", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"])
def test_formula_cells_are_neutralised(dangerous):
    assert neutralise(dangerous) == "'" + dangerous
    assert neutralise("张三") == "张三"
    assert neutralise(-5) == -5  # numbers stay numbers


def test_stream_csv_has_bom_and_neutralises():
    text = "".join(stream_csv(["姓名"], [['=HYPERLINK("x")'], ["李四"]]))
    assert text.startswith("\ufeff姓名")
    assert "'=HYPERLINK" in text


def reference_csv(headers, rows) -> str:
    """What stream_csv wrote before it worked in chunks: every cell neutralised, one row at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return "\ufeff" + buffer.getvalue()


def test_stream_csv_neutralises_a_formula_deep_in_a_long_export():
    rows = [[f"学生{index}", index, -index, 1.5] for index in range(2500)]
    rows[1700][0] = "=cmd|' /C calc'!A0"
    rows[2400][0] = '\r=HYPERLINK("x")'
    text = "".join(stream_csv(["姓名", "序号", "负数", "分"], iter(rows)))
    assert text == reference_csv(["姓名", "序号", "负数", "分"], rows)
    parsed = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert parsed[1701][0] == "'=cmd|' /C calc'!A0" and parsed[2401][0] == '\'\r=HYPERLINK("x")'
    assert parsed[6][2] == "-5"  # numbers are never neutralised
    assert not [cell for row in parsed for cell in row if cell.startswith(("=", "+", "@", "\t", "\r"))]


def test_stream_csv_takes_rows_of_any_iterable():
    rows = ((value for value in (index, "=x")) for index in range(1200))
    text = "".join(stream_csv(["a", "b"], rows))
    assert text.count("'=x") == 1200


csv_cells = st.one_of(
    st.none(),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.text(alphabet="=+-@\t\r\n,\"' ab学1", max_size=6),
    st.text(max_size=8),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(csv_cells, max_size=4), max_size=40), st.integers(min_value=1, max_value=7))
def test_stream_csv_matches_the_cell_by_cell_reference(rows, chunk_rows):
    import core.tabular

    original = core.tabular.CSV_CHUNK_ROWS
    core.tabular.CSV_CHUNK_ROWS = chunk_rows
    try:
        assert "".join(stream_csv(["h=", "=h"], rows)) == reference_csv(["h=", "=h"], rows)
    finally:
        core.tabular.CSV_CHUNK_ROWS = original


# --- XLSX writing: what openpyxl (and so Excel) reads back -----------------------------------------------


def xlsx_bytes(headers, rows, **options) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, headers, rows, **options)
    return buffer.getvalue()


def read_back(data: bytes, read_only: bool = False) -> list[list]:
    """Every sheet's rows, one sheet after the other; a formula cell fails the test."""
    workbook = load_workbook(io.BytesIO(data), read_only=read_only)
    rows = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert getattr(cell, "data_type", "n") != "f", f"{cell.coordinate} is a formula: {cell.value}"
            rows.append([cell.value for cell in row])
    return rows


def trimmed(row: list) -> list:
    while row and row[-1] is None:
        row = row[:-1]
    return row


def test_xlsx_values_and_types_round_trip():
    rows = [
        ["张三", 20260001, 92.5, True, datetime.datetime(2026, 3, 1, 8, 30, 15), datetime.date(2026, 3, 1)],
        ("李四", -3, 0.1, False, datetime.datetime(2026, 12, 31, 23, 59, 59), datetime.date(1999, 1, 2)),
        ["", None, Decimal("12.50"), None, datetime.time(13, 45, 30), datetime.timedelta(hours=26, minutes=3)],
        [SafeString("安全字符串"), gettext_lazy("Name"), uuid.UUID(int=1), math.nan, math.inf, Fraction(1, 4)],
    ]
    headers = ["姓名", "学号", "得分", "及格", "提交时间", "日期"]
    for read_only in (False, True):
        back = read_back(xlsx_bytes(headers, rows, title="成绩"), read_only=read_only)
        assert back[0] == headers
        assert back[1] == [*rows[0][:5], datetime.datetime(2026, 3, 1)]  # openpyxl gives dates back at midnight
        assert back[2] == [*rows[1][:5], datetime.datetime(1999, 1, 2)]
        assert back[3] == [None, None, 12.5, None, datetime.time(13, 45, 30), datetime.timedelta(hours=26, minutes=3)]
        assert back[4] == ["安全字符串", str(gettext_lazy("Name")), str(uuid.UUID(int=1)), "nan", "inf", 0.25]
    assert type(back[1][1]) is int and type(back[1][3]) is bool and type(back[1][2]) is float


def test_xlsx_dates_and_times_carry_their_formats():
    stamp = datetime.datetime(2026, 3, 1, 8, 30)
    values = [stamp, stamp.date(), datetime.time(8, 30), datetime.timedelta(hours=30)]
    sheet = load_workbook(io.BytesIO(xlsx_bytes(["a", "b", "c", "d"], [values]))).active
    assert [cell.number_format for cell in sheet[2]] == ["yyyy-mm-dd hh:mm:ss", "yyyy-mm-dd", "hh:mm:ss", "[h]:mm:ss"]


def test_xlsx_aware_datetimes_are_written_in_the_local_zone(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    aware = datetime.datetime(2026, 3, 1, 0, 30, tzinfo=datetime.UTC)
    assert read_back(xlsx_bytes(["时间"], [[aware]]))[1] == [datetime.datetime(2026, 3, 1, 8, 30)]


def test_xlsx_header_is_bold_and_frozen_and_columns_fit_chinese_and_dates():
    stamp = datetime.datetime(2026, 3, 1, 8, 30)
    data = xlsx_bytes(["学校名称", "提交时间", "分"], [["第一中学附属实验学校", stamp, 1]], title="通报")
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    assert workbook.sheetnames == ["通报"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet.column_dimensions["A"].width >= 20  # ten Chinese characters, each two columns wide
    assert sheet.column_dimensions["B"].width >= 19  # a date and time, not "#######"
    assert 8 <= sheet.column_dimensions["C"].width < 12


def test_xlsx_neutralises_formula_text_in_header_and_cells_and_keeps_numbers(tmp_path):
    dangerous = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", '=HYPERLINK("http://evil.example","点我")']
    rows = [[text, -5] for text in dangerous]
    rows += [[SafeString("=1+1"), 0], ["\x00=hidden", 1], ["\r=1+1", 2], ["http://example.com", 3]]
    path = tmp_path / "out.xlsx"
    assert write_xlsx(path, ["=header", "正常"], rows) == len(rows)
    back = read_back(path.read_bytes())
    assert back[0] == ["'=header", "正常"]
    assert [row[0] for row in back[1:]] == [
        *("'" + text for text in dangerous), "'=1+1", "'=hidden", "'\n=1+1", "http://example.com"
    ]  # fmt: skip
    assert [row[1] for row in back[1:]] == [-5] * len(dangerous) + [0, 1, 2, 3]
    sheet = load_workbook(path).active
    assert not sheet["A11"].hyperlink  # text that looks like an address stays text
    cells = [value for row in back for value in row if isinstance(value, str)]
    assert not [value for value in cells if value.startswith(FORMULA_PREFIXES)]


def test_xlsx_text_shaped_like_xlsxwriters_rich_strings_stays_text():
    """XlsxWriter (constant_memory) copies a string "<r>…</r>" into the sheet unescaped; this one would add a
    formula cell B2 next to the name."""
    payload = '<r><t>a</t></r></is></c><c r="B2"><f>HYPERLINK("http://evil.example","x")</f></c><c r="C2" t="inlineStr"><is><r><t>b</t></r>'  # noqa: E501
    back = read_back(xlsx_bytes(["姓名"], [[payload], ["<r>just text</r>"], ["<r> alone"]]))
    assert [trimmed(row) for row in back[1:]] == [["'" + payload], ["'<r>just text</r>"], ["<r> alone"]]


def test_xlsx_text_is_escaped_cleaned_and_cut_to_a_cells_limit():
    texts = [
        "<b>Tom & Jerry</b> \"quoted\" 'single' ]]>",
        "a\x00b\x01c\x08d\x0be\x0cf\x1fg\ufffeh\uffff",  # XML 1.0 cannot hold these: dropped
        "  leading and trailing  ",
        "第一行\n第二行\t制表",
        "windows\r\nline and\rmac",  # Excel's line break in a cell is LF
        "\u3000全角空格\u3000",
        "😀 emoji",
        "x" * 40_000,
        "\x00\x01",  # nothing left: an empty cell
        "\ud800lone surrogate",
    ]
    back = read_back(xlsx_bytes(["文本"], [[text] for text in texts]))
    values = [row[0] for row in back[1:]]
    assert values == [
        texts[0], "abcdefgh", texts[2], texts[3], "windows\nline and\nmac", texts[5], texts[6], "x" * 32_767,
        None, "lone surrogate",
    ]  # fmt: skip


def test_xlsx_rows_of_any_shape_and_iterable():
    rows = [("a", 1, 2.5), ("b", None, 2.5), ("c", 1), ["d", "e", "f", "g", "h"], (v for v in ("gen", 7, 8.0)), ()]
    back = read_back(xlsx_bytes(["x", "y", "z"], iter(rows)))
    assert [trimmed(row) for row in back[1:]] == [
        ["a", 1, 2.5],
        ["b", None, 2.5],
        ["c", 1],
        ["d", "e", "f", "g", "h"],
        ["gen", 7, 8.0],
    ]  # fmt: skip  (the empty last row leaves nothing to read)


def test_xlsx_a_table_longer_than_a_sheet_continues_on_the_next(monkeypatch):
    monkeypatch.setattr(tabular, "XLSX_MAX_ROWS", 4)  # a header and three rows per sheet
    rows = [[f"学生{index}", index] for index in range(8)]
    workbook = load_workbook(io.BytesIO(xlsx_bytes(["姓名", "序号"], rows, title="成绩")))
    assert workbook.sheetnames == ["成绩", "成绩 (2)", "成绩 (3)"]
    seen = []
    for sheet in workbook.worksheets:
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert values[0] == ["姓名", "序号"] and sheet.freeze_panes == "A2"
        seen += values[1:]
    assert seen == rows
    workbook = load_workbook(io.BytesIO(xlsx_bytes(["n"], [[1], [2], [3], [4], [5], [6]])))
    assert len(workbook.sheetnames) == 2  # a full last sheet adds no empty one


def test_xlsx_empty_table_and_the_row_count():
    buffer = io.BytesIO()
    assert write_xlsx(buffer, ["只有表头"], []) == 0
    assert read_back(buffer.getvalue()) == [["只有表头"]]
    assert write_xlsx(io.BytesIO(), ["a"], ([index] for index in range(1234))) == 1234


def test_write_workbook_writes_several_sheets_with_valid_distinct_names():
    buffer = io.BytesIO()
    sheets = [("成绩", ["a"], [[1]]), ("成绩", ["b"], [[2]]), ("初一/3班: [A]?*", ["c"], []), ("", ["d"], [])]
    assert write_workbook(buffer, sheets) == 2
    workbook = load_workbook(io.BytesIO(buffer.getvalue()))
    assert workbook.sheetnames == ["成绩", "成绩 (2)", "初一_3班_ _A___", "Sheet"]
    assert [sheet["A1"].value for sheet in workbook.worksheets] == ["a", "b", "c", "d"]


@pytest.mark.parametrize(
    ("title", "expected"),
    [("'quoted'", "quoted"), ("History", "History_"), ("长" * 40, "长" * 31), ("😀" * 20, "😀" * 15)],
)
def test_sheet_names_are_valid_for_excel(title, expected):
    taken = set()
    assert sheet_name(title, taken) == expected
    again = sheet_name(title, taken)
    assert again.endswith(" (2)") and len(again.encode("utf-16-le")) <= 62


def test_xlsx_writes_to_a_path_and_a_temporary_file(tmp_path):
    path = tmp_path / "out.xlsx"
    write_xlsx(path, ["a"], [["路径"]])
    write_xlsx(str(tmp_path / "str.xlsx"), ["a"], [["文本路径"]])
    assert read_back(path.read_bytes())[1] == ["路径"]
    assert read_back((tmp_path / "str.xlsx").read_bytes())[1] == ["文本路径"]
    with tempfile.TemporaryFile() as handle:
        write_xlsx(handle, ["a"], [["临时"]])
        handle.seek(0)
        assert read_back(handle.read())[1] == ["临时"]


def test_xlsx_memory_stays_flat_for_100000_rows():
    """Rows are streamed to disk (constant_memory): writing 100,000 rows allocates a few MB at most, where
    XlsxWriter's default mode, which keeps every cell until the end, peaks near 40 MB for the same rows."""
    with tempfile.TemporaryFile() as handle:
        tracemalloc.start()
        try:
            assert write_xlsx(handle, ["序号"], ((index,) for index in range(100_000))) == 100_000
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        handle.seek(0)
        sheet = load_workbook(handle, read_only=True).active
        assert sheet.max_row == 100_001
    assert peak < 8 * 2**20, f"peak {peak / 2**20:.1f} MB"


xlsx_cells = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.text(alphabet="=+-@\t\r &<>\"'\n学生 ab1\x00\x1f", max_size=6),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(min_value=-1e300, max_value=1e300),  # near the largest double, 16 digits round up to inf
    st.booleans(),
    st.datetimes(min_value=datetime.datetime(1901, 1, 1), max_value=datetime.datetime(2200, 1, 1)).map(
        lambda value: value.replace(microsecond=value.microsecond // 1000 * 1000)  # Excel keeps milliseconds
    ),
)


def expected_xlsx_cell(value):
    if isinstance(value, str):
        text = "".join(char for char in value if char in "\t\n\r" or not ("\x00" <= char < " "))
        text = neutralise(text).replace("\r\n", "\n").replace("\r", "\n")
        return text or None
    return value


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(xlsx_cells, min_size=1, max_size=5), min_size=1, max_size=20))
def test_xlsx_any_rows_round_trip(rows):
    back = read_back(xlsx_bytes(["a", "b", "c", "d", "e"], rows), read_only=True)
    assert len(back) <= len(rows) + 1  # empty rows at the end are not written
    back += [[]] * (len(rows) + 1 - len(back))
    for row, got in zip(rows, back[1:], strict=True):
        got = got + [None] * (len(row) - len(got))
        for value, have in zip(row, got, strict=False):
            want = expected_xlsx_cell(value)
            if isinstance(want, float):
                assert have == pytest.approx(want, rel=1e-15, abs=0)  # XlsxWriter writes 16 significant digits
            elif isinstance(want, datetime.datetime):
                assert abs(have - want) < datetime.timedelta(milliseconds=1)
            else:
                assert have == want


class Cell:
    """A cell the test can count while alive (a str cannot be weakly referenced); written as its text."""

    def __init__(self, text: str):
        self.text = text

    def __str__(self):
        return self.text


def _counted_rows(count: int, alive: weakref.WeakSet, most_alive: list):
    for index in range(count):
        most_alive[0] = max(most_alive[0], len(alive))
        row = [Cell(f"学生{index}"), Cell(f"2026{index:05d}")]
        alive.update(row)
        yield row


@pytest.mark.parametrize("writer", ["csv", "xlsx"])
def test_exports_read_rows_as_they_write_them(writer):
    """Neither writer keeps the rows it has written: at any time at most two CSV chunks (the one written and the
    next one being read) or the XLSX writer's sample for column widths are alive, however long the table. The
    count is CPython's reference counting, not a timing."""
    alive, most_alive = weakref.WeakSet(), [0]
    rows = _counted_rows(5_000, alive, most_alive)
    if writer == "csv":
        written = sum(text.count("\n") for text in stream_csv(["姓名", "学号"], rows)) - 1
        bound = 2 * tabular.CSV_CHUNK_ROWS
    else:
        with tempfile.TemporaryFile() as handle:
            written = write_xlsx(handle, ["姓名", "学号"], rows)
        bound = tabular.WIDTH_SAMPLE_ROWS
    assert written == 5_000
    assert 0 < most_alive[0] <= 2 * (bound + 1), f"{most_alive[0] // 2} rows alive at once"
