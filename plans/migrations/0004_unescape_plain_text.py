"""Ledger text stored escaped by the old sanitiser back to the text that was typed (see core/unescape.py): the
comments of submissions, closings and returns, and evidence notes, file names and record labels.

The ledger is append-only for the application; this changes no event, only the spelling of its text, and writes
with bulk_update (no model save runs). The reverse does nothing: which values were escaped cannot be told afterwards.
"""

from django.db import migrations

from core.unescape import unescape_fields

FIELDS = {"LedgerEvent": ["comment"], "LedgerEvidence": ["note", "original_name", "record_label"]}


def forwards(apps, schema_editor):
    unescape_fields(apps, "plans", FIELDS)


class Migration(migrations.Migration):
    dependencies = [("plans", "0003_task_lease_and_export_attempts")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
