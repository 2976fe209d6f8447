"""The group of organisation officers: no Wagtail rights, since they work only on the site's own ledger pages."""

from django.db import migrations

NAME = "Organisation officers"


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=NAME)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0013_organisations")]

    operations = [migrations.RunPython(create_group, remove_group)]
