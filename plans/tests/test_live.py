"""Live figures: each kind of event changes the affected class's figures with no rebuild (tasks run eagerly, the
test settings' immediate backend), the class refresh gives what the full rebuild gives, and many events for one
class queue one task."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks.signals import task_enqueued

from classroom.models import FlagStatus, LessonProgress
from lessons.tests.factories import make_lesson, make_module
from people.models import Enrollment, RoleKind, Student
from people.promotion import promote_school
from people.roster import import_roster
from people.testing import make_role_user, make_student
from plans import live
from plans.models import FIGURE_FIELDS, ClassFigures, PendingRefresh, Period, with_flagged
from plans.rollup import refresh_district
from plans.tasks import refresh_class_figures
from quizzes.models import Attempt

from .builders import HandDistrict, at, attempt, decide, hold, log_hours, raise_hand_flags

pytestmark = pytest.mark.django_db


@pytest.fixture
def hand():
    hand = HandDistrict()
    refresh_district(hand.district, 2025)
    return hand


@pytest.fixture
def queued():
    """The class ids of every refresh task queued while the test runs."""
    seen = []

    def heard(sender, task_result, **kwargs):
        if task_result.task.module_path == refresh_class_figures.module_path:
            seen.append(task_result.args[0])

    task_enqueued.connect(heard)
    yield seen
    task_enqueued.disconnect(heard)


def year_row(school_class, period=Period.YEAR) -> ClassFigures:
    return ClassFigures.objects.get(school_class=school_class, period=period)


def snapshot(school_class) -> dict:
    columns = sorted({*FIGURE_FIELDS, *(with_flagged(name) for name in FIGURE_FIELDS)})
    rows = ClassFigures.objects.filter(school_class=school_class).values(*columns, "period")
    return {row["period"]: row for row in rows}


def assert_same_as_rebuild(hand, *classes):
    """What the live refresh wrote is what the full rebuild writes."""
    live_rows = {c.pk: snapshot(c) for c in classes}
    for year in {c.school_year.start_year for c in classes}:
        refresh_district(hand.district, year)
    assert {c.pk: snapshot(c) for c in classes} == live_rows


def test_a_submitted_attempt_changes_its_classs_figures(hand, django_capture_on_commit_callbacks, queued):
    assert year_row(hand.class_b).participants == 0
    with django_capture_on_commit_callbacks(execute=True):
        attempt(hand.b1, hand.q1, 1, 80, at(2025, 10, 20), hand.class_b)
    row = year_row(hand.class_b)
    assert (row.participants, row.results, row.passed, row.percent_sum) == (1, 1, 1, 80.0)
    assert year_row(hand.class_b, Period.TERM1).participants == 1
    assert year_row(hand.class_b, Period.TERM2).participants == 0
    assert queued == [hand.class_b.pk], "only the student's class is refreshed"
    assert not PendingRefresh.objects.exists()
    assert_same_as_rebuild(hand, hand.class_b)


def test_an_unsubmitted_attempt_and_a_rolled_back_one_queue_nothing(hand, django_capture_on_commit_callbacks, queued):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = attempt(hand.b1, hand.q1, 1, 80, at(2025, 10, 20), hand.class_b)
    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submitted.save(update_fields=["score"])  # a save that touches no counted field changes no figure
        Attempt.objects.create(
            student=hand.b2, quiz=hand.q2, school=hand.school_b, number=1, seed=99, started_at=at(2025, 10, 20)
        )  # started, not submitted
    assert queued == []
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                attempt(hand.b2, hand.q1, 1, 70, at(2025, 10, 20), hand.class_b)
                raise RuntimeError
        except RuntimeError:
            pass
    assert queued == [] and year_row(hand.class_b).results == 1


def test_a_class_hour_log_changes_the_hours(hand, django_capture_on_commit_callbacks):
    assert year_row(hand.class_b).hours_delivered == 1.0
    with django_capture_on_commit_callbacks(execute=True):
        log = log_hours(hand.class_b, datetime.date(2026, 3, 3), "1.0", hand.teacher)
    assert year_row(hand.class_b).hours_delivered == 2.0
    assert year_row(hand.class_b).hours_credited == 2.0
    with django_capture_on_commit_callbacks(execute=True):
        log.delete()
    assert year_row(hand.class_b).hours_delivered == 1.0
    assert_same_as_rebuild(hand, hand.class_b)


def test_an_activity_changes_every_class_it_counts_for(hand, django_capture_on_commit_callbacks, queued):
    assert year_row(hand.class_b).activities_done == 0
    with django_capture_on_commit_callbacks(execute=True):
        hold(hand.school_b, "exhibition", datetime.date(2025, 11, 2), hand.teacher)  # school-wide
    assert year_row(hand.class_b).activities_done == 1
    assert set(queued) == {hand.class_b.pk}, "school B's classes of that year, not school A's"
    before = year_row(hand.class_a).activities_done
    with django_capture_on_commit_callbacks(execute=True):
        hold(hand.school, "works", datetime.date(2026, 3, 9), hand.teacher, classes=[hand.class_a])
    assert year_row(hand.class_a).activities_done == before + 1
    assert_same_as_rebuild(hand, hand.class_a, hand.class_b)


def test_an_enrolment_changes_the_roll(hand, django_capture_on_commit_callbacks):
    assert year_row(hand.class_b).on_roll == 2
    with django_capture_on_commit_callbacks(execute=True):
        make_student(hand.class_b, "b3")
    assert year_row(hand.class_b).on_roll == 3
    # A student who leaves stays on the roll of the periods he was there: the term he left in still counts him.
    with django_capture_on_commit_callbacks(execute=True):
        student = Student.objects.get(student_number="b3")
        student.left_on = datetime.date(2025, 10, 1)
        student.save(update_fields=["left_on"])
    assert year_row(hand.class_b, Period.TERM1).on_roll == 3
    assert year_row(hand.class_b, Period.TERM2).on_roll == 2
    assert_same_as_rebuild(hand, hand.class_b)


def test_a_move_between_classes_changes_both_rolls(hand, django_capture_on_commit_callbacks):
    from people.models import SchoolClass

    with django_capture_on_commit_callbacks(execute=True):
        other = SchoolClass.objects.create(school=hand.school_b, school_year=hand.year, grade=8, number=2)
    assert year_row(other).on_roll == 0
    with django_capture_on_commit_callbacks(execute=True):
        enrollment = Enrollment.objects.get(student=hand.b2, school_year=hand.year)
        enrollment.school_class = other
        enrollment.save()
    assert (year_row(hand.class_b).on_roll, year_row(other).on_roll) == (1, 1)
    assert_same_as_rebuild(hand, hand.class_b, other)


def test_a_roster_import_changes_the_roll(hand, django_capture_on_commit_callbacks):
    from people.models import SchoolYear

    header = "姓名,学号,性别,年级,班级\n"
    year = SchoolYear.current()
    with django_capture_on_commit_callbacks(execute=True):
        first = import_roster(hand.school_b, (header + "新生一,b9001,男,初二,1班\n").encode(), school_year=year)
    assert first.committed
    new_class = Enrollment.objects.get(student__student_number="b9001").school_class
    assert year_row(new_class).on_roll == 1, "a class the import created has figures at once"
    with django_capture_on_commit_callbacks(execute=True):
        later = import_roster(
            hand.school_b, (header + "新生一,b9001,男,初二,1班\n新生二,b9002,女,初二,1班\n").encode(), school_year=year
        )
    assert later.committed
    assert year_row(new_class).on_roll == 2
    assert_same_as_rebuild(hand, new_class)


def test_a_promotion_gives_the_new_classes_figures(hand, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        promote_school(hand.school_b, hand.year, hand.next_year)
    promoted = Enrollment.objects.get(student=hand.b1, school_year=hand.next_year).school_class
    assert year_row(promoted).on_roll == 2


def test_a_flag_decision_changes_the_figures(hand, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        flags = raise_hand_flags(hand)
    row = year_row(hand.class_a)
    assert row.flagged_attempts > 0
    participants = row.participants
    with django_capture_on_commit_callbacks(execute=True):
        decide(flags["s4_q1"], FlagStatus.CLEARED, at(2026, 6, 2))
    assert year_row(hand.class_a).participants == participants + 1, "s4's only attempt counts again"
    assert_same_as_rebuild(hand, hand.class_a)


def test_a_finished_lesson_refreshes_its_class_once(hand, django_capture_on_commit_callbacks, queued):
    # Lesson progress feeds no figure (plans.metrics); finishing a lesson refreshes the class all the same, and
    # a heartbeat on a finished lesson queues nothing.
    lesson = make_lesson(make_module(), slug="live-lesson")
    with django_capture_on_commit_callbacks(execute=True):
        progress = LessonProgress.objects.create(
            student=hand.b1, lesson=lesson, first_opened_at=at(2025, 10, 1), last_seen_at=at(2025, 10, 1)
        )
        progress.completed_at = at(2025, 10, 1)
        progress.save()
    assert queued == [hand.class_b.pk]
    with django_capture_on_commit_callbacks(execute=True):
        progress = LessonProgress.objects.get(pk=progress.pk)
        progress.save()
    assert queued == [hand.class_b.pk]


def test_many_events_for_one_class_queue_one_task(hand, settings, django_capture_on_commit_callbacks):
    """With the production backend (task rows a worker takes), a burst in one class leaves one task to run."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from .test_leases import claim, worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    for student, percent in ((hand.b1, 80), (hand.b2, 40)):
        with django_capture_on_commit_callbacks(execute=True):
            attempt(student, hand.q1, 1, percent, at(2025, 10, 20), hand.class_b)
    with django_capture_on_commit_callbacks(execute=True):
        log_hours(hand.class_b, datetime.date(2026, 3, 3), "1.0", hand.teacher)
    rows = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=refresh_class_figures.module_path)
    assert [row.args_kwargs["args"] for row in rows] == [[hand.class_b.pk]]
    # It waits GATHER from the first event before a worker may take it, so that the room's next submissions join.
    first_event = PendingRefresh.objects.get(school_class=hand.class_b).queued_at
    assert rows.get().run_after == first_event + live.GATHER
    assert PendingRefresh.objects.get(school_class=hand.class_b).generation == 2
    assert year_row(hand.class_b).participants == 0, "nothing is computed before a worker takes the task"

    worker("w1").run_task(claim(rows.get(), "w1", timezone.now()))
    row = year_row(hand.class_b)
    assert (row.participants, row.passed, row.hours_delivered) == (2, 1, 2.0)
    assert not PendingRefresh.objects.exists()
    # Only refreshes: a submission also queues its integrity task (classroom.tasks), which is not this queue.
    assert not DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=refresh_class_figures.module_path
    ).exists(), "the run saw every event: it did not queue itself again"


def test_an_event_while_the_refresh_is_queued_raises_the_generation_and_queues_nothing(hand, queued):
    PendingRefresh.objects.create(school_class=hand.class_b, token="earlier", queued_at=timezone.now())
    assert live.mark([hand.class_b.pk]) == set()
    assert queued == []
    assert PendingRefresh.objects.get(school_class=hand.class_b).generation == 1


def test_a_queued_refresh_whose_task_was_lost_is_queued_again(hand, queued):
    t0 = at(2025, 10, 20)
    PendingRefresh.objects.create(school_class=hand.class_b, token="lost", queued_at=t0)
    assert live.mark([hand.class_b.pk], now=t0 + live.STALE_AFTER - datetime.timedelta(seconds=1)) == set()
    assert queued == []
    assert live.mark([hand.class_b.pk], now=t0 + live.STALE_AFTER + datetime.timedelta(seconds=1)) == {hand.class_b.pk}
    assert queued == [hand.class_b.pk]
    assert not PendingRefresh.objects.exists(), "the task ran and found no later event"


def test_an_event_during_the_refresh_runs_it_again(hand, monkeypatch, queued):
    from plans import rollup

    real = rollup.refresh_class
    runs = []

    def refresh_then_an_event_lands(school_class, plan=None):
        rows = real(school_class, plan)
        runs.append(school_class.pk)
        if len(runs) == 1:
            # Committed after this run read the records: without a second run its attempt would be missing.
            attempt(hand.b1, hand.q1, 1, 80, at(2025, 10, 20), hand.class_b)
            live.mark([hand.class_b.pk])
        return rows

    monkeypatch.setattr(rollup, "refresh_class", refresh_then_an_event_lands)
    PendingRefresh.objects.create(school_class=hand.class_b, token="t", queued_at=timezone.now())
    refresh_class_figures.enqueue(hand.class_b.pk)
    assert runs == [hand.class_b.pk, hand.class_b.pk]
    assert year_row(hand.class_b).participants == 1
    assert not PendingRefresh.objects.exists()


def test_the_dashboard_says_how_fresh_its_figures_are(hand, client, django_capture_on_commit_callbacks):
    client.force_login(make_role_user(RoleKind.BUREAU_AUDITOR, district=hand.district))
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        attempt(hand.b1, hand.q1, 1, 80, at(2025, 10, 20), hand.class_b)
    response = client.get(reverse("plans:dashboard"), {"year": 2025})
    freshness = response.context["freshness"]
    assert freshness.updated_at == year_row(hand.class_b).refreshed_at
    assert freshness.updated_at >= before, "the newest refresh is the live one"
    assert freshness.pending == 0
    page = response.content.decode()
    assert timezone.localtime(freshness.updated_at).strftime("%Y-%m-%d %H:%M:%S") in page
    assert 'id="figures-pending"' not in page
    PendingRefresh.objects.create(school_class=hand.class_b, token="t", queued_at=timezone.now())
    response = client.get(reverse("plans:dashboard"), {"year": 2025})
    assert response.context["freshness"].pending == 1
    assert 'id="figures-pending"' in response.content.decode()


@pytest.mark.django_db
def test_a_class_refresh_is_taken_before_integrity_checks_queued_ahead_of_it(settings):
    """Under an exam burst the worker's queue fills with integrity checks; the refresh, queued last, runs first,
    so a submitted attempt reaches the figures within seconds (bench/results/levels-2026-12-02.md)."""
    from django_tasks_db.models import DBTaskResult

    from classroom.tasks import check_attempt_integrity

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    for attempt_id in (1, 2, 3):
        check_attempt_integrity.using(backend="default").enqueue(attempt_id)
    refresh_class_figures.using(backend="default").enqueue(7)
    first = DBTaskResult.objects.ready().get_locked()
    assert first.task_path == "plans.tasks.refresh_class_figures" and first.args_kwargs["args"] == [7]
