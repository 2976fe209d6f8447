"""Uploads across the apps: the content decides the type (an HTML page named .jpg is refused everywhere),
sizes are capped, images are re-encoded, and stored files leave only as attachments that no browser renders."""

import datetime
import hashlib
import io
import os
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from PIL import Image
from wagtail.models import Collection

from classroom.models import ActivityEvidence, StudentWork
from core.tests import hostile
from core.uploads import pending
from people.models import RosterUpload
from people.uploads import purge_expired
from plans.models import LedgerEvidence
from quizzes.models import Question

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


# --- the upload inspector through every upload path (core/uploads/, docs/security.md "Upload inspection") ----


def _media_files(estate) -> set:
    return {path for path in estate.media_root.rglob("*") if path.is_file()}


def _post_teachers(estate, name, data):
    url = reverse("people:teacher_upload", args=[estate.own.school.code])
    return client_for(estate, "school_admin").post(url, {"file": _upload(name, data)})


def _post_questions(estate, name, data, client=None):
    client = client or client_for(estate, "teacher")
    return client.post(reverse("quizzes:import"), {"file": _upload(name, data)})


DOCUMENT_PATHS = ("classroom evidence", "student work", "ledger evidence")
HOSTILE_DOCUMENTS = [
    ("班会记录.docx", hostile.docx_bomb, hostile.ZIP_BOMB, {"limit": 50}),
    ("报告.docx", hostile.nested_zip_docx, hostile.NESTED, {"part": "word/media/archive.png"}),
    ("教案.docx", hostile.docm, hostile.MACROS, {}),
    ("台账.xlsx", hostile.xlsx_with_vba, hostile.MACROS, {}),
    ("证明.pdf", lambda: hostile.PDF_OPEN_JAVASCRIPT, hostile.PDF_ACTIVE, {"what": "JS, JavaScript, OpenAction"}),
    (
        "照片.png",
        lambda: hostile.png_of_pixels(12_000, 6_000),
        hostile.TOO_MANY_PIXELS,
        {"width": 12000, "height": 6000, "limit": 40},
    ),
]


@pytest.mark.parametrize("where", DOCUMENT_PATHS)
@pytest.mark.parametrize(("name", "build", "msgid", "params"), HOSTILE_DOCUMENTS, ids=[h[0] for h in HOSTILE_DOCUMENTS])
def test_hostile_documents_are_refused_by_name_on_every_document_path(fresh, where, name, build, msgid, params):
    post, model = UPLOADERS[where]
    before, files = model.objects.count(), _media_files(fresh)
    expected_status = 200
    if where == "ledger evidence":  # the ledger answers the item page again, 400, its form's summary naming the file
        url = reverse("plans:ledger_action", args=[fresh.own.ledger_item.pk, "evidence"])
        response = client_for(fresh, "school_admin").post(
            url, {"evidence-note": "", "evidence-file": _upload(name, build())}
        )
        expected_status = 400
    else:
        response = post(fresh, name, build())
    html = response.content.decode()
    assert response.status_code == expected_status
    assert model.objects.count() == before
    assert escape(hostile.expected(msgid, name, **params)) in html
    assert _media_files(fresh) == files


def test_the_zip_bomb_costs_the_evidence_view_little_memory(fresh):
    bomb = hostile.docx_bomb()
    tracemalloc.start()
    try:
        response = _post_evidence(fresh, "班会记录.docx", bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 200
    assert peak < 40 * 1024 * 1024, f"the request held {peak / 1e6:.1f} MB for a 1 GB bomb"


TABLE_PATHS = {
    "roster import": (_post_roster, RosterUpload),
    "teacher import": (_post_teachers, RosterUpload),
    "question import": (_post_questions, Question),
}
HOSTILE_TABLES = [
    ("名单.xlsx", hostile.xlsx_bomb, hostile.ZIP_BOMB, {"limit": 50}),
    ("名单.xlsx", hostile.xlsx_with_vba, hostile.MACROS, {}),
    ("名单.xlsm", hostile.xlsx, hostile.MACROS, {}),
    *[
        ("名单.xlsx", lambda case=case: hostile.malformed_xlsx(case), msgid, params)
        for case, (_code, msgid, params) in hostile.MALFORMED.items()
    ],
    (
        "名单.xlsx",
        lambda: hostile.malformed_xlsx("sheet padded to every column"),
        hostile.TOO_WIDE,
        {"columns": 16384, "limit": 200},
    ),
    ("名单.csv", lambda: hostile.CSV_UTF16, hostile.NOT_TEXT, {}),
    ("名单.csv", lambda: hostile.CSV_NUL, hostile.NOT_TEXT, {}),
    ("名单.csv", lambda: hostile.CSV_LATIN1, hostile.NOT_TEXT, {}),
    ("名单.csv", lambda: b"", "The file is empty.", {}),
]
TABLE_IDS = ["bomb", "vba", "xlsm", *hostile.MALFORMED, "padded", "utf-16", "nul", "latin-1", "empty"]


@pytest.mark.parametrize("where", sorted(TABLE_PATHS))
@pytest.mark.parametrize(("name", "build", "msgid", "params"), HOSTILE_TABLES, ids=TABLE_IDS)
def test_hostile_and_malformed_tables_are_refused_by_name_on_every_import(fresh, where, name, build, msgid, params):
    post, model = TABLE_PATHS[where]
    before, files = model.objects.count(), _media_files(fresh)
    response = post(fresh, name, build())
    assert response.status_code == 200
    html = response.content.decode()
    assert escape(hostile.expected(msgid, name, **params)) in html
    assert 'name="token"' not in html
    assert model.objects.count() == before
    assert _media_files(fresh) == files


def test_a_gbk_roster_is_accepted(fresh):
    response = _post_roster(fresh, "名单.csv", hostile.CSV_GBK)
    assert response.status_code == 302


def test_a_stored_upload_that_openpyxl_cannot_read_is_a_named_problem_not_a_500(fresh):
    """Uploads stored before the inspector (or that it lets through) still meet the preview's guard."""
    upload = RosterUpload.objects.create(
        school=fresh.own.school,
        uploaded_by=fresh.own.admin,
        kind="students",
        filename="旧名单.xlsx",
        sha256=hashlib.sha256(bad := hostile.malformed_xlsx("no sheets")).hexdigest(),
        data=bad,
    )
    url = reverse("people:roster_preview", args=[fresh.own.school.code, upload.pk])
    response = client_for(fresh, "school_admin").get(url)
    assert response.status_code == 200
    assert escape(hostile.expected(hostile.MALFORMED["no sheets"][1], "旧名单.xlsx")) in response.content.decode()


QUESTIONS_GIFT = "::冰毒::冰毒的化学名称是？{=甲基苯丙胺 ~海洛因 ~吗啡}\n".encode()


def _pending(estate) -> list:
    return sorted((estate.media_root / pending.FOLDER).rglob("*.bin"))


def test_a_question_preview_keeps_its_file_only_until_it_is_confirmed(fresh):
    client = client_for(fresh, "teacher")
    before = _pending(fresh)
    response = _post_questions(fresh, "题库.gift", QUESTIONS_GIFT, client)
    token = response.context["confirm"].initial["token"]
    assert len(_pending(fresh)) == len(before) + 1
    # Kept outside the public media folders: no URL serves it.
    assert client.get(f"/media/{pending.FOLDER}/quiz-imports/{token}.bin").status_code == 404
    assert client.post(reverse("quizzes:import"), {"token": token}).status_code == 302
    assert _pending(fresh) == before
    assert Question.objects.filter(text="冰毒的化学名称是？").exists()


def test_a_question_preview_with_errors_keeps_nothing(fresh):
    before = _pending(fresh)
    response = _post_questions(fresh, "题库.gift", "坏题 {=对 ~错\n".encode())
    assert response.status_code == 200 and "confirm" not in response.context
    assert _pending(fresh) == before


def test_an_abandoned_question_preview_is_purged_after_two_hours(fresh):
    before = _pending(fresh)
    _post_questions(fresh, "题库.gift", QUESTIONS_GIFT)
    (kept,) = set(_pending(fresh)) - set(before)
    later = timezone.now() + pending.LIFETIME + datetime.timedelta(seconds=1)
    assert pending.purge(now=timezone.now()) == 0
    assert kept.exists()
    purge_expired(now=later)  # the pending-roster purge (manage.py purge_pending_uploads) takes it too
    assert not kept.exists()


def test_an_expired_question_preview_cannot_be_confirmed(fresh):
    client = client_for(fresh, "teacher")
    response = _post_questions(fresh, "题库.gift", QUESTIONS_GIFT, client)
    token = response.context["confirm"].initial["token"]
    stale = (timezone.now() - pending.LIFETIME - datetime.timedelta(minutes=1)).timestamp()
    path = fresh.media_root / pending.FOLDER / "quiz-imports" / f"{token}.bin"
    os.utime(path, (stale, stale))
    response = client.post(reverse("quizzes:import"), {"token": token}, follow=True)
    assert not path.exists()
    assert not Question.objects.filter(text="冰毒的化学名称是？").exists()


def test_the_cms_document_upload_meets_the_inspector(fresh, settings):
    """The Wagtail admin's own document upload, by an editor: hostile files refused by name, nothing stored."""
    from wagtail.documents import get_document_model

    assert settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS == settings.QINGDUN["MAX_IMAGE_PIXELS"]
    Document = get_document_model()
    client = client_for(fresh, "editor")
    collection = Collection.get_first_root_node()
    for name, build, msgid, params in [
        (
            "禁毒手册.pdf",
            lambda: hostile.PDF_OPEN_JAVASCRIPT,
            hostile.PDF_ACTIVE,
            {"what": "JS, JavaScript, OpenAction"},
        ),
        ("教案.docx", hostile.docm, hostile.MACROS, {}),
        ("教案.docx", hostile.docx_bomb, hostile.ZIP_BOMB, {"limit": 50}),
    ]:
        before, files = Document.objects.count(), _media_files(fresh)
        response = client.post(
            reverse("wagtaildocs:add"),
            {"title": name, "collection": collection.pk, "file": SimpleUploadedFile(name, build())},
        )
        assert response.status_code == 200, response.status_code
        assert escape(hostile.expected(msgid, name, **params)) in response.content.decode()
        assert Document.objects.count() == before
        assert _media_files(fresh) == files
    response = client.post(
        reverse("wagtaildocs:add"),
        {"title": "手册", "collection": collection.pk, "file": SimpleUploadedFile("手册.pdf", hostile.benign_pdf())},
    )
    assert response.status_code == 302
    assert Document.objects.filter(title="手册").exists()


def test_the_cms_image_upload_refuses_a_72_megapixel_png(fresh):
    from wagtail.images import get_image_model

    Image = get_image_model()
    before, files = Image.objects.count(), _media_files(fresh)
    response = client_for(fresh, "editor").post(
        reverse("wagtailimages:add"),
        {
            "title": "海报",
            "collection": Collection.get_first_root_node().pk,
            "file": SimpleUploadedFile("海报.png", hostile.png_of_pixels(12_000, 6_000)),
        },
    )
    assert response.status_code == 200
    assert Image.objects.count() == before
    assert _media_files(fresh) == files
