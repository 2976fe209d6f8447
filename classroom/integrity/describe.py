"""A flag's evidence in words, for the review screens: which group, which records, what the rule measured.

A group is shown by a short label derived from its value, never the value itself: a network group is a keyed
hash and a device group the id in a student's cookie, and neither belongs on a screen or in a URL.
"""

import datetime
import hashlib
import ipaddress
import re
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from people import scope

from ..models.integrity import FlagRule, IntegrityFlag

DEVICE, NETWORK = "device", "network"
# core.clientid: a network is the first 32 hex digits of an HMAC; a device id is a 24-character url-safe token.
_NETWORK_SHAPE = re.compile(r"[0-9a-f]{32}")
_DEVICE_SHAPE = re.compile(r"[A-Za-z0-9_\-]{24}")

# What the rules write into `evidence`, in words. A key missing here is still shown, under its own name.
EVIDENCE_LABELS = {
    "seconds": gettext_lazy("Time taken (seconds)"),
    "duration_seconds": gettext_lazy("Time taken (seconds)"),
    "seconds_per_question": gettext_lazy("Seconds per question"),
    "min_seconds": gettext_lazy("Least plausible time (seconds)"),
    "expected_seconds": gettext_lazy("Expected time (seconds)"),
    "threshold_seconds": gettext_lazy("Least plausible time (seconds)"),
    "questions": gettext_lazy("Questions"),
    "answered": gettext_lazy("Questions answered"),
    "unanswered": gettext_lazy("Questions left unanswered"),
    "position": gettext_lazy("Answer position chosen"),
    "pattern": gettext_lazy("Answer pattern"),
    "share": gettext_lazy("Share of answers in that position"),
    "students": gettext_lazy("Students involved"),
    "student_count": gettext_lazy("Students involved"),
    "count": gettext_lazy("Records involved"),
    "window_start": pgettext_lazy("date range", "From"),
    "window_end": gettext_lazy("Until"),
    "first_at": gettext_lazy("First seen"),
    "last_at": gettext_lazy("Last seen"),
    "reset_at": gettext_lazy("Password reset at"),
    "reset_by": gettext_lazy("Password reset by"),
    "staff": gettext_lazy("Staff member"),
    "minutes_after_reset": gettext_lazy("Minutes after the reset"),
    "hours": gettext_lazy("Class hours that day"),
    "day_hours": gettext_lazy("Class hours that day"),
    "limit": gettext_lazy("Limit"),
    "max_hours": gettext_lazy("Most a school day holds"),
    "present": gettext_lazy("Present"),
    "enrolled": gettext_lazy("Enrolled"),
    "participants": gettext_lazy("Participants"),
    "roll": gettext_lazy("Students on the roll"),
    "date": gettext_lazy("Date"),
    "year_start": gettext_lazy("School year starts"),
    "year_end": gettext_lazy("School year ends"),
    # classroom.integrity.rules
    "device": gettext_lazy("Device"),
    "network": gettext_lazy("Network"),
    "window_minutes": gettext_lazy("Window (minutes)"),
    "from": pgettext_lazy("date range", "From"),
    "until": gettext_lazy("Until"),
    "others": gettext_lazy("Other students"),
    "records": gettext_lazy("Records involved"),
    "devices": gettext_lazy("Devices seen"),
    "record_at": gettext_lazy("Finished at"),
    "matched": gettext_lazy("Matched the staff member's"),
    "code": gettext_lazy("Rule code"),
}


@dataclass(frozen=True)
class Record:
    label: str
    url: str | None = None


# --- groups ------------------------------------------------------------------------------------------------


def group_kind(flag: IntegrityFlag) -> str:
    if not flag.group:
        return ""
    if flag.rule == FlagRule.SHARED_DEVICE:
        return DEVICE
    if flag.rule == FlagRule.SHARED_NETWORK:
        return NETWORK
    stated = (flag.evidence or {}).get("group_kind")
    if stated in (DEVICE, NETWORK):
        return stated
    return NETWORK if _NETWORK_SHAPE.fullmatch(flag.group) else DEVICE


def short_code(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:6].upper()


def group_label(flag: IntegrityFlag) -> str:
    if not flag.group:
        return ""
    code = short_code(flag.group)
    if group_kind(flag) == NETWORK:
        return _("Network %(code)s") % {"code": code}
    return _("Device %(code)s") % {"code": code}


# --- the rule's measurements -----------------------------------------------------------------------------


def _when(value: datetime.datetime) -> str:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "Y-m-d H:i")


def _looks_like_group(value: str) -> bool:
    if _NETWORK_SHAPE.fullmatch(value):
        return True
    # Random tokens mix cases; the words a rule writes ("same_position") do not.
    return bool(_DEVICE_SHAPE.fullmatch(value)) and value.lower() != value and value.upper() != value


def _value(value, group: str):
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float):
        return formats.number_format(value, decimal_pos=None if isinstance(value, int) else 1)
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        # Lists of people, records or matches the rules wrote: the names where there are names, else the count.
        names = [str(item["name"]) for item in value if item.get("name")]
        if names:
            return ", ".join(names[:10]) + ("…" if len(names) > 10 else "")
        matched = [str(item["by"]) for item in value if item.get("by")]
        if matched:
            return ", ".join(sorted(set(matched)))
        return formats.number_format(len(value))
    if isinstance(value, list):
        shown = [str(_value(item, group)) for item in value[:10] if not isinstance(item, dict | list)]
        return ", ".join(shown) + ("…" if len(value) > 10 else "")
    if not isinstance(value, str):
        return ""
    try:
        ipaddress.ip_address(value)
    except ValueError:
        pass
    else:
        return _("(an address: not shown)")
    moment = parse_datetime(value) if "T" in value or " " in value else None
    if moment is not None:
        return _when(moment)
    if value == group or _looks_like_group(value):
        # A device id or network hash: shown as a label, so two mentions of one group still look alike.
        return _("group %(code)s") % {"code": short_code(value)}
    return value[:200]


def evidence_lines(flag: IntegrityFlag) -> list[tuple[str, str]]:
    lines = []
    for key, value in (flag.evidence or {}).items():
        if key == "group_kind":
            continue
        items = value.items() if isinstance(value, dict) else [(None, value)]
        for sub, item in items:
            if isinstance(item, dict):
                continue
            label = EVIDENCE_LABELS.get(key) or _("Detail “%(key)s”") % {"key": key}
            if sub is not None:
                label = f"{label} · {sub}"
            lines.append((str(label), str(_value(item, flag.group))))
    return lines


# --- the records involved ---------------------------------------------------------------------------------


def _url(name: str, *args) -> str:
    return reverse(name, args=args)


def _attempts(ids, user, flags_by_id):
    from quizzes.models import Attempt
    from quizzes.permissions import can_see_results

    may_see = can_see_results(user)
    out = {}
    for attempt in Attempt.objects.filter(pk__in=ids).select_related("quiz"):
        taken = ""
        if attempt.submitted_at:
            seconds = int((attempt.submitted_at - attempt.started_at).total_seconds())
            taken = _("submitted %(when)s after %(seconds)s s, %(percent)s%%") % {
                "when": _when(attempt.submitted_at),
                "seconds": seconds,
                "percent": formats.number_format(attempt.percent or 0, 0),
            }
        else:
            taken = _("started %(when)s, not submitted") % {"when": _when(attempt.started_at)}
        label = _("Quiz “%(quiz)s”, attempt %(number)s: %(taken)s") % {
            "quiz": attempt.quiz.title,
            "number": attempt.number,
            "taken": taken,
        }
        out[attempt.pk] = Record(label, _url("quizzes:results", attempt.quiz_id) if may_see else None)
    return out


def _progress(ids, user, flags_by_id):
    from ..models import LessonProgress

    visible_classes = set(scope.classes_for(user).values_list("pk", flat=True))
    out = {}
    for progress in LessonProgress.objects.filter(pk__in=ids).select_related("lesson"):
        if progress.completed_at:
            state = _("finished %(when)s") % {"when": _when(progress.completed_at)}
        else:
            state = _("not finished, last seen %(when)s") % {"when": _when(progress.last_seen_at)}
        label = _("Lesson “%(lesson)s”: %(minutes)s min of reading time, %(state)s") % {
            "lesson": progress.lesson.title,
            "minutes": progress.active_seconds // 60,
            "state": state,
        }
        class_ids = {f.school_class_id for f in flags_by_id.get(progress.pk, [])} & visible_classes
        url = _url("classroom:class_progress", min(class_ids)) if class_ids else None
        out[progress.pk] = Record(label, url)
    return out


def _class_hours(ids, user, flags_by_id):
    from ..models import ClassHourLog

    changeable = set(
        scope.in_taught_classes_for(user, ClassHourLog.objects.all()).filter(pk__in=ids).values_list("pk", flat=True)
    )
    visible_classes = set(scope.classes_for(user).values_list("pk", flat=True))
    out = {}
    for log in ClassHourLog.objects.filter(pk__in=ids).select_related("school_class__school"):
        label = _("Class-hour log of %(day)s for %(class)s: %(hours)s class hours, %(present)s present") % {
            "day": formats.date_format(log.taught_on, "Y-m-d"),
            "class": log.school_class.name,
            "hours": formats.number_format(log.class_hours),
            "present": log.students_present,
        }
        if log.pk in changeable:
            url = _url("classroom:class_hour_edit", log.pk)
        elif log.school_class_id in visible_classes:
            url = _url("classroom:class_progress", log.school_class_id)
        else:
            url = None
        out[log.pk] = Record(label, url)
    return out


def _activities(ids, user, flags_by_id):
    from ..models import Activity

    visible = set(scope.in_schools_for(user, Activity.objects.all()).filter(pk__in=ids).values_list("pk", flat=True))
    out = {}
    for activity in Activity.objects.filter(pk__in=ids):
        label = _("Activity “%(title)s” on %(day)s: %(participants)s participants") % {
            "title": activity.title,
            "day": formats.date_format(activity.held_on, "Y-m-d"),
            "participants": activity.participants,
        }
        out[activity.pk] = Record(label, _url("classroom:activity", activity.pk) if activity.pk in visible else None)
    return out


_LOADERS = {
    "quizzes.attempt": _attempts,
    "classroom.lessonprogress": _progress,
    "classroom.classhourlog": _class_hours,
    "classroom.activity": _activities,
}


def subjects_of(flags: list[IntegrityFlag], user) -> dict[int, Record]:
    """Each flag's record in words, with a link to the page that shows it where the user may open one.

    One query per kind of record, however many flags are on the page.
    """
    by_type: dict[int, dict[int, list[IntegrityFlag]]] = defaultdict(lambda: defaultdict(list))
    for flag in flags:
        by_type[flag.content_type_id][flag.object_id].append(flag)
    found: dict[int, Record] = {}
    for type_id, flags_by_id in by_type.items():
        content_type = ContentType.objects.get_for_id(type_id)
        loader = _LOADERS.get(f"{content_type.app_label}.{content_type.model}")
        records = loader(list(flags_by_id), user, flags_by_id) if loader else {}
        for object_id, its_flags in flags_by_id.items():
            record = records.get(object_id) or Record(
                _("%(kind)s %(id)s (no longer exists)") % {"kind": content_type.name, "id": object_id}
            )
            for flag in its_flags:
                found[flag.pk] = record
    return found


def student_links(flags: list[IntegrityFlag], user) -> dict[int, str]:
    """The student page of each flag's student, for the students the user may open."""
    ids = {flag.student_id for flag in flags if flag.student_id}
    visible = set(scope.students_for(user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    return {student_id: reverse("people:student_detail", args=[student_id]) for student_id in visible}


def describe(flags: list[IntegrityFlag], user, reviewable: set[int]) -> list[dict]:
    """What a review screen shows of each flag: who, when, which group, which rule, which record, what was
    measured, and whether the user may decide it (`reviewable`: the ids of those she may)."""
    subjects = subjects_of(flags, user)
    students = student_links(flags, user)
    return [
        {
            "flag": flag,
            "group_label": group_label(flag),
            "group_kind": group_kind(flag),
            "record": subjects.get(flag.pk),
            "student_url": students.get(flag.student_id),
            "lines": evidence_lines(flag),
            "can_review": flag.pk in reviewable,
        }
        for flag in flags
    ]
