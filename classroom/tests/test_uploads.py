"""Evidence and student works: types decided by content, size limits, EXIF removed, served only within scope."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from classroom import services
from classroom.models import Activity, ActivityEvidence, StudentWork


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (30.0, 15.0, 0.0), 3: "E", 4: (120.0, 10.0, 0.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 100, 0)).save(out, format="PNG")
    return out.getvalue()


def _activity(world, kind="class_meeting"):
    activity = Activity(school=world.school, type=kind, title="主题班会", held_on=timezone.localdate())
    return services.save_activity(world.teacher, activity, {world.class_a: 2})


def test_exif_gps_is_removed_from_photos(world):
    data = _jpeg_with_gps()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825), "the test photo carries GPS"
    (evidence,) = services.add_evidence(world.teacher, _activity(world), [SimpleUploadedFile("班会.jpg", data)])
    stored = evidence.file.read()
    exif = Image.open(io.BytesIO(stored)).getexif()
    assert not exif.get_ifd(0x8825) and 0x010F not in exif
    assert evidence.file_kind == "jpeg" and evidence.original_name == "班会.jpg"


def test_a_renamed_exe_is_refused(world):
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(range(256)) * 4
    with pytest.raises(ValidationError) as error:
        services.add_evidence(world.teacher, _activity(world), [SimpleUploadedFile("照片.jpg", exe)])
    assert "照片.jpg" in " ".join(error.value.messages)
    assert not ActivityEvidence.objects.exists()


def test_a_renamed_zip_pretending_to_be_docx_is_refused(world):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", b"MZ")
    with pytest.raises(ValidationError):
        services.add_evidence(world.teacher, _activity(world), [SimpleUploadedFile("教案.docx", buffer.getvalue())])


@override_settings(QINGDUN={"MAX_EVIDENCE_FILE_BYTES": 2048, "MAX_EVIDENCE_RECORD_BYTES": 4096})
def test_a_too_large_file_is_refused_with_a_clear_error(world):
    big = b"%PDF-1.4\n" + b"0" * 4000
    with pytest.raises(ValidationError) as error:
        services.add_evidence(world.teacher, _activity(world), [SimpleUploadedFile("总结.pdf", big)])
    assert "总结.pdf" in " ".join(error.value.messages)
    assert error.value.code == "too_large"


@override_settings(QINGDUN={"MAX_EVIDENCE_FILE_BYTES": 3000, "MAX_EVIDENCE_RECORD_BYTES": 5000})
def test_the_record_limit_counts_files_already_stored(world):
    activity = _activity(world)
    pdf = b"%PDF-1.4\n" + b"0" * 2500
    services.add_evidence(world.teacher, activity, [SimpleUploadedFile("a.pdf", pdf)])
    with pytest.raises(ValidationError) as error:
        services.add_evidence(world.teacher, activity, [SimpleUploadedFile("b.pdf", pdf)])
    assert error.value.code == "record_too_large"
    assert activity.evidence.count() == 1


def test_the_upload_view_shows_the_error_and_stores_nothing(client, world):
    activity = _activity(world)
    client.force_login(world.teacher)
    response = client.post(
        reverse("classroom:activity", args=[activity.pk]), {"files": [SimpleUploadedFile("x.png", b"not an image")]}
    )
    assert response.status_code == 200
    assert "x.png" in response.content.decode()
    assert not activity.evidence.exists()


def test_evidence_is_served_only_within_scope_as_an_attachment(client, world, media):
    activity = _activity(world)
    (evidence,) = services.add_evidence(world.teacher, activity, [SimpleUploadedFile("p.png", _png())])
    assert str(media / "private") in evidence.file.path
    url = reverse("classroom:evidence_file", args=[evidence.pk])
    for outsider in (world.other_teacher, world.far_auditor, world.student.user):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    for insider in (world.teacher, world.school_admin, world.auditor):
        client.force_login(insider)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "image/png"
    # The file is not reachable through the public media URL.
    assert client.get("/media/private/" + evidence.file.name).status_code == 404


def test_student_works_stay_inside_the_school(client, world):
    client.force_login(world.student.user)
    response = client.post(
        reverse("classroom:works"),
        {
            "title": "我的手抄报",
            "description": "<b>禁毒</b><img src=x onerror=alert(1)>",
            "file": SimpleUploadedFile("a.png", _png()),
        },
    )
    assert response.status_code == 302
    work = StudentWork.objects.get()
    assert work.student == world.student and "onerror" not in work.description
    url = reverse("classroom:work_file", args=[work.pk])
    assert client.get(url).status_code == 200
    for insider in (world.teacher, world.teacher_b, world.school_admin):
        client.force_login(insider)
        assert client.get(url).status_code == 200
    for outsider in (world.student_2.user, world.other_teacher, world.auditor, world.far_auditor):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


def test_a_teacher_uploads_a_work_for_her_student_only(client, world):
    client.force_login(world.teacher)
    data = {"title": "书法", "file": SimpleUploadedFile("a.png", _png())}
    assert client.post(reverse("classroom:works"), {**data, "student": world.student_b.pk}).status_code == 200
    assert not StudentWork.objects.exists()
    data["file"] = SimpleUploadedFile("a.png", _png())
    assert client.post(reverse("classroom:works"), {**data, "student": world.student.pk}).status_code == 302
    assert StudentWork.objects.get().uploaded_by == world.teacher
