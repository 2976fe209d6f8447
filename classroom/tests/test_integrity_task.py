"""The integrity rules on a submitted attempt run in a task queued with the submission (classroom/tasks.py): with
production's task backend the submission writes the task's row and no flag; the worker's run raises them; the
task is leased, so a run whose worker died is retried."""

import pytest
from django.test.utils import override_settings
from django_tasks_db.models import DBTaskResult

from classroom.models import FlagRule, IntegrityFlag
from classroom.tasks import check_attempt_integrity
from classroom.tests.test_integrity_rules import at, class_1, school, sit_quiz, students, year  # noqa: F401
from plans import leases

pytestmark = pytest.mark.django_db

PRODUCTION_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_a_submission_queues_the_rules_and_the_worker_runs_them(class_1, quiz):  # noqa: F811
    first, second = students(class_1, 2)
    with override_settings(TASKS=PRODUCTION_TASKS):
        a = sit_quiz(first, quiz, start=at(10, 0), device="dev-1", network="net-1")
        b = sit_quiz(second, quiz, start=at(10, 6), device="dev-1", network="net-1")
        queued = DBTaskResult.objects.filter(task_path=check_attempt_integrity.module_path)
        assert sorted(row.args_kwargs["args"][0] for row in queued) == sorted([a.pk, b.pk])
        assert not IntegrityFlag.objects.exists()  # the submissions did not wait for the rules

    # The worker's run of the first: both students share the device, so both records are flagged.
    assert check_attempt_integrity.call(a.pk) == 2
    assert set(IntegrityFlag.objects.filter(rule=FlagRule.SHARED_DEVICE).values_list("student_id", flat=True)) == {
        first.pk,
        second.pk,
    }
    # The second's run finds the same two flags with the same evidence: nothing new, nothing doubled (a retry of a
    # run whose worker died is as harmless).
    assert check_attempt_integrity.call(b.pk) == 0
    assert IntegrityFlag.objects.filter(rule=FlagRule.SHARED_DEVICE).count() == 2


def test_an_attempt_gone_or_not_submitted_is_nothing_to_judge(class_1, quiz):  # noqa: F811
    assert check_attempt_integrity.call(987654) == 0


def test_the_task_is_leased_so_a_dead_workers_run_is_retried():
    import plans.tasks  # noqa: F401 (registers the leased tasks)

    assert check_attempt_integrity.module_path in leases.LEASED
