import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook
from PIL import Image

from core.uploads import check_upload, reencode_image, sniff

ALL = frozenset({"csv", "xlsx", "docx", "pptx", "pdf", "jpeg", "png", "webp"})
MB = 1024 * 1024


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active.append(["姓名", "学号"])
    workbook.save(buffer)
    return buffer.getvalue()


def _office(main_type: str, folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", f'<Types><Override ContentType="{main_type}"/></Types>')
        archive.writestr(f"{folder}document.xml", "<x/>")
    return buffer.getvalue()


def _image(fmt: str, exif: bool = False) -> bytes:
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    buffer = io.BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        data[0x8825] = {1: "N", 2: (30.0, 15.0, 0.0)}  # GPS
        kwargs["exif"] = data.tobytes()
    image.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


DOCX = _office("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", "word/")
PPTX = _office("application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml", "ppt/")


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        ("姓名,学号\n张三,1\n".encode(), "csv"),
        ("\ufeff姓名,学号\n".encode(), "csv"),
        ("姓名,学号\n张三,1\n".encode("gbk"), "csv"),
        (_xlsx(), "xlsx"),
        (DOCX, "docx"),
        (PPTX, "pptx"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "pdf"),
        (_image("JPEG"), "jpeg"),
        (_image("PNG"), "png"),
        (_image("WEBP"), "webp"),
    ],
)
def test_sniffs_each_kind_by_content(data, kind):
    assert sniff(data) == kind
    assert check_upload(data, ALL, MB) == kind


def test_renamed_exe_and_plain_zip_and_elf_are_refused():
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", exe)
    for data in (exe, buffer.getvalue(), b"\x7fELF\x02\x01\x01" + b"\x00" * 50):
        assert sniff(data) is None
        with pytest.raises(ValidationError) as caught:
            check_upload(data, ALL, MB)
        assert caught.value.code == "bad_type"


def test_docx_is_refused_where_only_spreadsheets_are_allowed():
    with pytest.raises(ValidationError):
        check_upload(DOCX, {"csv", "xlsx"}, MB)


def test_size_and_emptiness_are_checked_before_content():
    with pytest.raises(ValidationError) as caught:
        check_upload(b"a,b\n" * 1000, ALL, 100)
    assert caught.value.code == "too_large"
    with pytest.raises(ValidationError) as caught:
        check_upload(b"", ALL, 100)
    assert caught.value.code == "empty"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_reencode_drops_exif_and_keeps_format(fmt):
    original = _image(fmt, exif=True)
    assert Image.open(io.BytesIO(original)).getexif()  # the fixture really carries EXIF
    clean = reencode_image(original)
    with Image.open(io.BytesIO(clean)) as image:
        assert image.format == fmt
        assert image.size == (40, 30)
        assert not image.getexif()


def test_reencode_refuses_non_images_and_broken_images():
    with pytest.raises(ValidationError):
        reencode_image(b"%PDF-1.4 not an image")
    with pytest.raises(ValidationError):
        reencode_image(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10)
