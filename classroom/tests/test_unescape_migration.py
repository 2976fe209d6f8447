"""classroom 0004 on old-style data: titles and class-hour notes the old sanitiser stored escaped read as typed."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from classroom.models import Activity, ClassHourLog

migration = importlib.import_module("classroom.migrations.0004_unescape_plain_text")

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 10, 12)


def test_escaped_titles_and_notes_come_back_as_typed(world):
    escaped = Activity.objects.create(
        school=world.school, type="lecture", title="A &gt; B &amp; C", held_on=DAY, recorded_by=world.teacher
    )
    plain = Activity.objects.create(
        school=world.school, type="lecture", title="R&D 讲座 <3", held_on=DAY, recorded_by=world.teacher
    )
    log = ClassHourLog.objects.create(
        school_class=world.class_a,
        taught_on=DAY,
        class_hours=Decimal("1"),
        students_present=2,
        minutes=45,
        engagement=4,
        recorded_by=world.teacher,
        teacher=world.teacher,
        topic="拒绝 &amp; 求助",
        instructor_name="王&nbsp;老师",
        parts_covered="导入\n&lt;活动&gt;",
        note="",
    )
    updated_at = ClassHourLog.objects.get(pk=log.pk).updated_at

    migration.forwards(apps, None)

    assert Activity.objects.get(pk=escaped.pk).title == "A > B & C"
    assert Activity.objects.get(pk=plain.pk).title == "R&D 讲座 <3"
    log = ClassHourLog.objects.get(pk=log.pk)
    assert (log.topic, log.instructor_name, log.parts_covered) == ("拒绝 & 求助", "王\u00a0老师", "导入\n<活动>")
    assert log.updated_at == updated_at  # a repair of spelling, not an edit by anyone

    migration.forwards(apps, None)  # values with no entity left are not touched again
    assert Activity.objects.get(pk=escaped.pk).title == "A > B & C"
