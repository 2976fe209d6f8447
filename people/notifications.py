"""Delivery of notifications: the inbox row, then e-mail and an optional webhook, sent by a task after commit.

`notify` is the one way anything tells a person something (docs/operations.md, "Reminders and notifications").
It knows no domain: producers in the app that owns the facts (classroom/reminders.py, plans/reminders.py) decide
who is told what and name the fact in a dedupe key, so a daily run never tells anyone twice.
The request (or the producer's task) only writes rows; mail and the webhook run in `deliver_notifications`,
so a slow mail server or gateway never holds a request.
"""

import datetime
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Notification, User

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Qingdun-Signature"
WEBHOOK_TIMEOUT_SECONDS = 5
WEBHOOK_MAX_ATTEMPTS = 3


def _setting(name: str, default=None):
    return getattr(settings, "QINGDUN", {}).get(name, default)


def notify(users, kind: str, title: str, body: str, url: str, dedupe_key: str) -> list[Notification]:
    """Write one inbox row per user for the fact `dedupe_key` names; return the rows that are new.

    The stored key is the fact's key and the user's id, so one fact told to many people is still told once
    to each. Rows that already exist are left as they are and not sent again.
    """
    by_key = {f"{dedupe_key}:u{user.pk}"[:200]: user for user in users}
    with transaction.atomic():
        told = set(Notification.objects.filter(dedupe_key__in=by_key).values_list("dedupe_key", flat=True))
        fresh = [
            Notification(user=user, kind=kind, title=title[:200], body=body, url=url[:500], dedupe_key=key)
            for key, user in by_key.items()
            if key not in told
        ]
        try:
            # A class's worth of rows in one statement: a teacher's request (a 告家长书 sent, say) tells forty.
            with transaction.atomic():
                created = Notification.objects.bulk_create(fresh)
        except IntegrityError:
            # Another run told some of them between the read and the write: row by row, each told once.
            created = []
            for row in fresh:
                row, is_new = Notification.objects.get_or_create(
                    dedupe_key=row.dedupe_key,
                    defaults={"user": row.user, "kind": kind, "title": row.title, "body": body, "url": row.url},
                )
                if is_new:
                    created.append(row)
        if created:
            # One row per user per fact, so each new row is one more unread for its user.
            User.objects.filter(pk__in=[row.user_id for row in created]).update(
                unread_notifications=F("unread_notifications") + 1
            )
            ids = [row.pk for row in created]
            transaction.on_commit(lambda: _enqueue_delivery(ids))
    return created


def _enqueue_delivery(ids: list[int]) -> None:
    from .tasks import deliver_notifications_task

    deliver_notifications_task.enqueue(ids)


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user, rows=None) -> int:
    """Mark `rows` (a queryset of her notifications; all of them when None) read, and recount her badge.

    The count is set from the rows themselves in the same statement rather than lowered by what was marked,
    so a badge that ever drifted (a row deleted by hand, say) is right again the next time she reads."""
    rows = Notification.objects.filter(user=user) if rows is None else rows.filter(user=user)
    with transaction.atomic():
        marked = rows.filter(read_at__isnull=True).update(read_at=timezone.now())
        unread = (
            Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
            .values("user")
            .annotate(n=Count("pk"))
            .values("n")
        )
        User.objects.filter(pk=user.pk).update(unread_notifications=Coalesce(Subquery(unread), 0))
    return marked


def absolute(url: str) -> str:
    if url.startswith("/"):
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url
    return url


def deliver(ids: list[int]) -> None:
    """Mail each notification to its person if she has an address, then hand them all to the webhook."""
    rows = list(Notification.objects.filter(pk__in=ids).select_related("user").order_by("pk"))
    for row in rows:
        if not row.user.email:
            continue
        text = row.body + (f"\n\n{absolute(row.url)}" if row.url else "")
        try:
            send_mail(row.title, text, None, [row.user.email])
        except OSError:
            # One unreachable mail server must not stop the rest; the inbox row is already there.
            log.warning("notification %s: mail not sent", row.pk, exc_info=True)
    if rows and _setting("NOTIFY_WEBHOOK_URL"):
        enqueue_webhook([row.pk for row in rows], attempt=1)


def webhook_payload(rows) -> dict:
    """The documented body (docs/operations.md, "Webhook"): one event per notification."""
    return {
        "version": 1,
        "events": [
            {
                "id": row.pk,
                "kind": row.kind,
                "user": {"id": row.user_id, "username": row.user.get_username(), "email": row.user.email},
                "title": row.title,
                "body": row.body,
                "url": absolute(row.url) if row.url else "",
                "created_at": row.created_at.isoformat(),
            }
            for row in rows
        ],
    }


def sign(body: bytes) -> str:
    secret = (_setting("NOTIFY_WEBHOOK_SECRET") or "").encode()
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def post_webhook(ids: list[int]) -> bool:
    """POST the notifications to the gateway; True when it answered 2xx."""
    rows = list(Notification.objects.filter(pk__in=ids).select_related("user").order_by("pk"))
    if not rows:
        return True
    url = _setting("NOTIFY_WEBHOOK_URL")
    if not str(url).startswith(("https://", "http://")):
        return False  # only a web gateway: never file:// or another scheme urllib would open
    body = json.dumps(webhook_payload(rows), ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 (the operator's own configured https/http URL)
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", SIGNATURE_HEADER: sign(body)},
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310  # nosec B310  # scheme checked above: http(s) only
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        log.warning("notification webhook failed for %s", ids, exc_info=True)
        return False


def enqueue_webhook(ids: list[int], attempt: int) -> None:
    from .tasks import post_webhook_task

    task = post_webhook_task
    if attempt > 1 and task.get_backend().supports_defer:
        # Back off: 1, then 4 minutes, so a gateway restarting is given time.
        task = task.using(run_after=timezone.now() + datetime.timedelta(minutes=(attempt - 1) ** 2))
    task.enqueue(ids, attempt)


def post_with_retry(ids: list[int], attempt: int) -> bool:
    if post_webhook(ids):
        return True
    if attempt < WEBHOOK_MAX_ATTEMPTS:
        enqueue_webhook(ids, attempt + 1)
    else:
        log.error("notification webhook gave up after %s attempts for %s", attempt, ids)
    return False
