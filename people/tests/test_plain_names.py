"""A name is stored as typed and escaped once, at output; a name of markup is refused, never saved empty."""

import json

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from core.sanitize import MARKUP_MESSAGE as _MARKUP
from people.models import Student
from people.roster import import_roster
from people.teachers import import_teachers

from .test_roster import csv_bytes
from .test_teachers import HEADER as TEACHER_HEADER

pytestmark = pytest.mark.django_db

TYPED = "A > B & C"
# Pages and imports answer in the site's language (zh-Hans), whether or not the catalogue has the string yet.
with translation.override(settings.LANGUAGE_CODE):
    MARKUP_MESSAGE = str(_MARKUP)


def test_name_round_trips_form_database_page_and_export(client, world):
    client.force_login(world.school_admin)
    edit = reverse("people_students:edit", args=[world.student.pk])
    response = client.post(edit, {"gender": "F", "left_on": "", "full_name": TYPED})
    assert response.status_code == 302
    world.student.user.refresh_from_db()
    assert world.student.user.full_name == TYPED

    page = client.get(reverse("people:student_detail", args=[world.student.pk])).content.decode()
    assert "<h1>A &gt; B &amp; C</h1>" in page
    assert "&amp;gt;" not in page and "&amp;amp;" not in page and TYPED not in page

    export = client.get(reverse("people:student_export", args=[world.student.pk]))
    assert json.loads(export.content)["student"]["name"] == TYPED
    assert "&amp;" not in export.content.decode()


def test_admin_refuses_a_name_of_markup_and_keeps_the_old_one(client, world):
    client.force_login(world.school_admin)
    before = world.student.user.full_name
    edit = reverse("people_students:edit", args=[world.student.pk])
    response = client.post(edit, {"gender": "F", "left_on": "", "full_name": "<b></b><script>x</script>"})
    assert response.status_code == 200
    assert MARKUP_MESSAGE in response.content.decode().replace("&lt;", "<").replace("&gt;", ">")
    world.student.user.refresh_from_db()
    assert world.student.user.full_name == before


def test_roster_import_refuses_markup_names_and_keeps_typed_ones(world):
    rows = [["<b></b>", "20260001", "男", "初一", "1班"], ["<i>李四</i>", "20260002", "女", "初一", "1班"]]
    result = import_roster(world.school, csv_bytes(rows), actor=None, dry_run=False)
    assert not result.committed
    assert [(p.row, p.column, p.message) for p in result.problems] == [
        (2, "name", MARKUP_MESSAGE),
        (3, "name", MARKUP_MESSAGE),
    ]
    ok = import_roster(world.school, csv_bytes([[TYPED, "20260003", "男", "初一", "1班"]]), actor=None)
    assert ok.committed
    assert Student.objects.get(student_number="20260003").user.full_name == TYPED


def test_teacher_import_refuses_markup_names(world):
    rows = [["<script>x</script>", "009", "", "", ""]]
    result = import_teachers(world.school, csv_bytes(rows, TEACHER_HEADER), actor=None, dry_run=True)
    assert [(p.column, p.message) for p in result.problems] == [("name", MARKUP_MESSAGE)]
