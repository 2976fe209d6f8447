"""The completion rule: the one place that decides when a student has finished a lesson, a module or a quiz.

A lesson is finished when the student
  1. opened it on the platform (the reader records this on the server),
  2. read it for at least its self-study time × QINGDUN["MIN_READING_SHARE"], as measured by the server
     from the reader's heartbeats (see "reading time" below); the self-study time comes from the lesson's own
     text and videos (lessons/reading.py), not from the class length,
  3. reached its end (the end marker was seen), and
  4. passed its quiz, when it has one (the attempt that counts — best or last, as the quiz says — passed).
A module assignment is finished when all the live lessons it holds are (the module's lessons when it was
assigned, and those the teacher added since: `assignment_lessons`). A quiz assignment is finished when the
counting attempt passed (for a survey, when one attempt was submitted). Which attempt counts, and what passes, is
quizzes.counting's rule; an attempt on which a reviewer confirmed an integrity flag does not count
(`rejected_attempts`).

A finished lesson stays finished: `completed_at` is set once and never cleared, so a later edit of the lesson
does not take a certificate away.

Reading time is the server's wall clock, credited per student: a heartbeat (a POST the reader sends every
HEARTBEAT_INTERVAL seconds while the page is visible) earns the seconds since the lesson's previous signal, but
only those no other lesson of the same student has earned already (`ReadingClock.credited_until`), so three open
readers take three times as long as one. A heartbeat after a gap longer than HEARTBEAT_GAP_CAP earns nothing and
only restarts the lesson's clock: a pause, a background tab or a closed laptop adds no time. Opening the reader
earns nothing. Only a lesson currently assigned to the student's class earns time.
"""

import datetime
import math
from collections.abc import Iterable
from operator import itemgetter

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lessons.models import LessonPage, ModulePage
from lessons.reading import CHINESE_PER_MINUTE, ENGLISH_PER_MINUTE
from people.models import Student
from quizzes import counting
from quizzes.models import Attempt, Quiz

from .models import AssignmentLesson, FlagStatus, IntegrityFlag, LessonProgress, ReadingClock

HEARTBEAT_INTERVAL = 15  # seconds between two heartbeats of a visible reader (the reader page tells its script)
# A late timer or a slow network may stretch one interval a little; a longer gap is a pause and earns nothing.
HEARTBEAT_TOLERANCE = 10
HEARTBEAT_GAP_CAP = HEARTBEAT_INTERVAL + HEARTBEAT_TOLERANCE


class NotAssigned(Exception):
    """The lesson is not assigned to the student's class now (never, not yet, or withdrawn): it earns nothing."""


def reading_share() -> float:
    return float(settings.QINGDUN.get("MIN_READING_SHARE", 0.5))


def minimum_seconds(lesson: LessonPage) -> int:
    return math.ceil(lesson.reading_time.seconds * reading_share())


def minimum_minutes(lesson: LessonPage) -> int:
    """The minimum in whole minutes, rounded up, as the reader states it."""
    return max(1, math.ceil(minimum_seconds(lesson) / 60))


def rule_in_plain_words(lesson: LessonPage | None = None) -> str:
    """The rule as teachers and students read it; with a lesson, that lesson's own figures follow."""
    share = reading_share()
    primary, secondary = CHINESE_PER_MINUTE["primary_upper"], CHINESE_PER_MINUTE["junior"]
    text = _(
        "A lesson counts as finished only when the student has opened it on the platform, has spent at least "
        "%(percent)s%% of its self-study time on it, has reached its end, and has passed its quiz if it has one. "
        "The self-study time comes from the lesson itself: its text read at %(primary)s characters a minute in "
        "primary school and %(secondary)s in secondary school (%(en_primary)s and %(en_secondary)s words a minute "
        "in English), plus the running time of its videos, rounded up to whole minutes; the class length is only "
        "for lessons a teacher delivers. The time is measured by the server's clock while the lesson "
        "is assigned to the class and open and visible on the screen; a pause longer than %(gap)s seconds counts "
        "for nothing. Time counts for one lesson at a time: with several lessons open at once, each minute counts "
        "for only one of them. A module counts as finished when all its lessons are; a quiz when the attempt that "
        "counts has passed."
    ) % {
        "percent": round(share * 100),
        "primary": primary,
        "secondary": secondary,
        "en_primary": ENGLISH_PER_MINUTE["primary_upper"],
        "en_secondary": ENGLISH_PER_MINUTE["junior"],
        "gap": HEARTBEAT_GAP_CAP,
    }
    if lesson is not None:
        text += " " + _("This lesson: %(explanation)s It counts after at least %(minimum)s minutes of reading.") % {
            "explanation": lesson.reading_explanation(),
            "minimum": minimum_minutes(lesson),
        }
    return text


# --- recording what the server sees -----------------------------------------------------------------


def _whole_second(now: datetime.datetime | None) -> datetime.datetime:
    # Credited intervals run between whole seconds, so the integer seconds credited add up to the wall-clock
    # time exactly: no second is lost to rounding, and none is counted twice.
    return (now or timezone.now()).replace(microsecond=0)


def _gap_cap() -> datetime.timedelta:
    return datetime.timedelta(seconds=HEARTBEAT_GAP_CAP)


def record_open(student: Student, lesson: LessonPage, now=None) -> LessonProgress:
    """The reader was served to the student: the first time starts the record. Opening never earns time.

    When the lesson's clock has stopped (no signal for longer than the gap cap), the served page starts it again,
    so the first heartbeat counts the reading since the page arrived, not the pause before; a running clock is
    left alone, so reloading cannot stretch it.
    """
    now = _whole_second(now)
    progress, created = LessonProgress.objects.get_or_create(
        student=student, lesson=lesson, defaults={"first_opened_at": now, "last_seen_at": now}
    )
    if not created and now - progress.last_seen_at > _gap_cap():
        # Conditional on the clock still being stopped: a heartbeat committed meanwhile wins.
        if LessonProgress.objects.filter(pk=progress.pk, last_seen_at__lt=now - _gap_cap()).update(last_seen_at=now):
            progress.last_seen_at = now
    return progress


def is_assigned(student_id: int, lesson: LessonPage, today: datetime.date | None = None) -> bool:
    """Whether the lesson is given to the student now: an assignment to him (access.started_assignments) of the
    lesson, or of a module holding it, that has started and is not withdrawn (the rule `access.assigned_lessons`
    applies to the reader)."""
    from .access import started_assignments  # access builds on this module

    if not lesson.live:
        return False
    return (
        started_assignments(student_id, today)
        .filter(Q(lesson_id=lesson.pk) | Q(lesson_links__lesson_id=lesson.pk))
        .exists()
    )


def _seconds_earned(last_seen: datetime.datetime, credited_until: datetime.datetime | None, now) -> tuple[int, bool]:
    """(seconds earned, whether the student's clock moves) for a heartbeat at `now`.

    Seconds count from the lesson's previous signal, but never before what the student's other lessons have
    already earned; a gap beyond the cap is a pause and earns nothing.
    """
    if now <= last_seen or now - last_seen > _gap_cap():
        return 0, False
    start = last_seen if credited_until is None else max(last_seen, credited_until)
    if now <= start:
        return 0, False
    return int((now - start).total_seconds()), True


def record_signal(
    progress_id: int,
    lesson: LessonPage,
    *,
    now=None,
    reached_end: bool = False,
    device: str = "",
    network: str = "",
) -> LessonProgress:
    """A heartbeat (or the end marker) from an open, visible reader. Time is the server's, never the browser's.

    Raises NotAssigned, recording nothing, when the lesson is not assigned to the student's class now.
    `device` and `network` (core.clientid) are kept on the progress when this heartbeat earns time.
    """
    now = _whole_second(now)
    with transaction.atomic():
        # Lock order: the lesson's progress, then the student's clock. Every earning heartbeat of a student
        # waits for the clock, so two of them (for one lesson or two) never credit the same seconds.
        progress = LessonProgress.objects.select_for_update().get(pk=progress_id)
        if not is_assigned(progress.student_id, lesson, timezone.localdate(now)):
            raise NotAssigned
        clock, _created = ReadingClock.objects.select_for_update().get_or_create(student_id=progress.student_id)
        earned, moves = _seconds_earned(progress.last_seen_at, clock.credited_until, now)
        fields = ["last_seen_at", "reached_end_at", "completed_at"]
        if now > progress.last_seen_at:
            progress.last_seen_at = now
        if moves:
            clock.credited_until = now
            clock.save(update_fields=["credited_until"])
            progress.active_seconds += earned
            fields.append("active_seconds")
            if device or network:
                progress.device_id, progress.network = device, network
                fields += ["device_id", "network"]
        if reached_end and progress.reached_end_at is None:
            progress.reached_end_at = now
        _evaluate(progress, lesson, now)
        progress.save(update_fields=fields)
    return progress


def evaluate(progress: LessonProgress, now=None) -> bool:
    """Re-apply the rule (after a quiz was submitted); saves and returns True when the lesson became finished."""
    if progress.completed_at is not None:
        return False
    if _evaluate(progress, progress.lesson, now or timezone.now()):
        progress.save(update_fields=["completed_at"])
        return True
    return False


def _evaluate(progress: LessonProgress, lesson: LessonPage, now) -> bool:
    if progress.completed_at is not None:
        return False
    if missing_steps(progress, lesson, quiz_passed=None):
        return False
    progress.completed_at = now
    return True


def missing_steps(progress: LessonProgress | None, lesson: LessonPage, quiz_passed: bool | None) -> list[str]:
    """What still stands between the student and a finished lesson, in plain words (empty when finished).

    `quiz_passed` may be given by callers that already know it (bulk pages); None means "look it up".
    """
    if progress is not None and progress.completed_at is not None:
        return []
    steps = []
    if progress is None:
        return [_("Open the lesson")]
    if progress.active_seconds < minimum_seconds(lesson):
        remaining = math.ceil((minimum_seconds(lesson) - progress.active_seconds) / 60)
        steps.append(_("Read for about %(minutes)s more minutes") % {"minutes": remaining})
    if progress.reached_end_at is None:
        steps.append(_("Read to the end"))
    if lesson.quiz_id:
        passed = quiz_passed if quiz_passed is not None else quiz_is_passed(progress.student_id, lesson.quiz)
        if not passed:
            steps.append(_("Pass the quiz"))
    return steps


# --- quizzes ----------------------------------------------------------------------------------------


def rejected_attempts() -> QuerySet:
    """Attempts on which a reviewer confirmed an integrity flag, as ids for `pk__in`.

    Registered with quizzes.counting (apps.py), so they count on no teacher's or student's screen: not for
    completion, class progress, class results or their exports. An open flag changes nothing here; the bureau's
    figures follow the plan (plans.metrics).
    """
    return IntegrityFlag.objects.filter(
        content_type=ContentType.objects.get_for_model(Attempt), status=FlagStatus.CONFIRMED
    ).values("object_id")


def counting_attempts(student_ids: Iterable[int], quizzes: Iterable[Quiz]) -> dict[tuple[int, int], dict]:
    """{(student_id, quiz_id): the counting attempt as a dict, plus `attempts`, `best` and `flagged`} — one query.

    `attempts` and `flagged` (attempts carrying a quiz flag) count every submitted attempt, as the teacher sees
    them; `best` is the highest percent and `counting` the attempt quizzes.counting picks, both among the
    attempts that count. `counting` is None when none counts.
    """
    quizzes = {quiz.pk: quiz for quiz in quizzes}
    if not quizzes:
        return {}
    rows = (
        Attempt.objects.filter(student_id__in=list(student_ids), quiz_id__in=list(quizzes), submitted_at__isnull=False)
        .annotate(excluded=counting.is_excluded())
        .values("id", "student_id", "quiz_id", "number", "percent", "passed", "flags", "submitted_at", "excluded")
    )
    result: dict[tuple[int, int], dict] = {}
    candidates: dict[tuple[int, int], list[dict]] = {}
    for row in rows:
        key = (row["student_id"], row["quiz_id"])
        entry = result.setdefault(key, {"attempts": 0, "best": None, "flagged": 0, "counting": None})
        entry["attempts"] += 1
        entry["flagged"] += 1 if row["flags"] else 0
        if not row["excluded"]:
            candidates.setdefault(key, []).append(row)
            if row["percent"] is not None and (entry["best"] is None or row["percent"] > entry["best"]):
                entry["best"] = row["percent"]
    for key, rows_of_key in candidates.items():
        result[key]["counting"] = counting.pick(
            rows_of_key, counting.choice_of(quizzes[key[1]]), number=itemgetter("number"), percent=itemgetter("percent")
        )
    return result


def attempt_counts_as_done(quiz: Quiz, counting_row: dict | None) -> bool:
    """A survey is done by any attempt that counts; any other quiz by a passed result."""
    if counting_row is None:
        return False
    return True if quiz.is_survey else counting.is_pass(counting_row["percent"], counting_row["passed"])


def quiz_is_passed(student_id: int, quiz: Quiz) -> bool:
    entry = counting_attempts([student_id], [quiz]).get((student_id, quiz.pk))
    return attempt_counts_as_done(quiz, entry["counting"] if entry else None)


def on_attempt_submitted(attempt: Attempt) -> None:
    """A submitted attempt may finish the lessons this quiz belongs to."""
    progress_rows = LessonProgress.objects.filter(
        student_id=attempt.student_id, lesson__quiz_id=attempt.quiz_id, completed_at__isnull=True
    ).select_related("lesson")
    for progress in progress_rows:
        evaluate(progress, now=attempt.submitted_at)


# --- modules ----------------------------------------------------------------------------------------


def module_lessons(modules: Iterable[ModulePage]) -> dict[int, list[LessonPage]]:
    """The live lessons of each module, in order — one query for any number of modules."""
    from django.db.models import Q

    modules = list(modules)
    if not modules:
        return {}
    q = Q(pk__in=[])
    for module in modules:
        q |= Q(path__startswith=module.path, depth=module.depth + 1)
    by_module: dict[int, list[LessonPage]] = {module.pk: [] for module in modules}
    prefix = {module.path: module.pk for module in modules}
    for lesson in LessonPage.objects.live().filter(q).order_by("path"):
        module_id = prefix.get(lesson.path[: -LessonPage.steplen])
        if module_id is not None:
            by_module[module_id].append(lesson)
    return by_module


def module_lesson_links(assignment_ids) -> QuerySet:
    """The links to the lessons module assignments ask for: those they hold that are live."""
    return AssignmentLesson.objects.filter(assignment_id__in=assignment_ids, lesson__live=True)


def assignment_lessons(assignments) -> dict[int, list[LessonPage]]:
    """The live lessons each assignment asks for, in the module's order — one query for any number of assignments.

    A lesson assignment asks for its lesson; a module assignment for the lessons it holds (`AssignmentLesson`:
    the module's lessons when it was assigned, and those the teacher added since), never for a lesson published
    into the module afterwards; a quiz assignment for none.
    """
    result: dict[int, list[LessonPage]] = {}
    module_ids = []
    for assignment in assignments:
        if assignment.lesson_id:
            result[assignment.pk] = [assignment.lesson]
        else:
            result[assignment.pk] = []
            if assignment.module_id:
                module_ids.append(assignment.pk)
    if module_ids:
        links = module_lesson_links(module_ids).select_related("lesson").order_by("lesson__path")
        for link in links:
            result[link.assignment_id].append(link.lesson)
    return result


def new_lessons_of(assignments) -> dict[int, list[LessonPage]]:
    """{assignment id: live lessons of its module it does not hold} for the module assignments among these whose
    module has grown since they were assigned — two queries for any number."""
    module_assignments = [a for a in assignments if a.module_id]
    if not module_assignments:
        return {}
    held: dict[int, set[int]] = {}
    for assignment_id, lesson_id in AssignmentLesson.objects.filter(
        assignment_id__in=[a.pk for a in module_assignments]
    ).values_list("assignment_id", "lesson_id"):
        held.setdefault(assignment_id, set()).add(lesson_id)
    by_module = module_lessons({a.module_id: a.module for a in module_assignments}.values())
    grown = {}
    for assignment in module_assignments:
        new = [x for x in by_module[assignment.module_id] if x.pk not in held.get(assignment.pk, set())]
        if new:
            grown[assignment.pk] = new
    return grown


def new_module_lessons(assignment) -> list[LessonPage]:
    """Live lessons of the assigned module that the assignment does not hold: published into it since."""
    return new_lessons_of([assignment]).get(assignment.pk, [])
