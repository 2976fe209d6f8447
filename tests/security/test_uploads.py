"""Uploads across the apps: the content decides the type (an HTML page named .jpg is refused everywhere),
sizes are capped, images are re-encoded, and stored files leave only as attachments that no browser renders."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from classroom.models import ActivityEvidence, StudentWork
from people.models import RosterUpload
from plans.models import LedgerEvidence

from .conftest import PDF_BYTES, client_for, png_bytes

HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(range(256)) * 8


def _upload(name, data):
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


HOSTILE = [("照片.jpg", HTML), ("作品.pdf", SVG), ("报告.docx", EXE)]


def _post_evidence(estate, name, data):
    url = reverse("classroom:activity", args=[estate.own.activity.pk])
    return client_for(estate, "teacher").post(url, {"files": [_upload(name, data)]})


def _post_work(estate, name, data):
    url = reverse("classroom:works")
    return client_for(estate, "student").post(url, {"title": "手抄报", "file": _upload(name, data)})


def _post_ledger(estate, name, data):
    url = reverse("plans:ledger_action", args=[estate.own.ledger_item.pk, "evidence"])
    return client_for(estate, "school_admin").post(url, {"evidence-note": "", "evidence-file": _upload(name, data)})


def _post_roster(estate, name, data):
    url = reverse("people:roster_upload", args=[estate.own.school.code])
    return client_for(estate, "school_admin").post(url, {"file": _upload(name, data)})


UPLOADERS = {
    "classroom evidence": (_post_evidence, ActivityEvidence),
    "student work": (_post_work, StudentWork),
    "ledger evidence": (_post_ledger, LedgerEvidence),
    "roster import": (_post_roster, RosterUpload),
}


@pytest.mark.parametrize("where", sorted(UPLOADERS))
@pytest.mark.parametrize(("name", "data"), HOSTILE, ids=["html-as-jpg", "svg-as-pdf", "exe-as-docx"])
def test_disguised_files_are_refused_everywhere(fresh, where, name, data):
    if where == "roster import" and not data.startswith(b"MZ"):
        pytest.skip(
            "a roster is text, so an HTML page is read as a (bad) table; it is kept in the database "
            "for the preview and never served"
        )
    post, model = UPLOADERS[where]
    before = model.objects.count()
    response = post(fresh, name, data)
    assert response.status_code < 500
    assert model.objects.count() == before, f"{where} stored {name} whose content is {data[:20]!r}"


def test_oversized_evidence_is_refused(fresh, settings):
    settings.QINGDUN = {**settings.QINGDUN, "MAX_EVIDENCE_FILE_BYTES": 1000, "MAX_EVIDENCE_RECORD_BYTES": 5000}
    before = ActivityEvidence.objects.count()
    response = _post_evidence(fresh, "大文件.pdf", PDF_BYTES + b"0" * 2000)
    assert response.status_code == 200
    assert ActivityEvidence.objects.count() == before
    assert "MB" in response.content.decode()


def test_oversized_roster_is_refused(fresh, settings):
    settings.QINGDUN = {**settings.QINGDUN, "MAX_IMPORT_BYTES": 100}
    before = RosterUpload.objects.count()
    response = _post_roster(fresh, "名单.csv", "姓名,学号,年级,班级\n".encode() + "张三,1,8,1\n".encode() * 50)
    assert response.status_code == 200
    assert RosterUpload.objects.count() == before


def test_a_polyglot_image_is_re_encoded(fresh):
    """A PNG with an HTML page glued on: the stored file is a fresh PNG, the page is gone."""
    payload = png_bytes() + HTML
    response = _post_evidence(fresh, "班会.png", payload)
    assert response.status_code == 302
    evidence = ActivityEvidence.objects.filter(activity=fresh.own.activity).latest("pk")
    stored = evidence.file.read()
    assert b"<script" not in stored
    assert Image.open(io.BytesIO(stored)).format == "PNG"


DOWNLOADS = [
    ("classroom:evidence_file", lambda e: e.own.evidence.pk, "teacher"),
    ("classroom:work_file", lambda e: e.own.work.pk, "student"),
    ("plans:evidence_file", lambda e: e.own.ledger_evidence.pk, "school_admin"),
]


@pytest.mark.parametrize(("name", "pk", "role"), DOWNLOADS, ids=[d[0] for d in DOWNLOADS])
def test_stored_files_leave_as_attachments_never_as_html(fresh, name, pk, role):
    response = client_for(fresh, role).get(reverse(name, args=[pk(fresh)]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    kind = response["Content-Type"]
    assert "html" not in kind and "svg" not in kind and "xml" not in kind and "javascript" not in kind


def test_private_folders_are_not_public_media(fresh):
    """Evidence lives under MEDIA_ROOT/private; the public media URL refuses it even with its exact path."""
    for record in (fresh.own.evidence, fresh.own.work):
        path = f"/media/private/{record.file.name}"
        assert client_for(fresh, "teacher").get(path).status_code == 404
        traversal = f"/media/images/../private/{record.file.name}"
        assert client_for(fresh, "teacher").get(traversal).status_code == 404


def test_public_media_never_serves_html_or_svg(fresh):
    root = fresh.media_root / "images"
    root.mkdir(exist_ok=True)
    (root / "page.html").write_bytes(HTML)
    (root / "icon.svg").write_bytes(SVG)
    (root / "fake.png").write_bytes(HTML)
    client = client_for(fresh, "anonymous")
    assert client.get("/media/images/page.html").status_code == 404
    assert client.get("/media/images/icon.svg").status_code == 404
    # A file named .png is served as image/png with nosniff, so a browser never renders it as a page.
    response = client.get("/media/images/fake.png")
    if response.status_code == 200:
        assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
