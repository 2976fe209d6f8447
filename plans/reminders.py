"""Reminders of the bureau's side (docs/operations.md, "Reminders and notifications"): 整改 deadlines of ledger
items returned for rectification, to the school's administrators, and a published 通报 to the administrators of
the schools it names. Each fact is told once (people/notifications.py dedupe keys); a new deadline set by a
second return is a new fact.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task

from people.models import RoleKind
from people.notifications import notify

from .models import Bulletin, LedgerItem, LedgerState

RECTIFICATION_SOON_DAYS = 3


def school_admins(school_ids) -> list:
    return list(
        get_user_model()
        .objects.filter(roles__kind=RoleKind.SCHOOL_ADMIN, roles__school_id__in=school_ids, is_active=True)
        .distinct()
        .order_by("pk")
    )


def send_rectification_reminders(today: datetime.date | None = None) -> int:
    """Tell each school's administrators of its returned items due within RECTIFICATION_SOON_DAYS or past due;
    return how many notifications are new."""
    today = today or timezone.localdate()
    items = list(
        LedgerItem.objects.filter(
            state=LedgerState.RETURNED,
            due_on__isnull=False,
            due_on__lte=today + datetime.timedelta(days=RECTIFICATION_SOON_DAYS),
        )
        .select_related("school", "task")
        .order_by("school_id", "due_on", "pk")
    )
    admins: dict[int, list] = {}
    sent = 0
    with override(settings.LANGUAGE_CODE):
        for item in items:
            if item.school_id not in admins:
                admins[item.school_id] = school_admins([item.school_id])
            values = {"task": item.task.title, "school": item.school.name, "due": item.due_on.isoformat()}
            if item.due_on < today:
                kind = "plans.rectification_overdue"
                title = _("Rectification deadline passed: %(task)s") % values
                body = _("%(school)s: the rectification of “%(task)s” was due on %(due)s and has not been resubmitted.")
            else:
                kind = "plans.rectification_due"
                title = _("Rectification due soon: %(task)s") % values
                body = _("%(school)s: the rectification of “%(task)s” is due on %(due)s.")
            sent += len(
                notify(
                    admins[item.school_id],
                    kind,
                    title,
                    body % values,
                    reverse("plans:ledger_item", args=[item.pk]),
                    f"{kind}:i{item.pk}:{item.due_on.isoformat()}",
                )
            )
    return sent


def announce_bulletin(bulletin: Bulletin) -> int:
    """Tell the administrators of every school a just-published 通报 names."""
    school_ids = list(bulletin.schools.values_list("pk", flat=True))
    if not school_ids:
        return 0
    with override(settings.LANGUAGE_CODE):
        return len(
            notify(
                school_admins(school_ids),
                "plans.bulletin_published",
                _("Bulletin published: %(title)s") % {"title": bulletin.title},
                _("The bureau has published a bulletin that names your school. Read it and act on what it asks."),
                reverse("plans:bulletin", args=[bulletin.pk]),
                f"plans.bulletin_published:b{bulletin.pk}",
            )
        )


@task()
def send_rectification_reminders_task() -> int:
    """The daily reminders of 整改 deadlines, for a scheduler that enqueues tasks; `send_reminders` runs the same."""
    return send_rectification_reminders()
