"""The 通报's member units' section: each organisation's items of the year and their state, in the screen, the
DOCX and the PDF; another district's organisations are not in it."""

import io

import pytest
from django.urls import reverse

from people.models import Organisation, OrganisationKind
from plans import bulletin as documents
from plans import ledger
from plans.models import LedgerItem

from .test_bulletin import draft, hand  # noqa: F401  (the hand-checked district and its draft)

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(hand):  # noqa: F811
    from people.testing import make_district

    hand.police = Organisation.objects.create(
        district=hand.district, kind=OrganisationKind.MEMBER_UNIT, name="区公安分局"
    )
    elsewhere = Organisation.objects.create(
        district=make_district("DX", "别区教育局"), kind=OrganisationKind.SOCIAL, name="别区志愿者协会"
    )
    hand.task = hand.plan.tasks.order_by("order").first()
    ledger.assign_organisations(hand.task, [hand.police])
    ledger.open_items(hand.plan, 2025)
    hand.item = LedgerItem.objects.get(organisation=hand.police)
    assert elsewhere.pk
    return hand


def test_the_section_lists_each_organisations_items_and_state(client, units):
    bulletin = draft(client, units)
    content = documents.content_of(bulletin)
    assert [unit["name"] for unit in content["units"]] == ["区公安分局"]
    (entry,) = content["units"][0]["items"]
    assert entry["task"] == units.task.title and entry["state"] == str(units.item.get_state_display())
    page = client.get(reverse("plans:bulletin", args=[bulletin.pk])).content.decode()
    assert "区公安分局" in page and "别区志愿者协会" not in page


def test_the_docx_and_pdf_carry_the_section(client, units):
    from docx import Document
    from pypdf import PdfReader

    bulletin = draft(client, units)
    docx = client.get(reverse("plans:bulletin_file", args=[bulletin.pk, "docx"]))
    text = [paragraph.text for paragraph in Document(io.BytesIO(docx.content)).paragraphs]
    assert any(line.startswith("区公安分局") and units.task.title in line for line in text)
    pdf = client.get(reverse("plans:bulletin_file", args=[bulletin.pk, "pdf"]))
    squeezed = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).replace(" ", "")
    assert "区公安分局" in squeezed.replace("\n", "")


def test_a_bulletin_published_before_the_section_still_renders(client, units):
    bulletin = draft(client, units)
    content = documents.build_content(bulletin)
    del content["units"]
    parts = {"content": content, "unit_due": "%(day)s"}
    assert documents._unit_lines(parts) == []
