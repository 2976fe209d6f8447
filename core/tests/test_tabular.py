import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from core.tabular import TabularError, map_headers, neutralise, read_table, stream_csv, write_xlsx

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


def test_write_xlsx_round_trip(tmp_path):
    path = tmp_path / "out.xlsx"
    write_xlsx(path, ["姓名", "分数"], [["张三", 90], ["=evil()", 80]])
    sheet = load_workbook(path).active
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [["姓名", "分数"], ["张三", 90], ["'=evil()", 80]]


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
