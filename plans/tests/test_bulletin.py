"""The 通报 document: drafted with the bureau's own text (sanitised), ranked as the report ranks, the schools
behind target and the 整改 list; its DOCX and PDF opened and read; published to the schools it names, who see it
on their home page; refused to everyone else."""

import datetime
import io

import pytest
from django.urls import reverse

from people.models import RoleKind
from people.testing import make_district, make_role_user, make_school
from plans import bulletin as documents
from plans import ledger
from plans.models import Bulletin, LedgerItem, TaskKind
from plans.rollup import refresh_district

from .builders import HandDistrict

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2026, 6, 30)


@pytest.fixture
def hand():
    hand = HandDistrict()
    refresh_district(hand.district, 2025)
    ledger.open_items(hand.plan, 2025)
    hand.auditor = make_role_user(RoleKind.BUREAU_AUDITOR, district=hand.district, username="hd-auditor")
    hand.admin_a = make_role_user(RoleKind.SCHOOL_ADMIN, school=hand.school, username="hd-admin-a")
    hand.admin_b = make_role_user(RoleKind.SCHOOL_ADMIN, school=hand.school_b, username="hd-admin-b")
    item = LedgerItem.objects.get(school=hand.school_b, task__kind=TaskKind.CLASS_HOURS)
    ledger.return_for_rectification(item, hand.auditor, "缺少签到表", DEADLINE)
    hand.returned = item
    return hand


def draft(client, hand) -> Bulletin:
    client.force_login(hand.auditor)
    response = client.post(
        reverse("plans:bulletins") + "?year=2025&period=year",
        {
            "title": "关于2025学年毒品预防教育工作情况的通报",
            "period_label": "2025—2026学年",
            "body": "<p>各校：现将<strong>完成情况</strong>通报如下。</p><script>alert(1)</script><p>请认真整改。</p>",
        },
    )
    assert response.status_code == 302
    return Bulletin.objects.get()


def test_the_draft_keeps_the_bureaus_text_sanitised_and_ranks_as_the_report(client, hand):
    bulletin = draft(client, hand)
    assert "<script>" not in bulletin.body and "<strong>完成情况</strong>" in bulletin.body
    assert documents.body_paragraphs(bulletin.body) == ["各校：现将完成情况通报如下。", "请认真整改。"]
    content = documents.content_of(bulletin)
    assert content["headers"][:2] == ["排名", "名称"] and content["headers"][-2:] == ["总分", "存疑记录数"]
    report = client.get(reverse("plans:report"), {"year": 2025}).context["lines"]
    assert content["ranking"] == report, "the document ranks as the screen does"
    assert [entry["school"] for entry in content["behind"]] == ["手算一中", "手算二中"]
    assert content["rectification"] == [
        {"school_id": hand.school_b.pk, "school": "手算二中", "task": hand.returned.task.title, "due_on": "2026-06-30"}
    ]
    page = client.get(reverse("plans:bulletin", args=[bulletin.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page and "<strong>完成情况</strong>" in page


def test_the_docx_has_the_title_text_ranking_and_lists(client, hand):
    from docx import Document

    bulletin = draft(client, hand)
    response = client.get(reverse("plans:bulletin_file", args=[bulletin.pk, "docx"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = Document(io.BytesIO(response.content))
    text = [paragraph.text for paragraph in document.paragraphs]
    assert text[0] == bulletin.title
    assert "各校：现将完成情况通报如下。" in text and "请认真整改。" in text
    # The schools behind, each with its tasks' figures against their targets (100 for the national template).
    assert any(line.startswith("手算二中：") and "100.0" in line for line in text)
    assert any("手算二中" in line and hand.returned.task.title in line and "2026-06-30" in line for line in text)
    (table,) = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    content = documents.content_of(bulletin)
    assert rows[0] == content["headers"]
    assert [row[:2] for row in rows[1:-1]] == [[str(line[0]), line[1]] for line in content["ranking"]]
    assert rows[-1][:2] == ["", "合计"]


def test_the_pdf_has_the_title_ranking_and_lists(client, hand):
    from pypdf import PdfReader

    bulletin = draft(client, hand)
    response = client.get(reverse("plans:bulletin_file", args=[bulletin.pk, "pdf"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    squeezed = text.replace("\n", "").replace(" ", "")
    assert bulletin.title in squeezed
    assert "排名" in squeezed and "总分" in squeezed and "合计" in squeezed
    assert "手算一中" in squeezed and "手算二中" in squeezed
    assert "各校：现将完成情况通报如下。" in squeezed and "2026-06-30" in squeezed


def test_publishing_freezes_it_and_shows_it_to_the_schools_it_names(client, hand):
    bulletin = draft(client, hand)
    client.post(reverse("plans:bulletin_publish", args=[bulletin.pk]))
    bulletin.refresh_from_db()
    assert bulletin.is_published and set(bulletin.schools.all()) == {hand.school, hand.school_b}
    frozen = bulletin.content
    refresh_district(hand.district, 2025)
    assert documents.content_of(bulletin) == frozen
    for admin in (hand.admin_a, hand.admin_b):
        client.force_login(admin)
        home = client.get(reverse("core:home")).content.decode()
        assert 'id="panel-bulletins"' in home and reverse("plans:bulletin", args=[bulletin.pk]) in home
        assert client.get(reverse("plans:bulletin", args=[bulletin.pk])).status_code == 200
        assert client.get(reverse("plans:bulletin_file", args=[bulletin.pk, "docx"])).status_code == 200
        # A school reads it; it cannot publish or draft.
        assert client.post(reverse("plans:bulletin_publish", args=[bulletin.pk])).status_code == 403
        assert client.get(reverse("plans:bulletins")).status_code == 403


def test_a_draft_and_other_districts_and_unnamed_schools_are_refused(client, hand):
    bulletin = draft(client, hand)
    client.force_login(hand.admin_a)
    assert client.get(reverse("plans:bulletin", args=[bulletin.pk])).status_code == 404, "a draft is the bureau's"
    client.force_login(hand.auditor)
    client.post(reverse("plans:bulletin_publish", args=[bulletin.pk]))
    unnamed = make_role_user(RoleKind.SCHOOL_ADMIN, school=make_school(hand.district, "HC", name="手算三中"))
    far_district = make_district("FD", "远方区教育局")
    far_auditor = make_role_user(RoleKind.BUREAU_AUDITOR, district=far_district)
    for user in (unnamed, far_auditor, hand.teacher):
        client.force_login(user)
        for url in (
            reverse("plans:bulletin", args=[bulletin.pk]),
            reverse("plans:bulletin_file", args=[bulletin.pk, "pdf"]),
        ):
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(reverse("plans:bulletin_publish", args=[bulletin.pk])).status_code == 404
    client.force_login(far_auditor)
    assert bulletin.title not in client.get(reverse("plans:bulletins")).content.decode()
