"""Classroom text stored escaped by the old sanitiser ("A &gt; B &amp; C") back to the text that was typed (see
core/unescape.py): activity titles, student works' titles, evidence and work file names, and the class-hour log's
topic, instructor, parts covered and note. Descriptions were HTML and stay as they are.

The revision snapshots (RecordRevision) are left as they were written: they are the append-only record of what was
saved at the time. The reverse does nothing: which values were escaped cannot be told afterwards.
"""

from django.db import migrations

from core.unescape import unescape_fields

FIELDS = {
    "Activity": ["title"],
    "ActivityEvidence": ["original_name"],
    "StudentWork": ["title", "original_name"],
    "ClassHourLog": ["topic", "instructor_name", "parts_covered", "note"],
}


def forwards(apps, schema_editor):
    unescape_fields(apps, "classroom", FIELDS)


class Migration(migrations.Migration):
    dependencies = [("classroom", "0003_reading_clock")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
