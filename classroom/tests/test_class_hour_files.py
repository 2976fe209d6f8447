"""Class-hour logs with their files (教案, 签到表 photo) through the shared upload checks, and the filtered,
exportable log list."""

import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from PIL import Image

from classroom import hour_files, services
from classroom.history import revisions_of
from classroom.models import ClassHourFile, ClassHourLog
from core.models import AuditEvent


@pytest.fixture(autouse=True)
def english():
    # The English pages (/en/…), so the assertions hold whatever the Chinese catalogue says.
    translation.activate("en")
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 40, 40))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (30.0, 15.0, 0.0), 3: "E", 4: (120.0, 10.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _hour_data(world, lesson, **extra):
    data = {
        "school_class": world.class_a.pk,
        "lesson": lesson.pk,
        "topic": "",
        "taught_on": timezone.localdate().isoformat(),
        "class_hours": "1.0",
        "instructor_kind": "teacher",
        "instructor_name": "",
        "method": "classroom",
        "students_present": "2",
        "parts_covered": "",
        "minutes": "40",
        "engagement": "4",
        "note": "",
    }
    data.update(extra)
    return data


def _log(world, school_class=None, *, days_ago=0, method="classroom", hours="1.0", teacher=None):
    return services.save_class_hour(
        teacher or world.teacher,
        ClassHourLog(
            school_class=school_class or world.class_a,
            topic="禁毒课",
            taught_on=timezone.localdate() - datetime.timedelta(days=days_ago),
            class_hours=Decimal(hours),
            method=method,
            students_present=1,
            minutes=40,
            engagement=4,
            teacher=teacher or world.teacher,
            recorded_by=teacher or world.teacher,
        ),
    )


def test_a_class_hour_is_logged_with_its_sign_in_photo_without_location(client, world, lesson):
    client.force_login(world.teacher)
    data = _hour_data(world, lesson, files=[SimpleUploadedFile("签到表.jpg", _jpeg_with_gps())])
    assert client.post(reverse("classroom:class_hour_new"), data).status_code == 302
    (record,) = ClassHourFile.objects.all()
    assert record.log == ClassHourLog.objects.get() and record.original_name == "签到表.jpg"
    assert record.file_kind == "jpeg" and record.uploaded_by == world.teacher
    with record.file.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
        assert not stored.getexif().get(0x8825), "GPS removed by core.uploads' re-encoding"
    assert revisions_of(record.log).first().snapshot["files_added"] == ["签到表.jpg"]


def test_a_refused_file_saves_neither_the_log_nor_any_file(client, world, lesson):
    client.force_login(world.teacher)
    exe = SimpleUploadedFile("教案.docx", b"MZ\x90\x00" + b"\x00" * 64)
    response = client.post(reverse("classroom:class_hour_new"), _hour_data(world, lesson, files=[exe]))
    assert response.status_code == 200
    assert not ClassHourLog.objects.exists() and not ClassHourFile.objects.exists()
    page = response.content.decode()
    summary = page[page.index('<div class="error-summary"') :]
    assert 'href="#id_files"' in summary[: summary.index("</div>")] and "教案.docx" in summary


def test_files_are_served_and_removed_only_within_scope(client, world):
    log = _log(world)
    (record,) = hour_files.add_files(world.teacher, log, [SimpleUploadedFile("签到表.jpg", _jpeg_with_gps())])
    url = reverse("classroom:class_hour_file", args=[record.pk])
    client.force_login(world.teacher)
    response = client.get(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert response["Content-Type"] == "image/jpeg" and response["X-Content-Type-Options"] == "nosniff"
    page = client.get(reverse("classroom:class_hour_edit", args=[log.pk])).content.decode()
    assert url in page and reverse("classroom:class_hour_file_delete", args=[record.pk]) in page
    for outsider in (world.teacher_b, world.other_teacher, world.student.user):
        client.force_login(outsider)
        assert client.get(url).status_code in (403, 404), outsider
        assert client.post(reverse("classroom:class_hour_file_delete", args=[record.pk])).status_code in (403, 404)
    assert ClassHourFile.objects.filter(pk=record.pk).exists()
    client.force_login(world.teacher)
    assert client.post(reverse("classroom:class_hour_file_delete", args=[record.pk])).status_code == 302
    assert not ClassHourFile.objects.exists()


def test_the_log_list_filters_by_class_dates_and_method(client, world):
    recent = _log(world, days_ago=0, method="class_meeting")
    older = _log(world, days_ago=3)
    other = _log(world, world.class_b, teacher=world.teacher_b)
    client.force_login(world.school_admin)
    url = reverse("classroom:class_hours")

    def shown(**params):
        return {log.pk for log in client.get(url, params).context["logs"]}

    assert shown() >= {recent.pk, older.pk, other.pk}
    assert shown(school_class=world.class_b.pk) == {other.pk}
    day = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    assert shown(school_class=world.class_a.pk, taught_until=day) == {older.pk}
    assert shown(school_class=world.class_a.pk, taught_from=day) == {recent.pk}
    assert shown(method="class_meeting") == {recent.pk}
    # A class outside the user's scope is not a choice: the filter is refused and nothing of it is shown.
    client.force_login(world.teacher)
    response = client.get(url, {"school_class": world.other_class.pk})
    assert not response.context["filters"].is_valid()
    assert other.pk not in {log.pk for log in response.context["logs"]}


def test_hours_are_summed_once_however_many_files_a_log_has(client, world):
    log = _log(world, hours="2.0")
    hour_files.add_files(world.teacher, log, [SimpleUploadedFile(f"p{i}.jpg", _jpeg_with_gps()) for i in range(3)])
    client.force_login(world.teacher)
    response = client.get(reverse("classroom:class_hours"))
    assert response.context["total"] == Decimal("2.0")
    assert [row.file_count for row in response.context["logs"]] == [3]


def test_the_filtered_log_exports_as_xlsx_and_csv_and_is_audited(client, world):
    _log(world, days_ago=0, method="class_meeting")
    _log(world, days_ago=3)
    _log(world, world.class_b, teacher=world.teacher_b)
    client.force_login(world.teacher)
    list_page = client.get(reverse("classroom:class_hours"), {"method": "class_meeting"}).content.decode()
    assert reverse("classroom:class_hours_export", args=["xlsx"]) + "?method=class_meeting" in list_page
    response = client.get(reverse("classroom:class_hours_export", args=["xlsx"]), {"method": "class_meeting"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["Date", "School", "Class", "Lesson or topic"] and len(rows) == 2
    assert rows[1][2] == world.class_a.name and rows[1][4] == 1
    response = client.get(reverse("classroom:class_hours_export", args=["csv"]))
    lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 1 + 2, "the teacher's own class only"
    events = AuditEvent.objects.filter(action="export", actor=world.teacher, details__what="classroom.class_hours")
    assert [e.details["filters"] for e in events.order_by("pk")] == [{"method": "class_meeting"}, {}]
