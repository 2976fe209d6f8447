"""The integrity rules for quiz attempts and lesson progress, run on the server when a record is written.

A submitted attempt or a finished lesson is checked against four rules (classroom/signals.py calls
`check_attempt` and `check_lesson_progress`):

- **Shared device** — another student's record on the same device id within SHARED_DEVICE_MINUTES of this one.
  One browser holds one session, so two students on one device take turns; a device that passes from one class
  to another class at the bell (a computer room) is normal, so a gap between the two records only counts when
  the students are classmates; records that overlap in time always count. Every student involved is flagged.
- **Shared network** — outside school hours, at least NETWORK_HOME_STUDENTS students of one school on one
  network hash within SHARED_NETWORK_MINUTES of each other (a home holds siblings, not a class). In school
  hours a class on the school's network, and a computer room whose devices serve a new class every period, are
  the normal case and are not flagged by the network alone; a carrier's shared address (CGNAT) puts strangers
  of many schools on one network, so only students of the same school count. Every student involved is flagged.
- **After a staff password reset** — the record was made within RESET_HOURS after a staff member reset the
  student's password, from the device or network of that reset or of that staff member's later sign-ins.
- **Quiz signals** — the codes quizzes writes into `Attempt.flags` at submit (too fast, empty answers, same
  position) are mirrored as flags, so the review queue and the figures see them. A paper closed at its deadline
  is not: running out of time is no anomaly.

A flag never changes the record; whether flagged records count is the plan's choice. Thresholds live in
settings.QINGDUN (keys prefixed INTEGRITY_) with the defaults below. The work per record is a handful of
queries on indexed columns (device id, network, audit action), bounded by the windows.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Model, Q
from django.utils import timezone

from core.models import AuditEvent
from people.models import Enrollment, School, SchoolClass, Student
from quizzes.models import Attempt

from ..models import FlagRule, FlagStatus, IntegrityFlag, LessonProgress
from .flags import raise_flag

RESET_EVENT = "people.password_reset"
SIGNIN_EVENT = "signin"

DEFAULTS = {
    "INTEGRITY_SHARED_DEVICE_MINUTES": 10,
    "INTEGRITY_SHARED_DEVICE_STUDENTS": 2,
    "INTEGRITY_SHARED_NETWORK_MINUTES": 30,
    # How long after its start an attempt is taken to be on the device and network it started from.
    "INTEGRITY_ATTEMPT_SPAN_MINUTES": 60,
    "INTEGRITY_NETWORK_HOME_STUDENTS": 3,
    # Local time (settings.TIME_ZONE); Monday is 0.
    "INTEGRITY_SCHOOL_DAY_STARTS": "07:00",
    "INTEGRITY_SCHOOL_DAY_ENDS": "18:00",
    "INTEGRITY_SCHOOL_WEEKDAYS": (0, 1, 2, 3, 4),
    "INTEGRITY_RESET_HOURS": 24,
}

# Rules computed here from device, network and audit trail; a quiz code of the same name is not mirrored over
# them (quizzes' own "shared_device" guess at start would overwrite this module's evidence).
SERVER_RULES = {FlagRule.SHARED_DEVICE, FlagRule.SHARED_NETWORK, FlagRule.AFTER_PASSWORD_RESET}
# A paper the server closed at its deadline says the student ran out of time, not that someone cheated: it stays
# a note on the teacher's results and is never a flag that would leave an honest attempt out of the figures.
NOT_FLAGS = {FlagRule.AUTO_SUBMITTED}

ATTEMPT = "attempt"
LESSON_PROGRESS = "lesson_progress"
# What the rules read of a neighbouring record (an attempt's paper and answer key are large and not needed).
ATTEMPT_FIELDS = ("student_id", "school_id", "school_class_id", "device_id", "network", "started_at", "submitted_at")
PROGRESS_FIELDS = (
    "student_id",
    "device_id",
    "network",
    "first_opened_at",
    "last_seen_at",
    "active_seconds",
    "completed_at",
)


def _setting(name: str):
    return getattr(settings, "QINGDUN", {}).get(name, DEFAULTS[name])


def _minutes(name: str) -> datetime.timedelta:
    return datetime.timedelta(minutes=_setting(name))


def _iso(moment: datetime.datetime) -> str:
    # One offset for every stored time, so evidence compares and sorts the same however the time was loaded.
    return moment.astimezone(datetime.UTC).isoformat()


@dataclass(frozen=True)
class Record:
    """One attempt or lesson progress as the rules see it: who, where, and the span the server saw it earned."""

    kind: str
    subject: Model
    student_id: int
    school_id: int
    device: str
    network: str
    start: datetime.datetime
    end: datetime.datetime
    counts: bool  # a submitted attempt or a finished lesson: what the figures read, so what gets flagged

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.subject.pk)

    def gap(self, other: "Record") -> datetime.timedelta:
        """How far apart the two spans are; zero when they overlap."""
        return max(datetime.timedelta(0), max(self.start, other.start) - min(self.end, other.end))

    def as_evidence(self) -> dict:
        return {
            "kind": self.kind,
            "id": self.subject.pk,
            "student": self.student_id,
            "start": _iso(self.start),
            "end": _iso(self.end),
        }


def attempt_record(attempt: Attempt) -> Record:
    return Record(
        kind=ATTEMPT,
        subject=attempt,
        student_id=attempt.student_id,
        school_id=attempt.school_id,
        device=attempt.device_id or "",
        network=attempt.network or "",
        start=attempt.started_at,
        # The device and network are those of the start; an attempt left open and submitted the next day from
        # elsewhere must not overlap everyone who used that device in between.
        end=min(
            max(attempt.submitted_at or attempt.started_at, attempt.started_at),
            attempt.started_at + _minutes("INTEGRITY_ATTEMPT_SPAN_MINUTES"),
        ),
        counts=attempt.submitted_at is not None,
    )


def progress_record(progress: LessonProgress, school_id: int) -> Record:
    # The stored device and network are those of the latest heartbeat that earned time, so the span ends there
    # and reaches back as far as the reading time credited (never before the lesson was first opened).
    end = progress.last_seen_at
    start = max(progress.first_opened_at, end - datetime.timedelta(seconds=progress.active_seconds))
    return Record(
        kind=LESSON_PROGRESS,
        subject=progress,
        student_id=progress.student_id,
        school_id=school_id,
        device=progress.device_id or "",
        network=progress.network or "",
        start=min(start, end),
        end=end,
        counts=progress.completed_at is not None,
    )


# --- entry points ----------------------------------------------------------------------------------


def check_attempt(attempt: Attempt, now=None) -> list[IntegrityFlag]:
    """Run every rule on a submitted attempt; return the flags raised or given new evidence."""
    if attempt.submitted_at is None:
        return []
    record = attempt_record(attempt)
    return [
        *shared_device(record, now=now),
        *shared_network(record, now=now),
        *after_password_reset(record, attempt.submitted_at, now=now),
        *mirror_attempt_flags(attempt, now=now),
    ]


def check_lesson_progress(progress: LessonProgress, now=None) -> list[IntegrityFlag]:
    """Run the device, network and password-reset rules on a finished lesson; return the flags raised or changed."""
    if progress.completed_at is None:
        return []
    school_id = Student.objects.filter(pk=progress.student_id).values_list("school_id", flat=True).first()
    if school_id is None:
        return []
    record = progress_record(progress, school_id)
    return [
        *shared_device(record, now=now),
        *shared_network(record, now=now),
        *after_password_reset(record, progress.completed_at, now=now),
    ]


# --- shared device and shared network --------------------------------------------------------------


def _neighbours(record: Record, field: str, value: str, window: datetime.timedelta, **scope) -> list[Record]:
    """Other students' records with the same device or network whose spans come within `window` of `record`."""
    since, until = record.start - window, record.end + window
    attempts = (
        Attempt.objects.filter(**{field: value}, **scope)
        .filter(started_at__lte=until)
        .filter(Q(submitted_at__gte=since) | Q(submitted_at__isnull=True, started_at__gte=since))
        .exclude(student_id=record.student_id)
        .only(*ATTEMPT_FIELDS)
    )
    found = [attempt_record(attempt) for attempt in attempts]
    progress_scope = {"student__school_id": scope["school_id"]} if "school_id" in scope else {}
    progress_rows = (
        LessonProgress.objects.filter(**{field: value}, **progress_scope)
        .filter(last_seen_at__gte=since, first_opened_at__lte=until)
        .exclude(student_id=record.student_id)
        .annotate(student_school_id=F("student__school_id"))
        .only(*PROGRESS_FIELDS)
    )
    found += [progress_record(progress, progress.student_school_id) for progress in progress_rows]
    return [other for other in found if other.gap(record) <= window and other.key != record.key]


def _classes_of(student_ids, day: datetime.date) -> dict[int, int]:
    return dict(
        Enrollment.objects.filter(
            student_id__in=list(student_ids), school_year__starts_on__lte=day, school_year__ends_on__gte=day
        ).values_list("student_id", "school_class_id")
    )


def _local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def shared_device(record: Record, now=None) -> list[IntegrityFlag]:
    if not record.device:
        return []
    window = _minutes("INTEGRITY_SHARED_DEVICE_MINUTES")
    near = _neighbours(record, "device_id", record.device, window)
    if not near:
        return []
    classes = _classes_of({record.student_id, *(other.student_id for other in near)}, _local_day(record.end))

    def classmates(a: int, b: int) -> bool:
        # A student without a class this year cannot be told apart from a classmate: count her.
        return classes.get(a) is None or classes.get(b) is None or classes[a] == classes[b]

    shared = [
        other
        for other in near
        if other.gap(record) == datetime.timedelta(0) or classmates(other.student_id, record.student_id)
    ]
    group = [record, *shared]
    if len({item.student_id for item in group}) < _setting("INTEGRITY_SHARED_DEVICE_STUDENTS"):
        return []
    base = {"device": record.device, "window_minutes": _setting("INTEGRITY_SHARED_DEVICE_MINUTES")}
    return _flag_group(group, FlagRule.SHARED_DEVICE, record.device, base, classes, now)


def in_school_hours(moment: datetime.datetime) -> bool:
    local = timezone.localtime(moment)
    starts = datetime.time.fromisoformat(_setting("INTEGRITY_SCHOOL_DAY_STARTS"))
    ends = datetime.time.fromisoformat(_setting("INTEGRITY_SCHOOL_DAY_ENDS"))
    return local.weekday() in tuple(_setting("INTEGRITY_SCHOOL_WEEKDAYS")) and starts <= local.time() < ends


def shared_network(record: Record, now=None) -> list[IntegrityFlag]:
    """Several students of one school on one network outside school hours.

    In school hours a whole class on the school's network is the normal case, and a computer room's devices
    pass from one class to the next every period, so there the network says nothing that the device rule
    (one device, several students) and the reset rule (the staff member's network) do not already say.
    """
    if not record.network or in_school_hours(record.end):
        return []
    window = _minutes("INTEGRITY_SHARED_NETWORK_MINUTES")
    # Only students of one school: a carrier's shared address mixes strangers from many schools, a faked batch
    # belongs to one.
    near = _neighbours(record, "network", record.network, window, school_id=record.school_id)
    group = [record, *near]
    if len({item.student_id for item in group}) < _setting("INTEGRITY_NETWORK_HOME_STUDENTS"):
        return []
    base = {
        "network": record.network,
        "window_minutes": _setting("INTEGRITY_SHARED_NETWORK_MINUTES"),
        "devices": len({item.device for item in group if item.device}),
    }
    classes = _classes_of({item.student_id for item in group}, _local_day(record.end))
    return _flag_group(group, FlagRule.SHARED_NETWORK, record.network, base, classes, now)


def _flag_group(group: list[Record], rule, group_key: str, base: dict, classes: dict, now) -> list[IntegrityFlag]:
    """Flag every counting record of the group, each with the group's records and the other students as evidence;
    return the flags raised or given new evidence.

    A record may be found from several sides as new records arrive; its open flag keeps the union of what every
    finding saw (the earliest EVIDENCE_RECORDS of them), so a later, smaller group does not shrink the evidence
    and a large group stops rewriting it.
    """
    students = Student.objects.select_related("user").in_bulk({item.student_id for item in group})
    flagged = [item for item in group if item.counts]
    previous = _previous_evidence(flagged, rule)
    schools = School.objects.in_bulk({item.school_id for item in flagged})
    school_classes = SchoolClass.objects.in_bulk({_class_id(item, classes) for item in flagged} - {None})
    names = {pk: student.user.full_name for pk, student in students.items()}
    records = [item.as_evidence() for item in group]
    flags = []
    for item in flagged:
        earlier = previous.get(_subject_key(item.subject), {})
        known = {**{other["id"]: other["name"] for other in earlier.get("others", [])}, **names}
        evidence = {**base, **_group_evidence([*earlier.get("records", []), *records], item.student_id, known)}
        if evidence == earlier:
            continue  # already flagged with all of this: no write
        flags.append(
            raise_flag(
                item.subject,
                rule,
                school=schools[item.school_id],
                school_class=school_classes.get(_class_id(item, classes)),
                student=students[item.student_id],
                group=group_key,
                evidence=evidence,
                now=now,
            )
        )
    return flags


EVIDENCE_RECORDS = 50


def _group_evidence(records: list[dict], student_id: int, names: dict[int, str]) -> dict:
    unique = {(entry["kind"], entry["id"]): entry for entry in records}
    listed = sorted(unique.values(), key=lambda entry: (entry["start"], entry["kind"], entry["id"]))
    listed = listed[:EVIDENCE_RECORDS]
    others = sorted({entry["student"] for entry in listed} - {student_id})
    return {
        "from": listed[0]["start"],
        "until": max(entry["end"] for entry in listed),
        "others": [{"id": pk, "name": names.get(pk, "")} for pk in others],
        "records": listed,
    }


def _class_id(item: Record, classes: dict) -> int | None:
    # An attempt keeps the class the student was in when it started; lesson progress has only the enrollment.
    if item.kind == ATTEMPT:
        return item.subject.school_class_id
    return classes.get(item.student_id)


def _subject_key(subject: Model) -> tuple[int, int]:
    return (ContentType.objects.get_for_model(subject).pk, subject.pk)


def _previous_evidence(flagged: list[Record], rule) -> dict[tuple[int, int], dict]:
    """The evidence of the open flags these records already carry under `rule`, by (content type, id)."""
    if not flagged:
        return {}
    wanted = Q(pk__in=[])
    for item in flagged:
        content_type_id, object_id = _subject_key(item.subject)
        wanted |= Q(content_type_id=content_type_id, object_id=object_id)
    rows = IntegrityFlag.objects.filter(wanted, rule=rule, status=FlagStatus.OPEN).only(
        "content_type_id", "object_id", "evidence"
    )
    return {(flag.content_type_id, flag.object_id): flag.evidence for flag in rows}


# --- after a staff password reset ------------------------------------------------------------------


def after_password_reset(record: Record, moment: datetime.datetime, now=None) -> list[IntegrityFlag]:
    """Flag a record made soon after a staff member reset the student's password, from that staff member's place.

    The place is the device and network the reset came from (core.audit keeps both with every event made in a
    request) and those of the staff member's own sign-ins since; the newest matching reset is the evidence.
    """
    if not (record.device or record.network):
        return []
    student = Student.objects.select_related("user", "school").get(pk=record.student_id)
    hours = _setting("INTEGRITY_RESET_HOURS")
    resets = AuditEvent.objects.filter(
        action=RESET_EVENT,
        target=student.user.get_username(),
        at__gte=moment - datetime.timedelta(hours=hours),
        at__lte=moment,
    ).order_by("-at", "-pk")
    for reset in resets:
        places = [("reset", reset)]
        if reset.actor_id is not None:
            signins = AuditEvent.objects.filter(
                action=SIGNIN_EVENT, actor_id=reset.actor_id, at__gte=reset.at, at__lte=moment
            ).order_by("at", "pk")
            places += [("signin", signin) for signin in signins]
        matched = _matching_places(record, places)
        if not matched:
            continue
        evidence = {
            "reset_by": {"id": reset.actor_id, "name": _staff_name(reset)},
            "reset_at": _iso(reset.at),
            "record_at": _iso(moment),
            "hours": hours,
            "matched": matched,
        }
        by_device = any(entry["by"] == "device" for entry in matched)
        school_class = None
        if record.kind == ATTEMPT:
            school_class = record.subject.school_class
        else:
            class_id = _classes_of([record.student_id], _local_day(moment)).get(record.student_id)
            school_class = SchoolClass.objects.filter(pk=class_id).first() if class_id else None
        return [
            raise_flag(
                record.subject,
                FlagRule.AFTER_PASSWORD_RESET,
                school=student.school if record.kind == LESSON_PROGRESS else record.subject.school,
                school_class=school_class,
                student=student,
                group=record.device if by_device else record.network,
                evidence=evidence,
                now=now,
            )
        ]
    return []


def _staff_name(event: AuditEvent) -> str:
    if event.actor is not None:
        return event.actor.full_name or event.actor.get_username()
    return event.actor_name


def _matching_places(record: Record, places) -> list[dict]:
    """Which of the staff member's recorded devices and networks the record came from, first sighting of each."""
    matched, seen = [], set()
    for source, event in places:
        details = event.details or {}
        for by, value in (("device", record.device), ("network", record.network)):
            if value and details.get(by) == value and by not in seen:
                seen.add(by)
                matched.append({"by": by, "value": value, "seen_in": source, "at": _iso(event.at)})
    return matched


# --- quiz signals --------------------------------------------------------------------------------


def mirror_attempt_flags(attempt: Attempt, now=None) -> list[IntegrityFlag]:
    """Raise a flag for each code quizzes wrote into `attempt.flags` (too fast, empty answers, ...)."""
    codes = [code for code in attempt.flags or [] if code in FlagRule.values and code not in SERVER_RULES | NOT_FLAGS]
    if not codes or attempt.submitted_at is None:
        return []
    answered = attempt.answers.exclude(chosen=[]).count()
    evidence = {
        "seconds": round((attempt.submitted_at - attempt.started_at).total_seconds(), 1),
        "questions": len(attempt.paper or []),
        "answered": answered,
        "submitted_at": _iso(attempt.submitted_at),
    }
    return [
        raise_flag(
            attempt,
            code,
            school=attempt.school,
            school_class=attempt.school_class,
            student=attempt.student,
            evidence={**evidence, "code": code},
            now=now,
        )
        for code in sorted(set(codes))
    ]
