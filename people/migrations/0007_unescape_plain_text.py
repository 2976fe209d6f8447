"""Names stored escaped by the old sanitiser ("Tom &amp; Jerry") back to the text that was typed (see core/unescape.py).

Every name went through it: the student and staff forms of the admin, the roster and teacher imports. The reverse
does nothing: which names were escaped cannot be told afterwards, and unescaped names are what the code now stores.
"""

from django.db import migrations

from core.unescape import unescape_fields

FIELDS = {"User": ["full_name"]}


def forwards(apps, schema_editor):
    unescape_fields(apps, "people", FIELDS)


class Migration(migrations.Migration):
    dependencies = [("people", "0006_sign_in_tokens")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
