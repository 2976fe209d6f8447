"""The group of organisation officers: no Wagtail rights, since they work only on the site's own ledger pages."""

from django.db import migrations

NAME = "Organisation officers"


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=NAME)


class Migration(migrations.Migration):
    dependencies = [("people", "0013_organisations")]

    # Unapplied, the group stays: deleting it through the historical Group cascades into models of other apps
    # rendered from another state, and Django refuses ("Must be Group instance"). Applying again is get_or_create.
    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
