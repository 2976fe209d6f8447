"""The database cache table that holds rate-limit counters when there is no Redis (config/settings/base.py).

Made by Django's own createcachetable, named explicitly so it exists whatever CACHES says at migrate time: a site
that drops REDIS_URL later finds its table ready.
"""

from django.core.management import call_command
from django.db import migrations

TABLE = "qingdun_ratelimit"


def create_table(apps, schema_editor):
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_table, drop_table, elidable=False)]
