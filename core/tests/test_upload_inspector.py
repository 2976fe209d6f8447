"""The upload inspector (core/uploads/) against hostile and malformed files, each built in core/tests/hostile.py.

Every refusal is asserted by its code and by the translated message that names the file."""

import io
import tracemalloc
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError

from core.tabular import TabularError
from core.uploads import check_upload, inspect, reencode_image
from core.uploads.tables import read_uploaded_table

from . import hostile
from .hostile import (
    MACROS,
    MALFORMED,
    NESTED,
    NOT_TEXT,
    PDF_ACTIVE,
    PDF_UNINSPECTABLE,
    TOO_MANY_PIXELS,
    ZIP_BOMB,
    expected,
)

ALL = frozenset({"csv", "xlsx", "docx", "pptx", "pdf", "jpeg", "png", "webp"})
LIMIT = 10 * 1024 * 1024


def refusal(data, name, allowed=ALL) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        inspect(data, allowed, LIMIT, name=name)
    return caught.value


# --- zip containers ---------------------------------------------------------------------------------------


def test_a_docx_zip_bomb_is_refused_with_bounded_memory():
    """About 1 MB that inflates to 1 GB (four 256 MB pictures of zeros): refused after at most 50 MB inflated, in
    chunks, so the inspection itself never holds more than a few megabytes."""
    bomb = hostile.docx_bomb()
    assert len(bomb) < 1_200_000
    assert sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(bomb)).infolist()) >= 1024**3
    tracemalloc.start()
    try:
        error = refusal(bomb, "班会记录.docx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.code == "zip_bomb"
    assert error.messages == [expected(ZIP_BOMB, "班会记录.docx", limit=50)]
    assert peak < 8 * 1024 * 1024, f"the inspection held {peak / 1e6:.1f} MB"


def test_the_total_bound_holds_when_each_member_is_within_its_own(settings):
    settings.QINGDUN = {**settings.QINGDUN, "MAX_UNZIPPED_BYTES": 20 * hostile.MB, "MAX_ZIP_RATIO": 10**6}
    error = refusal(hostile.docx_bomb(members=4, member_mb=8), "a.docx")
    assert error.code == "zip_bomb"


def test_the_ratio_bound_stops_a_small_member_that_inflates_far():
    """4 MB of zeros deflate to 4 KB: past 1 MB inflated the ratio is over 200, long before any size bound."""
    data = hostile.docx({"word/media/image1.png": bytes(4 * hostile.MB)})
    error = refusal(data, "a.docx")
    assert error.code == "zip_bomb"
    assert "image1.png" in error.messages[0]


def test_a_lying_size_in_the_header_does_not_fool_the_count():
    """The directory says 100 bytes; the deflate stream holds 256 MB. Reading stops where the header says and the
    member's checksum then fails: refused as damaged, nothing inflated past it."""
    packed, crc = hostile._deflated_zeros(256)
    data = hostile._raw_zip(
        [
            hostile._stored("[Content_Types].xml", hostile.CONTENT_TYPES.format(main=hostile.DOCX_MAIN)),
            hostile._stored("word/document.xml", hostile.DOCUMENT),
            ("word/media/image1.png", 8, crc, packed, 100),
        ]
    )
    assert refusal(data, "a.docx").code == "damaged"


def test_an_encrypted_member_is_refused_as_uninspectable():
    data = hostile._raw_zip(
        [
            hostile._stored("[Content_Types].xml", hostile.CONTENT_TYPES.format(main=hostile.DOCX_MAIN)),
            ("word/document.xml", 0, 0, b"\x00" * 40, 28, 0x801),
        ]
    )
    error = refusal(data, "a.docx")
    assert error.code == "encrypted"


def test_too_many_members_are_refused(settings):
    settings.QINGDUN = {**settings.QINGDUN, "MAX_ZIP_MEMBERS": 10}
    data = hostile.docx({f"word/media/image{n}.png": b"x" for n in range(20)})
    assert refusal(data, "a.docx").code == "zip_members"


@pytest.mark.parametrize(
    ("build", "part"),
    [
        (hostile.nested_zip_docx, "word/media/archive.png"),
        (hostile.docx_with_ole_object, "word/embeddings/oleObject1.bin"),
        (lambda: hostile.docx({"word/media/image2.png": b"Rar!\x1a\x07\x00" + bytes(200)}), "word/media/image2.png"),
    ],
    ids=["nested-zip", "ole-object", "rar"],
)
def test_archives_objects_and_programs_inside_are_refused(build, part):
    error = refusal(build(), "报告.docx")
    assert error.code == "nested"
    assert error.messages == [expected(NESTED, "报告.docx", part=part)]


def test_an_embedded_workbook_of_a_chart_is_inspected_and_accepted():
    assert check_upload(hostile.docx({"word/embeddings/Microsoft_Excel_Worksheet.xlsx": hostile.xlsx()}), ALL, LIMIT)
    with_macros = hostile.docx({"word/embeddings/Microsoft_Excel_Worksheet.xlsx": hostile.xlsx_with_vba()})
    assert refusal(with_macros, "a.docx").code == "macro"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (hostile.xlsx_with_vba(), "名单.xlsx"),
        (hostile.docm(), "教案.docx"),
        (hostile.docx(), "教案.docm"),
        (hostile.xlsx(), "名单.xlsm"),
        (hostile.docx({"word/activeX/activeX1.xml": "<ax/>"}), "a.docx"),
        (hostile.xlsx_with_vba(), "名单.csv"),
    ],
    ids=["vbaProject.bin", "docm-content-type", "docm-name", "xlsm-name", "activex", "vba-named-csv"],
)
def test_macros_are_refused_by_part_content_type_and_name(data, name):
    error = refusal(data, name, allowed=ALL)
    assert error.code == "macro"
    assert error.messages == [expected(MACROS, name)]


def test_legacy_office_files_are_refused_with_how_to_save_them():
    error = refusal(hostile.OLE_HEADER + bytes(2048), "名单.xls", allowed={"csv", "xlsx"})
    assert error.code == "legacy_office"


def test_xml_with_a_document_type_is_refused():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        "<w:document xmlns:w='x'>&lol2;</w:document>"
    )
    data = hostile.zip_of(
        {
            "[Content_Types].xml": hostile.CONTENT_TYPES.format(main=hostile.DOCX_MAIN),
            "word/document.xml": laughs,
        }
    )
    assert refusal(data, "a.docx").code == "damaged"


def test_sound_office_files_pass():
    assert check_upload(hostile.docx(), ALL, LIMIT, name="教案.docx") == "docx"
    assert check_upload(hostile.xlsx(), ALL, LIMIT, name="名单.xlsx") == "xlsx"


# --- malformed spreadsheets and text ---------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_each_malformed_xlsx_is_refused_by_name(case):
    code, msgid, params = MALFORMED[case]
    error = refusal(hostile.malformed_xlsx(case), "名单.xlsx", allowed={"csv", "xlsx"})
    assert error.code == code
    assert error.messages == [expected(msgid, "名单.xlsx", **params)]
    with pytest.raises(TabularError) as caught:
        read_uploaded_table(hostile.malformed_xlsx(case), "名单.xlsx", max_bytes=LIMIT, max_rows=100)
    assert str(caught.value) == expected(msgid, "名单.xlsx", **params)


def test_a_sheet_that_claims_every_column_is_refused_before_openpyxl_pads_it():
    with pytest.raises(TabularError) as caught:
        read_uploaded_table(
            hostile.malformed_xlsx("sheet padded to every column"), "名单.xlsx", max_bytes=LIMIT, max_rows=100
        )
    assert str(caught.value) == expected(
        "The sheet spans %(columns)s columns; at most %(limit)s are read. Delete the empty columns and retry.",
        "名单.xlsx",
        columns=16384,
        limit=200,
    )


def test_whatever_else_openpyxl_trips_on_is_a_named_message(monkeypatch):
    import core.uploads.tables as tables

    def explode(*args, **kwargs):
        raise AttributeError("'NoneType' object has no attribute 'text'")

    monkeypatch.setattr(tables, "read_table", explode)
    with pytest.raises(TabularError) as caught:
        read_uploaded_table(hostile.xlsx(), "名单.xlsx", max_bytes=LIMIT, max_rows=100)
    assert str(caught.value) == expected(
        "The XLSX file could not be opened. Save it again from Excel and retry.", "名单.xlsx"
    )


def test_gbk_csv_is_read_and_other_encodings_are_refused_by_name():
    table = read_uploaded_table(hostile.CSV_GBK, "名单.csv", max_bytes=LIMIT, max_rows=100)
    assert table.rows[0][0] == "张小明"
    for data in (hostile.CSV_UTF16, hostile.CSV_NUL, hostile.CSV_LATIN1):
        error = refusal(data, "名单.csv", allowed={"csv", "xlsx"})
        assert error.code == "bad_encoding"
        assert error.messages == [expected(NOT_TEXT, "名单.csv")]


def test_an_empty_file_is_refused_by_name():
    with pytest.raises(TabularError) as caught:
        read_uploaded_table(b"", "名单.csv", max_bytes=LIMIT, max_rows=100)
    assert str(caught.value) == expected("The file is empty.", "名单.csv")


# --- PDF ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (hostile.PDF_OPEN_JAVASCRIPT, "JS, JavaScript, OpenAction"),
        (hostile.pdf_with_hidden_javascript(), "JS, JavaScript, OpenAction"),
        (hostile.pdf(b"1 0 obj << /Type /Catalog /OpenAction << /S /Launch /F (cmd.exe) >> >> endobj"), None),
        (hostile.pdf(b"1 0 obj << /Names << /EmbeddedFiles 2 0 R >> >> endobj"), "EmbeddedFiles"),
        (hostile.pdf(b"1 0 obj << /Type /Page /AA << /O 3 0 R >> >> endobj"), "AA"),
        (
            hostile.pdf(
                b"1 0 obj << /Type /Catalog /OpenAction 2 0 R >> endobj 2 0 obj << /S /URI /URI (http://a.b) >> endobj"
            ),
            None,
        ),
    ],
    ids=["open-javascript", "in-object-stream-escaped", "launch", "embedded-file", "additional-actions", "open-ref"],
)
def test_pdf_scripts_and_actions_are_refused(data, what):
    error = refusal(data, "证明.pdf")
    assert error.code == "pdf_active"
    if what is not None:
        assert error.messages == [expected(PDF_ACTIVE, "证明.pdf", what=what)]


def test_a_pdf_that_opens_at_a_page_and_has_binary_streams_passes():
    assert check_upload(hostile.benign_pdf(), ALL, LIMIT, name="证明.pdf") == "pdf"


@pytest.mark.parametrize("packed", [False, True], ids=["in-place", "in-object-stream"])
@pytest.mark.parametrize(
    ("action", "harmless"),
    [
        (b"[3 0 R /Fit]", True),
        (b"<< /S /GoTo /D [3 0 R /Fit] >>", True),
        (b"<< /S /G#6FTo /D (page.1) >>", True),
        (b"<< /S /URI /URI (http://example.invalid/) >>", False),
        (b"<< /S /GoToR /F (other.pdf) /D [0 /Fit] >>", False),
        (b"<< /S /GoTo /D [3 0 R /Fit] /Next 5 0 R >>", False),
    ],
    ids=["destination", "goto", "goto-escaped", "uri", "remote-file", "chained"],
)
def test_an_open_action_passes_only_as_a_destination_or_a_goto(action, harmless, packed):
    data = hostile.pdf_opening_on(action, packed=packed)
    if harmless:
        assert check_upload(data, ALL, LIMIT) == "pdf"
    else:
        assert refusal(data, "证明.pdf").messages == [expected(PDF_ACTIVE, "证明.pdf", what="OpenAction")]


def test_a_pdf_from_a_real_producer_passes():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), (200, 30, 30)).save(buffer, format="PDF", title="禁毒宣传")
    assert check_upload(buffer.getvalue(), ALL, LIMIT, name="宣传.pdf") == "pdf"


@pytest.mark.parametrize(
    "data",
    [
        hostile.pdf(b"4 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /LZWDecode /Length 4 >>\nstream\nabcd\nendstream"),
        hostile.pdf(b"4 0 obj << /N 1 /First 4 /Filter /FlateDecode /Length 4 >>\nstream\n\x93\x11\xfe\x07\nendstream"),
        hostile.pdf(b"1 0 obj << /Title (never closed /JavaScript >> endobj"),
    ],
    ids=["lzw-object-stream", "encrypted-object-stream", "unterminated-string"],
)
def test_a_pdf_that_cannot_be_searched_is_refused(data):
    error = refusal(data, "证明.pdf")
    assert error.code == "pdf_uninspectable"
    assert error.messages == [expected(PDF_UNINSPECTABLE, "证明.pdf")]


def test_object_streams_inflate_only_within_their_bound(settings):
    settings.QINGDUN = {**settings.QINGDUN, "MAX_PDF_INFLATED_BYTES": 1024 * 1024}
    packed = zlib.compress(b"1 0 << >> " + b" " * (4 * 1024 * 1024))
    data = hostile.pdf(
        b"4 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n" % len(packed)
        + packed
        + b"\nendstream"
    )
    assert refusal(data, "a.pdf").code == "pdf_uninspectable"


# --- pictures ---------------------------------------------------------------------------------------------


def test_a_72_megapixel_png_is_refused_before_decoding():
    png = hostile.png_of_pixels(12_000, 6_000)
    assert len(png) < 50_000
    tracemalloc.start()
    try:
        error = refusal(png, "照片.png")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.code == "image_too_large"
    assert error.messages == [expected(TOO_MANY_PIXELS, "照片.png", width=12000, height=6000, limit=40)]
    assert peak < 4 * 1024 * 1024  # decoding would take 9 MB at one bit a pixel, 216 MB as RGB
    with pytest.raises(ValidationError) as caught:
        reencode_image(png)
    assert caught.value.code == "image_too_large"


def test_pillows_own_bomb_error_becomes_the_same_refusal():
    """200 megapixels is past twice Pillow's MAX_IMAGE_PIXELS: Image.open raises DecompressionBombError."""
    error = refusal(hostile.png_of_pixels(20_000, 10_000), "照片.png")
    assert error.code == "image_too_large"


def test_an_ordinary_picture_passes():
    assert check_upload(hostile.png_of_pixels(4000, 3000), ALL, LIMIT, name="照片.png") == "png"


def _sheet_rewritten(change) -> bytes:
    return hostile.rewrite_zip(hostile.xlsx(), lambda n, d: change(d) if n == hostile.SHEET else d)


def _many_rows(d: bytes, bad: bytes = b"") -> bytes:
    """The sheet with 3,000 more rows (well past one 64 KB chunk) and `bad` as the last cell's reference."""
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (n, n) for n in range(3, 3003)
    )
    last = b'<row r="3003"><c r="%s" t="inlineStr"><is><t>x</t></is></c></row>' % (bad or b"A3003")
    return d.replace(b"</sheetData>", rows + last + b"</sheetData>").replace(b'ref="A1:B2"', b'ref="A1:B3003"')


@pytest.mark.parametrize(
    ("change", "ref"),
    [
        (lambda d: d.replace(b'<row r="2"', b'<row r="x"'), "x"),
        (lambda d: d.replace(b'r="A2"', b'r="A2000000"'), "2000000"),
        (lambda d: d.replace(b'r="A2"', b'r="ZZZ2"'), "ZZZ"),
        (lambda d: d.replace(b"<c ", b"<x:c ").replace(b"</c>", b"</x:c>").replace(b'r="A2"', b'r="2A"'), "2A"),
        (lambda d: _many_rows(d, bad=b"A-1"), "A-1"),
    ],
    ids=["row-not-a-number", "row-past-excel", "column-past-excel", "prefixed-cell", "past-the-first-chunk"],
)
def test_damaged_references_are_found_in_any_spelling_and_any_chunk(change, ref):
    data = _sheet_rewritten(change)
    if b"x:c" in zipfile.ZipFile(io.BytesIO(data)).read(hostile.SHEET):
        data = hostile.rewrite_zip(
            data,
            lambda n, d: (
                d.replace(
                    b"<worksheet ", b'<worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                )
                if n == hostile.SHEET
                else d
            ),
        )
    error = refusal(data, "名单.xlsx", allowed={"xlsx"})
    assert error.code == "bad_cell"
    assert f"“{ref}”" in error.messages[0]


def test_a_long_sound_sheet_passes_and_a_far_cell_is_refused_without_a_dimension():
    assert check_upload(_sheet_rewritten(_many_rows), {"xlsx"}, LIMIT) == "xlsx"
    far = _sheet_rewritten(lambda d: d.replace(b'<dimension ref="A1:B2" />', b"").replace(b'r="B2"', b'r="XFD2"'))
    assert check_upload(far, {"xlsx"}, LIMIT) == "xlsx"
    with pytest.raises(TabularError) as caught:
        read_uploaded_table(far, "名单.xlsx", max_bytes=LIMIT, max_rows=100)
    assert "16384" in str(caught.value)
