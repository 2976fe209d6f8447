"""Reading time is credited per student by the server's wall clock (classroom.completion, ReadingClock).

Each attack a script could make on the reading rule, tried through the service with explicit `now=` and through
the real reader views with the test client.
"""

import datetime

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from classroom import completion, services
from classroom.models import LessonProgress, ReadingClock
from core.clientid import DEVICE_COOKIE, device_from_cookie, network_key
from lessons.tests.factories import make_lesson

SECOND = datetime.timedelta(seconds=1)
BEAT = datetime.timedelta(seconds=completion.HEARTBEAT_INTERVAL)


@pytest.fixture
def t0():
    return timezone.now().replace(microsecond=0) - datetime.timedelta(hours=3)


@pytest.fixture
def lessons(module, lesson):
    """Three lessons of 10 minutes' self-study in one module: 300 s of reading each at the default share."""
    return [
        lesson,
        make_lesson(module, slug="second", reading_minutes=10),
        make_lesson(module, slug="third", reading_minutes=10),
    ]


@pytest.fixture
def assignment(world, module, week):
    (assignment,) = services.assign(world.teacher, [world.class_a], module=module, **week)
    return assignment


def _beat(progress, lesson, now, **kwargs):
    return completion.record_signal(progress.pk, lesson, now=now, **kwargs)


def _reload(progress):
    return LessonProgress.objects.get(pk=progress.pk)


# --- the service, with explicit time ------------------------------------------------------------------


def test_three_open_readers_need_three_times_one_lessons_time(world, lessons, assignment, t0):
    assert [completion.minimum_seconds(lesson) for lesson in lessons] == [300, 300, 300]
    rows = [completion.record_open(world.student, lesson, now=t0) for lesson in lessons]
    finished_at = {}
    now = t0
    # Three readers beating every 15 s, a few seconds apart, as three tabs would, for up to 20 minutes.
    while len(finished_at) < 3 and now < t0 + datetime.timedelta(minutes=20):
        now += BEAT
        for offset, (progress, lesson) in enumerate(zip(rows, lessons, strict=True)):
            progress = _beat(progress, lesson, now + offset * 5 * SECOND, reached_end=True)
            if progress.completed_at and lesson.pk not in finished_at:
                finished_at[lesson.pk] = progress.completed_at
        elapsed = (now + 10 * SECOND - t0).total_seconds()
        assert sum(_reload(row).active_seconds for row in rows) <= elapsed, "more time credited than passed"
    assert len(finished_at) == 3
    last = max(finished_at.values())
    # One lesson alone takes 300 s; three open at once take three times as long (and not much more).
    assert datetime.timedelta(seconds=900) <= last - t0 <= datetime.timedelta(seconds=930)


def test_one_reader_alone_finishes_in_one_lessons_time(world, lesson, assignment, t0):
    progress = completion.record_open(world.student, lesson, now=t0)
    for step in range(1, 21):
        progress = _beat(progress, lesson, t0 + step * BEAT, reached_end=True)
    assert progress.active_seconds == 300 and progress.completed_at == t0 + 20 * BEAT


def test_opening_earns_nothing(world, lesson, assignment, t0):
    progress = completion.record_open(world.student, lesson, now=t0)
    for step in range(1, 40):
        progress = completion.record_open(world.student, lesson, now=t0 + step * 10 * SECOND)
    assert _reload(progress).active_seconds == 0
    assert not ReadingClock.objects.filter(student=world.student, credited_until__isnull=False).exists()


def test_a_withdrawn_assignment_earns_nothing(world, lesson, assignment, t0):
    progress = completion.record_open(world.student, lesson, now=t0)
    for step in range(1, 5):
        progress = _beat(progress, lesson, t0 + step * BEAT)
    assert progress.active_seconds == 60
    services.withdraw_assignment(world.teacher, assignment)
    with pytest.raises(completion.NotAssigned):
        _beat(progress, lesson, t0 + 5 * BEAT, reached_end=True)
    progress = _reload(progress)
    assert (progress.active_seconds, progress.last_seen_at, progress.reached_end_at) == (60, t0 + 4 * BEAT, None)


def test_a_lesson_not_assigned_to_the_class_earns_nothing(world, module, lesson, week, today, t0):
    progress = completion.record_open(world.student, lesson, now=t0)
    with pytest.raises(completion.NotAssigned):
        _beat(progress, lesson, t0 + BEAT)
    services.assign(world.teacher, [world.class_b], lesson=lesson, **week)
    with pytest.raises(completion.NotAssigned):
        _beat(progress, lesson, t0 + 2 * BEAT)  # given to the other class only
    (future,) = services.assign(
        world.teacher,
        [world.class_a],
        lesson=lesson,
        starts_on=today + datetime.timedelta(days=1),
        due_on=today + datetime.timedelta(days=7),
    )
    with pytest.raises(completion.NotAssigned):
        _beat(progress, lesson, t0 + 3 * BEAT)  # not started yet
    assert _reload(progress).active_seconds == 0
    # Assigning another lesson of the same module does not open this one.
    other = make_lesson(module, slug="other")
    services.assign(world.teacher, [world.class_a], lesson=other, **week)
    with pytest.raises(completion.NotAssigned):
        _beat(progress, lesson, t0 + 4 * BEAT)
    services.change_assignment(world.teacher, future, note="", **week)  # assigning it again would be refused
    assert _beat(progress, lesson, t0 + 5 * BEAT).active_seconds == 0, "the first heartbeat after a gap restarts"
    assert _beat(progress, lesson, t0 + 6 * BEAT).active_seconds == 15


def test_a_reopen_after_a_pause_earns_nothing_for_the_pause(world, lesson, assignment, t0):
    progress = completion.record_open(world.student, lesson, now=t0)
    for step in range(1, 5):
        progress = _beat(progress, lesson, t0 + step * BEAT)
    assert progress.active_seconds == 60
    # The tab was hidden for ten minutes; the heartbeat sent when it is shown again only restarts the clock.
    back = t0 + 4 * BEAT + datetime.timedelta(minutes=10)
    progress = _beat(progress, lesson, back)
    assert progress.active_seconds == 60
    progress = _beat(progress, lesson, back + BEAT)
    assert progress.active_seconds == 75
    # A gap just beyond the cap is a pause too; one within it is a late timer and counts.
    progress = _beat(progress, lesson, back + BEAT + (completion.HEARTBEAT_GAP_CAP + 1) * SECOND)
    assert progress.active_seconds == 75
    late = back + 2 * BEAT + (completion.HEARTBEAT_GAP_CAP + 1) * SECOND
    progress = _beat(progress, lesson, late)
    assert progress.active_seconds == 90
    # Reopening the reader the next day: the page starts the clock, the pause before it counts for nothing.
    reopened = late + datetime.timedelta(days=1)
    completion.record_open(world.student, lesson, now=reopened)
    progress = _beat(progress, lesson, reopened + BEAT)
    assert progress.active_seconds == 105


def test_a_reload_does_not_stretch_a_running_clock(world, lesson, assignment, t0):
    progress = completion.record_open(world.student, lesson, now=t0)
    progress = _beat(progress, lesson, t0 + BEAT)
    completion.record_open(world.student, lesson, now=t0 + BEAT + 10 * SECOND)
    progress = _beat(progress, lesson, t0 + 2 * BEAT)
    assert progress.active_seconds == 30


def test_two_heartbeats_for_two_lessons_at_the_same_instant_earn_once(world, lessons, assignment, t0):
    first, second, _ = lessons
    a = completion.record_open(world.student, first, now=t0)
    b = completion.record_open(world.student, second, now=t0)
    a = _beat(a, first, t0 + BEAT)
    b = _beat(b, second, t0 + BEAT)
    assert a.active_seconds + b.active_seconds == 15
    # Interleaved heartbeats share the clock: between them they earn what passed, and no more.
    for step in range(2, 10):
        a = _beat(a, first, t0 + step * BEAT)
        b = _beat(b, second, t0 + step * BEAT + 7 * SECOND)
    assert a.active_seconds + b.active_seconds == 9 * 15 + 7


def test_students_have_their_own_clocks(world, lesson, assignment, t0):
    mine = completion.record_open(world.student, lesson, now=t0)
    theirs = completion.record_open(world.student_2, lesson, now=t0)
    assert _beat(mine, lesson, t0 + BEAT).active_seconds == 15
    assert _beat(theirs, lesson, t0 + BEAT).active_seconds == 15


def test_the_earning_heartbeat_records_its_device_and_network(world, lesson, assignment, t0):
    progress = completion.record_open(world.student, lesson, now=t0)
    progress = _beat(progress, lesson, t0 + BEAT, device="dev-1", network="net-1")
    assert (progress.device_id, progress.network) == ("dev-1", "net-1")
    # A heartbeat that earns nothing (a pause) does not claim the time for another device.
    progress = _beat(progress, lesson, t0 + datetime.timedelta(hours=1), device="dev-2", network="net-2")
    assert (_reload(progress).device_id, _reload(progress).network) == ("dev-1", "net-1")


# --- the real views ------------------------------------------------------------------------------------


def _open_readers(client, lessons):
    for lesson in lessons:
        assert client.get(reverse("classroom:read", args=[lesson.pk])).status_code == 200


def _signal(client, lesson, **data):
    return client.post(reverse("classroom:signal", args=[lesson.pk]), data)


def _wind_back(student, lessons, seconds: int):
    """As if the readers had been served `seconds` ago (the view takes its time only from the server clock)."""
    then = timezone.now().replace(microsecond=0) - datetime.timedelta(seconds=seconds)
    LessonProgress.objects.filter(student=student, lesson__in=lessons).update(last_seen_at=then)


def test_three_readers_open_in_the_browser_earn_one_lessons_time(client, world, lessons, assignment):
    client.force_login(world.student.user)
    _open_readers(client, lessons)
    _wind_back(world.student, lessons, 15)
    for lesson in lessons:
        assert _signal(client, lesson).status_code == 200
    rows = LessonProgress.objects.filter(student=world.student)
    total = sum(row.active_seconds for row in rows)
    # 15 s passed for one reader; the two others find those seconds taken. The view reads the real clock, so
    # the bound leaves room for a loaded machine's pauses between posts, and still refuses 3 × 15 s.
    assert 15 <= total < 30, [row.active_seconds for row in rows]
    earning = max(rows, key=lambda row: row.active_seconds)
    request = RequestFactory().get("/")
    request.COOKIES[DEVICE_COOKIE] = client.cookies[DEVICE_COOKIE].value
    assert earning.device_id == device_from_cookie(request) != ""
    assert earning.network == network_key("127.0.0.1") != ""


def test_a_get_of_the_reader_earns_nothing(client, world, lesson, assignment):
    client.force_login(world.student.user)
    _open_readers(client, [lesson])
    _wind_back(world.student, [lesson], 20)
    for _ in range(5):
        _open_readers(client, [lesson])
    progress = LessonProgress.objects.get(student=world.student, lesson=lesson)
    assert progress.active_seconds == 0
    assert client.get(reverse("classroom:signal", args=[lesson.pk])).status_code == 405
    assert LessonProgress.objects.get(pk=progress.pk).active_seconds == 0


def test_heartbeats_need_the_csrf_token(world, lesson, assignment):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.student.user)
    _open_readers(client, [lesson])
    _wind_back(world.student, [lesson], 15)
    assert _signal(client, lesson).status_code == 403
    assert LessonProgress.objects.get(student=world.student, lesson=lesson).active_seconds == 0


def test_a_withdrawn_or_unassigned_lesson_refuses_heartbeats(client, world, lessons, assignment, week):
    client.force_login(world.student.user)
    _open_readers(client, lessons)
    services.withdraw_assignment(world.teacher, assignment)
    _wind_back(world.student, lessons, 15)
    assert _signal(client, lessons[0], end="1").status_code == 404
    # Only the first lesson is given again: the others stay closed.
    services.assign(world.teacher, [world.class_a], lesson=lessons[0], **week)
    assert _signal(client, lessons[0]).status_code == 200
    assert [_signal(client, lesson).status_code for lesson in lessons[1:]] == [404, 404]
    rows = {row.lesson_id: row for row in LessonProgress.objects.filter(student=world.student)}
    assert [rows[lesson.pk].active_seconds > 0 for lesson in lessons] == [True, False, False]
    assert all(row.reached_end_at is None for row in rows.values())


def test_a_student_cannot_beat_for_another_class_or_without_a_reader(client, world, lesson, assignment):
    client.force_login(world.student_b.user)
    assert _signal(client, lesson).status_code == 404, "another class: no reader was opened"
    assert client.get(reverse("classroom:read", args=[lesson.pk])).status_code == 404
    client.force_login(world.other_student.user)
    assert _signal(client, lesson).status_code == 404, "another school"
    client.force_login(world.teacher)
    assert _signal(client, lesson).status_code == 404, "staff do not read for credit"
    assert not LessonProgress.objects.exists()


def test_heartbeats_are_rate_limited(client, world, lesson, assignment):
    client.force_login(world.student.user)
    _open_readers(client, [lesson])
    # 61 posts fall in at most two of the limiter's minute windows, so one window sees more than 30.
    statuses = [_signal(client, lesson).status_code for _ in range(61)]
    assert 429 in statuses and set(statuses) == {200, 429}


def test_a_heartbeat_costs_a_fixed_number_of_queries(client, world, lesson, assignment, django_assert_max_num_queries):
    client.force_login(world.student.user)
    _open_readers(client, [lesson])
    _signal(client, lesson)  # creates the student's reading clock
    _wind_back(world.student, [lesson], 15)
    # The session, the user, the roles (2), the lesson, the opened reader; in the transaction (2 statements):
    # the locked progress, the school year, the class, the assignment, the locked clock, the two writes.
    with django_assert_max_num_queries(15):
        assert _signal(client, lesson).status_code == 200
