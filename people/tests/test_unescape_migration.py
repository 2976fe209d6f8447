"""people 0007: names the old sanitiser stored escaped come back as typed, run as a real migration."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("people", "0006_sign_in_tokens")
AFTER = ("people", "0007_unescape_plain_text")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_escaped_names_are_unescaped_once_and_others_left_alone():
    old_apps = _migrate(BEFORE)
    User = old_apps.get_model("people", "User")
    names = {
        "escaped": ("Tom &amp; Jerry &lt;3", "Tom & Jerry <3"),
        "one-pass": ("&amp;lt;", "&lt;"),  # one pass, as the sanitiser escaped once
        "plain": ("R&D 张三", "R&D 张三"),
        "nbsp": ("王&nbsp;五", "王\u00a0五"),
        "other-entity": ("&copy; 李四", "&copy; 李四"),  # the old sanitiser never wrote it: not ours to change
    }
    for username, (stored, _typed) in names.items():
        User.objects.create(username=username, full_name=stored)
    try:
        new_apps = _migrate(AFTER)
        User = new_apps.get_model("people", "User")
        assert {user.username: user.full_name for user in User.objects.filter(username__in=names)} == {
            username: typed for username, (_stored, typed) in names.items()
        }
    finally:
        # Every app's latest migration again (later people migrations were unapplied on the way back to 0006).
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
