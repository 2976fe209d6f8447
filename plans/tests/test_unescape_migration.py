"""plans 0003 on old-style data: ledger comments and evidence the old sanitiser stored escaped read as typed."""

import importlib

import pytest
from django.apps import apps

from people.models import SchoolYear
from plans import ledger
from plans.models import LedgerEvent, LedgerEvidence, LedgerItem
from plans.planning import copy_plan, national_template

migration = importlib.import_module("plans.migrations.0004_unescape_plain_text")

pytestmark = pytest.mark.django_db


def test_escaped_ledger_text_comes_back_as_typed(world):
    year = SchoolYear.current().start_year
    ledger.open_items(copy_plan(national_template(), world.district, year, "青山区三年规划"), year)
    item = LedgerItem.objects.filter(school=world.school).order_by("task__order").first()
    evidence = ledger.add_evidence(item, world.school_admin, note="note")
    event = ledger.submit(item, world.school_admin, comment="comment")
    # As the old sanitiser stored them; the ledger refuses changes through save(), so write as it did, by SQL.
    LedgerEvent.objects.filter(pk=event.pk).update(comment="已完成 &lt;见附件&gt; &amp; 照片")
    LedgerEvidence.objects.filter(pk=evidence.pk).update(note="A &gt; B", record_label="R&D")

    migration.forwards(apps, None)

    assert LedgerEvent.objects.get(pk=event.pk).comment == "已完成 <见附件> & 照片"
    evidence = LedgerEvidence.objects.get(pk=evidence.pk)
    assert (evidence.note, evidence.record_label) == ("A > B", "R&D")
