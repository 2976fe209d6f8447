"""The read endpoints of /api/v1/ (issue #19): curriculum, assignments, completion, results, figures, plan tasks,
the ledger and the 通报 table, each within the caller's scope, and their answers against checked-in snapshots."""

import datetime
import json

import pytest
from django.utils import timezone, translation

from classroom import services
from lessons.tests.factories import TEACHER_SECRET, make_lesson, make_module
from people import api_tokens
from people.models import SchoolYear
from plans import ledger, metrics
from plans.models import ClassFigures
from plans.planning import copy_plan, national_template
from plans.rollup import refresh_district
from plans.tests.builders import attempt, make_quiz

from .snapshot import assert_matches

pytestmark = pytest.mark.django_db


def _get(client, path, key=None, **headers):
    if key:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    # English: the source strings, so the snapshots do not change when the Chinese catalogue does.
    return client.get(f"/api/v1{path}", HTTP_ACCEPT_LANGUAGE="en", **headers)


def _text(response) -> str:
    """The answer as text with its Chinese as characters: the renderer escapes them, and a search of the raw
    bytes for a Chinese sentence would pass whatever the answer held."""
    return json.dumps(response.json(), ensure_ascii=False)


@pytest.fixture
def estate(world):
    with translation.override("en"):  # the template's task titles, in the language the snapshots are in
        return _estate(world)


def _estate(world):
    year = SchoolYear.current()
    world.plan = copy_plan(national_template(), world.district, year.start_year, "青山区三年规划")
    ledger.open_items(world.plan, year.start_year)
    world.module = make_module()
    world.quiz = make_quiz()
    world.lesson = make_lesson(world.module, quiz=world.quiz)
    today = timezone.localdate()
    world.assignment = services.assign(
        world.teacher, [world.class_a], lesson=world.lesson, starts_on=today, due_on=today + datetime.timedelta(7)
    )[0]
    now = timezone.now()
    attempt(world.student, world.quiz, 1, 100, now, world.class_a, passed=True)
    attempt(world.student_2, world.quiz, 1, 40, now, world.class_a, passed=False)
    attempt(world.far_student, world.quiz, 1, 90, now, world.far_class, passed=True)
    refresh_district(world.district, year.start_year)
    refresh_district(world.other_district, year.start_year)
    world.keys = {
        "school": api_tokens.issue(world.school, name="学籍系统")[1],
        "other_school": api_tokens.issue(world.other_school, name="二中")[1],
        "district": api_tokens.issue(world.district, name="市级汇总")[1],
        "far_district": api_tokens.issue(world.other_district, name="绿水")[1],
    }
    return world


def test_a_key_and_a_student_get_the_lesson_without_teacher_content_and_a_teacher_gets_it(client, estate):
    path = f"/curriculum/lessons/{estate.lesson.pk}"
    by_key = _get(client, path, key=estate.keys["school"])
    assert by_key.status_code == 200 and by_key.json()["audience"] == "student"
    assert TEACHER_SECRET not in _text(by_key)
    assert "teacher_note" not in [block["type"] for block in by_key.json()["body"]]
    client.force_login(estate.student.user)
    assert TEACHER_SECRET not in _text(_get(client, path))
    client.force_login(estate.teacher)
    as_teacher = _get(client, path)
    assert as_teacher.json()["audience"] == "teacher" and TEACHER_SECRET in _text(as_teacher)
    client.logout()
    modules = _get(client, "/curriculum/modules", key=estate.keys["school"]).json()["results"]
    assert [row["id"] for row in modules] == [estate.module.pk]
    lessons = _get(client, f"/curriculum/modules/{estate.module.pk}/lessons", key=estate.keys["school"]).json()
    assert [row["id"] for row in lessons["results"]] == [estate.lesson.pk]
    assert_matches("curriculum_lesson_for_a_key", by_key.json())


def test_assignments_completion_and_results_stay_inside_the_school(client, estate):
    class_a = estate.class_a.pk
    for path in (f"/classes/{class_a}/assignments", f"/classes/{class_a}/completion", f"/classes/{class_a}/results"):
        assert _get(client, path, key=estate.keys["other_school"]).status_code == 404, path
        assert _get(client, path, key=estate.keys["far_district"]).status_code == 404, path
        assert _get(client, path, key=estate.keys["district"]).status_code == 200, path
    assignments = _get(client, f"/classes/{class_a}/assignments", key=estate.keys["school"]).json()["results"]
    assert [row["id"] for row in assignments] == [estate.assignment.pk]
    completion = _get(client, f"/classes/{class_a}/completion", key=estate.keys["school"]).json()
    assert completion["students"] == 2 and completion["assignments"][0]["finished"] == 0
    results = _get(client, f"/classes/{class_a}/results", key=estate.keys["school"]).json()
    summary = results["quizzes"][0]["summary"]
    assert (summary["results"], summary["pass_rate"], summary["mean_percent"]) == (2, 0.5, 70.0)
    school = _get(client, "/schools/S1/results", key=estate.keys["school"]).json()
    assert school["quizzes"][0]["summary"]["results"] == 2, "the far student's attempt is not the school's"
    assert _get(client, "/schools/S1/completion", key=estate.keys["other_school"]).status_code == 404
    by_class = _get(client, "/schools/S1/completion", key=estate.keys["school"]).json()
    assert [row["class_id"] for row in by_class] == [estate.class_a.pk, estate.class_b.pk]
    assert_matches("class_completion", completion)
    assert_matches("class_results", results)


def test_figures_are_the_metrics_figures_with_their_formula_and_plan(client, estate):
    year = SchoolYear.current().start_year
    district = _get(client, "/districts/D1/figures", key=estate.keys["district"]).json()
    rows = ClassFigures.objects.filter(district=estate.district, school_year__start_year=year, period="year")
    expected = metrics.total(rows)
    assert district["figures"]["participants"] == expected.participants == 2
    assert district["figures"]["pass_rate"] == expected.pass_rate
    assert district["figures"]["schools"] == 2
    assert district["plan"]["name"] == "青山区三年规划"
    estate.plan.refresh_from_db()  # the weights in the order the database gives them, as the API read them
    with translation.override("en"):
        assert district["plan"]["formula"] == metrics.plan_formula(estate.plan)
    assert district["refreshed_at"]
    school = _get(client, "/schools/S1/figures", key=estate.keys["school"]).json()
    assert school["figures"]["on_roll"] == 3 and school["figures"]["results"] == 2
    one_class = _get(client, f"/classes/{estate.class_a.pk}/figures", key=estate.keys["school"]).json()
    assert one_class["figures"]["average"] == 70.0
    assert_matches("school_figures", school)
    assert_matches("district_figures", district)


def test_a_district_figure_plan_and_report_go_only_to_the_district(client, estate):
    for path in ("/districts/D1/figures", "/districts/D1/plan", "/districts/D1/report"):
        assert _get(client, path, key=estate.keys["school"]).status_code == 404, path
        assert _get(client, path, key=estate.keys["far_district"]).status_code == 404, path
        client.force_login(estate.far_auditor)
        assert _get(client, path).status_code == 404, path
        client.force_login(estate.auditor)
        assert _get(client, path).status_code == 200, path
        client.logout()
    assert _get(client, "/schools/S2/figures", key=estate.keys["school"]).status_code == 404
    assert _get(client, f"/classes/{estate.far_class.pk}/figures", key=estate.keys["district"]).status_code == 404


def test_the_report_lists_the_districts_schools_with_the_published_columns(client, estate):
    report = _get(client, "/districts/D1/report", key=estate.keys["district"]).json()
    assert [line["name"] for line in report["lines"]] == ["青山一中", "青山二中"]
    assert report["columns"][:3] == ["名称", "参与学校数", "学校总数"]
    assert report["total"]["figures"]["participating_schools"] == 1
    assert "绿水一中" not in str(report)
    townships = _get(client, "/districts/D1/report?group_by=township", key=estate.keys["district"]).json()
    assert townships["group_by"] == "township" and len(townships["lines"]) == 1
    assert _get(client, "/districts/D1/report?group_by=nothing", key=estate.keys["district"]).status_code == 422
    assert_matches("district_report", report)


def test_plan_tasks_and_ledger_state_within_scope(client, estate):
    plan = _get(client, "/districts/D1/plan", key=estate.keys["district"]).json()
    assert [task["id"] for task in plan["tasks"]] == list(
        estate.plan.tasks.order_by("order", "id").values_list("pk", flat=True)
    )
    assert all(task["this_year"]["target"] is not None for task in plan["tasks"])
    by_district = _get(client, "/ledger?page_size=100", key=estate.keys["district"]).json()["results"]
    assert {row["school"] for row in by_district} == {"S1", "S2"}
    by_school = _get(client, "/ledger", key=estate.keys["school"]).json()["results"]
    assert {row["school"] for row in by_school} == {"S1"} and {row["state"] for row in by_school} == {"open"}
    assert _get(client, "/ledger", key=estate.keys["far_district"]).json()["results"] == []
    assert_matches("district_plan", plan)
    assert_matches("school_ledger", by_school[:2])
