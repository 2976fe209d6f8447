"""Pending uploads hold minors' names: they expire after two hours, by the periodic purge and on use."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from people.models import RosterUpload, Student
from people.tasks import purge_pending_uploads_task
from people.uploads import UPLOAD_LIFETIME, is_expired, purge_expired

from .test_roster import csv_bytes

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(timezone.datetime(2026, 9, 1, 10, 0))


def _upload(world, created_at, kind="students"):
    upload = RosterUpload.objects.create(
        school=world.school, uploaded_by=world.school_admin, kind=kind, filename="r.csv", sha256="0" * 64, data=b"x"
    )
    RosterUpload.objects.filter(pk=upload.pk).update(created_at=created_at)  # auto_now_add ignores a given value
    upload.refresh_from_db()
    return upload


def test_age_is_checked_against_the_given_now(world):
    upload = _upload(world, NOW - UPLOAD_LIFETIME + timedelta(seconds=1))
    assert not is_expired(upload, now=NOW)
    assert is_expired(upload, now=NOW + timedelta(seconds=1))


def test_purge_removes_only_stale_uploads(world):
    stale = _upload(world, NOW - UPLOAD_LIFETIME)
    fresh = _upload(world, NOW - UPLOAD_LIFETIME + timedelta(minutes=1), kind="teachers")
    assert purge_expired(now=NOW) == 1
    assert list(RosterUpload.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not RosterUpload.objects.filter(pk=stale.pk).exists()


def test_command_and_task_purge_with_the_clock(world, capsys):
    _upload(world, timezone.now() - UPLOAD_LIFETIME - timedelta(minutes=1))
    _upload(world, timezone.now() - UPLOAD_LIFETIME - timedelta(minutes=1))
    call_command("purge_pending_uploads")
    assert "2 pending upload(s) deleted." in capsys.readouterr().out
    _upload(world, timezone.now() - UPLOAD_LIFETIME - timedelta(minutes=1))
    assert purge_pending_uploads_task.call() == 1
    assert not RosterUpload.objects.exists()


def test_expired_preview_cannot_be_committed(client, world):
    client.force_login(world.school_admin)
    file = SimpleUploadedFile(
        "roster.csv", csv_bytes([["张三", "20269999", "男", "初一", "1班"]]), content_type="text/csv"
    )
    response = client.post(reverse("people:roster_upload", args=[world.school.code]), {"file": file})
    upload = RosterUpload.objects.get()
    assert client.get(response.url).status_code == 200  # fresh: the preview shows
    RosterUpload.objects.filter(pk=upload.pk).update(created_at=timezone.now() - UPLOAD_LIFETIME)
    students_before = Student.objects.count()
    refused = client.post(response.url)
    assert refused.status_code == 302
    assert refused.url == reverse("people:roster_upload", args=[world.school.code])
    assert Student.objects.count() == students_before
    assert not RosterUpload.objects.filter(pk=upload.pk).exists()
    with translation.override(settings.LANGUAGE_CODE):
        expected = gettext("This upload has expired: uploads are kept for two hours. Upload the file again.")
    assert [str(m) for m in get_messages(refused.wsgi_request)] == [expected]
