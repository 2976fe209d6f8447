"""notify(): one inbox row per person per fact, mail through Django's backend, the signed webhook, the inbox."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from core.navigation import nav_for
from people.models import Notification
from people.notifications import SIGNATURE_HEADER, notify
from people.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def tell(django_capture_on_commit_callbacks):
    """notify(), its after-commit delivery run as if the test's transaction had committed."""

    def _tell(*args):
        with django_capture_on_commit_callbacks(execute=True):
            return notify(*args)

    return _tell


def test_a_fact_is_told_once_per_person_and_mailed_to_those_with_an_address(tell):
    ada = make_user("ada", email="ada@example.org")
    bo = make_user("bo")  # no address: the inbox only
    first = tell([ada, bo], "due_soon", "作业快到期", "《认识毒品》明天到期。", "/classroom/", "due:1")
    again = tell([ada, bo], "due_soon", "作业快到期", "《认识毒品》明天到期。", "/classroom/", "due:1")
    assert len(first) == 2 and again == []
    assert Notification.objects.filter(user=ada).count() == 1
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]
    assert mail.outbox[0].subject == "作业快到期"
    assert "http://testserver/classroom/" in mail.outbox[0].body


class _Gateway(BaseHTTPRequestHandler):
    received: list = []
    answers: list = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers), body))
        status = type(self).answers.pop(0) if type(self).answers else 200
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    _Gateway.received = []
    _Gateway.answers = []
    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()
    server.server_close()


def _webhook_settings(url):
    from django.conf import settings

    return override_settings(QINGDUN={**settings.QINGDUN, "NOTIFY_WEBHOOK_URL": url, "NOTIFY_WEBHOOK_SECRET": "s3cret"})


def test_the_webhook_gets_the_documented_body_signed_with_the_secret(gateway, tell):
    ada = make_user("ada")
    with _webhook_settings(gateway):
        tell([ada], "bulletin", "通报已发布", "请查看。", "/plans/", "bulletin:9")
    assert len(_Gateway.received) == 1
    headers, body = _Gateway.received[0]
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers[SIGNATURE_HEADER] == expected
    payload = json.loads(body)
    assert payload["version"] == 1
    (event,) = payload["events"]
    assert event["kind"] == "bulletin" and event["title"] == "通报已发布"
    assert event["user"]["username"] == "ada" and event["url"] == "http://testserver/plans/"


def test_a_failing_gateway_is_retried_a_bounded_number_of_times(gateway, tell):
    ada = make_user("ada")
    _Gateway.answers = [500, 500, 500, 500]
    with _webhook_settings(gateway):
        tell([ada], "bulletin", "通报已发布", "", "", "bulletin:10")
    assert len(_Gateway.received) == 3  # three attempts, then it gives up


def test_a_gateway_that_recovers_is_posted_once_more_only(gateway, tell):
    ada = make_user("ada")
    _Gateway.answers = [503]
    with _webhook_settings(gateway):
        tell([ada], "bulletin", "通报已发布", "", "", "bulletin:11")
    assert len(_Gateway.received) == 2


def test_the_inbox_lists_only_ones_own_and_marks_read(client, tell):
    ada, bo = make_user("ada"), make_user("bo")
    (own,) = tell([ada], "x", "给阿达的提醒", "", "/", "k:1")
    (other,) = tell([bo], "x", "给波的提醒", "", "/", "k:2")
    client.force_login(ada)
    page = client.get(reverse("people:inbox"))
    assert "给阿达的提醒" in page.text and "给波的提醒" not in page.text
    home = client.get(reverse("core:home"))
    assert 'class="badge warn">1<' in home.text
    assert client.post(reverse("people:notification_read", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None
    assert client.post(reverse("people:notification_read", args=[own.pk])).status_code == 302
    own.refresh_from_db()
    assert own.read_at is not None
    assert 'class="badge warn">1<' not in client.get(reverse("core:home")).text


def test_open_follows_only_a_link_on_this_site(client, tell):
    ada = make_user("ada")
    (note,) = tell([ada], "x", "外链", "", "https://evil.example/", "k:3")
    client.force_login(ada)
    response = client.post(reverse("people:notification_read", args=[note.pk]), {"open": "1"})
    assert response["Location"] == reverse("people:inbox")


def _badge(user) -> int:
    user.refresh_from_db(fields=["unread_notifications"])
    return user.unread_notifications


def test_the_badge_count_follows_new_rows_and_reading_without_a_query_of_its_own(
    client, tell, django_assert_num_queries
):
    ada, bo = make_user("ada"), make_user("bo")
    (first,) = tell([ada], "x", "一", "", "/", "k:10")
    tell([ada, bo], "x", "二", "", "/", "k:11")
    tell([ada], "x", "二", "", "/", "k:11")  # the same fact again: no new row, no new count
    assert (_badge(ada), _badge(bo)) == (2, 1)
    client.force_login(ada)
    client.post(reverse("people:notification_read", args=[first.pk]))
    client.post(reverse("people:notification_read", args=[first.pk]))  # read twice counts once
    assert (_badge(ada), _badge(bo)) == (1, 1)
    ada.refresh_from_db()
    with django_assert_num_queries(0):  # the header's menu for a person with no role: the badge reads no row
        badges = {item["key"]: item["badge"] for item in nav_for(ada) if item["key"] == "inbox"}
    assert badges == {"inbox": 1}
    client.post(reverse("people:inbox_read_all"))
    assert (_badge(ada), _badge(bo)) == (0, 1)


def test_a_drifted_badge_is_recounted_when_she_reads(client, tell):
    ada = make_user("ada")
    (note,) = tell([ada], "x", "一", "", "/", "k:20")
    tell([ada], "x", "二", "", "/", "k:21")
    type(ada).objects.filter(pk=ada.pk).update(unread_notifications=9)
    client.force_login(ada)
    client.post(reverse("people:notification_read", args=[note.pk]))
    assert _badge(ada) == 1


def test_a_class_is_told_in_a_fixed_number_of_queries(tell, django_assert_num_queries):
    students = [make_user(f"s{n}") for n in range(30)]
    tell(students[:5], "x", "一", "", "/", "k:30")  # five already told: not again
    # The told rows read, the new rows in one insert, the badges raised in one update (and the savepoints).
    with django_assert_num_queries(7):
        created = notify(students, "x", "一", "", "/", "k:30")
    assert [row.user for row in created] == students[5:]
    assert Notification.objects.filter(dedupe_key__startswith="k:30:").count() == 30


def test_when_the_one_insert_collides_each_is_told_row_by_row_and_once(tell, monkeypatch):
    ada, bo = make_user("ada"), make_user("bo")
    (told,) = tell([ada], "x", "一", "", "/", "k:41")
    manager = type(Notification.objects)
    real_bulk_create = manager.bulk_create

    def colliding_bulk_create(self, rows, *args, **kwargs):
        # What the insert meets when another run told someone between this run's read and its write.
        from django.db import IntegrityError  # noqa: PLC0415

        monkeypatch.setattr(manager, "bulk_create", real_bulk_create)
        raise IntegrityError("UNIQUE constraint failed: people_notification.dedupe_key")

    monkeypatch.setattr(manager, "bulk_create", colliding_bulk_create)
    created = tell([ada, bo], "x", "一", "", "/", "k:41")
    assert [row.user for row in created] == [bo]  # told row by row after the collision; Ada not again
    assert Notification.objects.get(user=bo, dedupe_key__startswith="k:41:").pk == created[0].pk
    assert Notification.objects.filter(user=ada, dedupe_key__startswith="k:41:").count() == 1
