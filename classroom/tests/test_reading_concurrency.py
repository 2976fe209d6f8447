"""Two real connections post heartbeats for two lessons of one student at the same instant: they earn once."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs two real connections with row locks (PostgreSQL); SQLite serialises every writer anyway",
    ),
]


def _in_threads(targets):
    barrier = threading.Barrier(len(targets))
    results, errors = [], []

    def run(target):
        try:
            barrier.wait()
            results.append(target())
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    return results


def test_concurrent_heartbeats_for_two_lessons_earn_the_same_seconds_once():
    from classroom import completion, services
    from classroom.models import LessonProgress
    from lessons.tests.factories import make_lesson, make_module
    from people.testing import World

    world = World()
    module = make_module(slug="concurrent-module")
    lessons = [make_lesson(module, slug=f"concurrent-{i}", reading_minutes=10) for i in range(4)]
    today = timezone.localdate()
    services.assign(
        world.teacher,
        [world.class_a],
        module=module,
        starts_on=today - datetime.timedelta(days=1),
        due_on=today + datetime.timedelta(days=6),
    )
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=1)
    rows = [completion.record_open(world.student, lesson, now=start) for lesson in lessons]
    same = start + datetime.timedelta(seconds=completion.HEARTBEAT_INTERVAL)

    def beat(progress, lesson):
        return lambda: completion.record_signal(progress.pk, lesson, now=same).active_seconds

    earned = _in_threads([beat(progress, lesson) for progress, lesson in zip(rows, lessons, strict=True)])

    assert sorted(earned) == [0, 0, 0, completion.HEARTBEAT_INTERVAL]
    assert sum(LessonProgress.objects.filter(student=world.student).values_list("active_seconds", flat=True)) == 15
