"""The plan editor: every edit is a numbered version (who, when, before, after); tasks added, moved, retired."""

import datetime

import pytest
from django.urls import reverse

from people.models import RoleKind, SchoolYear
from people.testing import make_role_user
from plans import ledger, versioning
from plans.activity_source import plan_activity_types
from plans.models import COMPOSITE_FIGURES, LedgerItem, PlanActivityType, PlanChange, PlanTask, TaskKind
from plans.planning import copy_plan, national_template, tasks_for_school

from .builders import task_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world):
    world.bureau_admin.full_name = "钱八"
    world.bureau_admin.save()
    return copy_plan(national_template(), world.district, SchoolYear.current().start_year, "青山区三年规划")


def test_editing_a_task_records_a_version_with_who_when_before_and_after(client, world, plan, monkeypatch):
    task = plan.tasks.get(kind=TaskKind.CLASS_HOURS)
    client.force_login(world.bureau_admin)
    monkeypatch.setattr(versioning, "clock", lambda: datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC))
    if True:
        response = client.post(
            reverse("plans:task_edit", args=[task.pk]),
            task_post(task, hours="4", evidence_required="课时记录表", **{"targets-0-target": "90"}),
        )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.version == 1 and versioning.plan_version(plan) == 1
    change = PlanChange.objects.get(plan=plan)
    assert (change.number, change.action, change.by) == (1, "task_changed", world.bureau_admin)
    assert change.at == datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)
    assert (change.before["hours"], change.after["hours"]) == ("2.0", "4.0")
    assert change.before["targets"][0]["target"] == "100.0" and change.after["targets"][0]["target"] == "90.0"
    assert change.after["evidence_required"] == "课时记录表"
    page = client.get(reverse("plans:plan", args=[plan.pk])).content.decode()
    assert "钱八" in page and "课时记录表" in page
    labels = [label for label, _before, _after in versioning.diff_rows(change)]
    assert "hours" not in labels and len(labels) == 3  # the field's label, not its code; only what changed


def test_saving_without_a_change_makes_no_version(client, world, plan):
    task = plan.tasks.get(kind=TaskKind.CLASS_HOURS)
    client.force_login(world.bureau_admin)
    client.post(reverse("plans:task_edit", args=[task.pk]), task_post(task))
    plan.refresh_from_db()
    assert plan.version == 0 and not plan.changes.exists()


def _settings(**weights):
    data = {"name": "新名字", "excellent_percent": 90}
    data.update({f"weight_{key}": weights.get(key, 0) for key in COMPOSITE_FIGURES})
    return data


DEFAULT_WEIGHTS = {"participation": 40, "pass": 30, "full": 10, "average": 20}


def test_settings_are_versioned(client, world, plan):
    client.force_login(world.bureau_admin)
    client.post(reverse("plans:plan", args=[plan.pk]), _settings(**DEFAULT_WEIGHTS))
    change = plan.changes.get()
    assert (change.before["name"], change.after["name"]) == ("青山区三年规划", "新名字")
    assert (change.before["excellent_percent"], change.after["excellent_percent"]) == (85, 90)


def test_a_member_unit_must_be_named(client, world, plan):
    task = plan.tasks.get(kind=TaskKind.CLASS_HOURS)
    client.force_login(world.bureau_admin)
    response = client.post(
        reverse("plans:task_edit", args=[task.pk]), task_post(task, responsible_kind="member_unit", responsible="")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="error-summary"' in page and 'href="#id_responsible"' in page
    ok = client.post(
        reverse("plans:task_edit", args=[task.pk]),
        task_post(task, responsible_kind="member_unit", responsible="区禁毒办"),
    )
    assert ok.status_code == 302
    assert PlanTask.objects.get(pk=task.pk).responsible == "区禁毒办"


def test_a_task_is_added_with_a_target_and_deadline_for_each_year(client, world, plan):
    client.force_login(world.bureau_admin)
    response = client.post(reverse("plans:task_add", args=[plan.pk]), {"kind": "custom", "title": "法治副校长"})
    task = PlanTask.objects.get(title="法治副校长")
    assert response["Location"] == reverse("plans:task_edit", args=[task.pk])
    assert task.order == 3 and [t.year_index for t in task.targets.all()] == [1, 2, 3]
    first = plan.first_year
    assert task.targets.get(year_index=1).deadline == datetime.date(first + 1, 6, 30)
    change = plan.changes.get()
    assert change.before is None and change.after["title"] == "法治副校长"


def test_a_trained_teachers_task_starts_at_a_number_a_school_can_meet(client, world, plan):
    client.force_login(world.bureau_admin)
    client.post(reverse("plans:task_add", args=[plan.pk]), {"kind": "trained_teachers", "title": "教师培训"})
    task = PlanTask.objects.get(title="教师培训")
    assert {float(t.target) for t in task.targets.all()} == {2.0}  # teachers per school, not 100
    page = client.get(reverse("plans:task_edit", args=[task.pk])).content.decode()
    assert "目标（每校教师人数）" in page  # the target field's label, in zh-Hans as the page is served


def test_tasks_move_up_and_down(client, world, plan):
    client.force_login(world.bureau_admin)
    hours, five = plan.tasks.order_by("order")
    client.post(reverse("plans:task_action", args=[five.pk, "up"]))
    assert [t.pk for t in plan.tasks.all()] == [five.pk, hours.pk]
    client.post(reverse("plans:task_action", args=[five.pk, "down"]))
    assert [t.pk for t in plan.tasks.all()] == [hours.pk, five.pk]
    client.post(reverse("plans:task_action", args=[five.pk, "down"]))  # already last: nothing moves
    assert [t.pk for t in plan.tasks.all()] == [hours.pk, five.pk]
    plan.refresh_from_db()
    assert plan.version == 2


def test_a_retired_task_is_kept_with_its_history_and_no_longer_counted(client, world, plan):
    client.force_login(world.bureau_admin)
    five = plan.tasks.get(kind=TaskKind.ACTIVITIES)
    assert five in tasks_for_school(plan, world.school)
    client.post(reverse("plans:task_action", args=[five.pk, "retire"]))
    assert five not in tasks_for_school(plan, world.school)
    assert PlanTask.all_objects.get(pk=five.pk).retired_at is not None
    ledger.open_items(plan, plan.first_year)
    assert not LedgerItem.objects.filter(task_id=five.pk).exists()
    page = client.get(reverse("plans:plan", args=[plan.pk])).content.decode()
    assert "Retired tasks" in page or "已停用的任务" in page
    client.post(reverse("plans:task_action", args=[five.pk, "restore"]))
    assert five in tasks_for_school(plan, world.school)
    assert [c.action for c in plan.changes.order_by("number")] == ["task_retired", "task_restored"]


@pytest.mark.parametrize("who", ["far_admin", "auditor", "school_admin", "teacher"])
def test_only_the_districts_bureau_admin_edits(client, world, plan, who):
    world.far_admin = make_role_user(RoleKind.BUREAU_ADMIN, district=world.other_district, username="far_admin")
    task = plan.tasks.get(kind=TaskKind.CLASS_HOURS)
    client.force_login(getattr(world, who))
    posts = [
        (reverse("plans:task_add", args=[plan.pk]), {"kind": "custom", "title": "x"}),
        (reverse("plans:task_action", args=[task.pk, "retire"]), {}),
        (reverse("plans:task_action", args=[task.pk, "up"]), {}),
        (reverse("plans:task_edit", args=[task.pk]), task_post(task, hours="9")),
        (reverse("plans:plan", args=[plan.pk]), {"name": "x", "excellent_percent": 50}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code in (403, 404), url
    assert client.get(reverse("plans:task_add", args=[plan.pk])).status_code in (403, 404)
    plan.refresh_from_db()
    assert plan.version == 0 and PlanTask.all_objects.filter(plan=plan).count() == 2
    assert PlanTask.objects.get(pk=task.pk).hours == 2


def test_weights_are_edited_with_a_preview_and_must_add_up_to_100(client, world, plan):
    client.force_login(world.bureau_admin)
    url = reverse("plans:plan", args=[plan.pk])
    page = client.get(url).content.decode()
    assert "data-weights-preview" in page and "plan_weights.js" in page
    wrong = client.post(url, _settings(participation=50, average=20))
    assert wrong.status_code == 200
    body = wrong.content.decode()
    assert 'class="error-summary"' in body and "70" in body
    assert "50 × " in body and "20 × " in body  # the preview shows the weights as typed, not the saved ones
    plan.refresh_from_db()
    assert plan.composite_weights == DEFAULT_WEIGHTS and plan.version == 0
    client.post(url, _settings(participation=50, average=50))
    plan.refresh_from_db()
    assert plan.composite_weights == {"participation": 50, "average": 50}
    change = plan.changes.get()
    assert change.before["composite_weights"] == DEFAULT_WEIGHTS
    assert change.after["composite_weights"] == {"participation": 50, "average": 50}


def test_a_local_activity_type_is_offered_by_label_in_its_years(client, world, plan):
    client.force_login(world.bureau_admin)
    five = plan.tasks.get(kind=TaskKind.ACTIVITIES)
    response = client.post(
        reverse("plans:activity_type_add", args=[plan.pk]),
        {"label_zh": "告家长书", "label_en": "Letter to parents", "code": "parent-letter", "years_text": "2"},
    )
    assert response.status_code == 302
    kind = PlanActivityType.objects.get(plan=plan)
    assert kind.year_indexes == [2]
    plan.refresh_from_db()
    assert plan.version == 1
    edit = client.get(reverse("plans:task_edit", args=[five.pk])).content.decode()
    assert "告家长书" in edit
    data = task_post(five, activity_types=[*five.activity_types, "parent-letter"])
    assert client.post(reverse("plans:task_edit", args=[five.pk]), data).status_code == 302
    first = datetime.date(plan.first_year, 9, 15)
    second = datetime.date(plan.first_year + 1, 9, 15)
    assert "parent-letter" not in dict(plan_activity_types(world.school, first))
    assert dict(plan_activity_types(world.school, second))["parent-letter"] == "告家长书"
    page = client.get(reverse("plans:plan", args=[plan.pk])).content.decode()
    assert "告家长书" in page and "class_meeting" not in page and "parent-letter" not in page
    duplicate = client.post(
        reverse("plans:activity_type_add", args=[plan.pk]),
        {"label_zh": "再来", "label_en": "Again", "code": "class_meeting", "years_text": ""},
    )
    assert duplicate.status_code == 200 and 'class="error-summary"' in duplicate.content.decode()
    client.post(reverse("plans:activity_type_remove", args=[kind.pk]))
    assert PlanActivityType.objects.filter(pk=kind.pk).exists()  # a task still asks for it
    data = task_post(PlanTask.objects.get(pk=five.pk), activity_types=["film"])
    client.post(reverse("plans:task_edit", args=[five.pk]), data)
    client.post(reverse("plans:activity_type_remove", args=[kind.pk]))
    assert not PlanActivityType.objects.filter(pk=kind.pk).exists()
    assert plan.changes.latest("number").action == "activity_type_removed"


def test_school_types_in_scope_are_edited(client, world, plan):
    client.force_login(world.bureau_admin)
    task = plan.tasks.get(kind=TaskKind.CLASS_HOURS)
    client.post(reverse("plans:task_edit", args=[task.pk]), task_post(task, school_kinds=["primary"]))
    task = PlanTask.objects.get(pk=task.pk)
    assert task.school_kinds == ["primary"]
    assert task not in tasks_for_school(plan, world.school)  # 青山一中 is a junior middle school
