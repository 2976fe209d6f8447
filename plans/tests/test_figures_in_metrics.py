"""Figures computed outside plans.metrics moved in: shortfalls against targets (per task, never added up), the
class rows of the school page, and the class hours the teacher's log shows."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from classroom.integrity.flags import raise_flag
from classroom.models import FlagRule
from people.models import RoleKind, SchoolClass
from people.testing import make_class, make_role_user, make_school, make_teacher
from plans import dashboard, metrics
from plans.models import ClassFigures, Period, TaskKind
from plans.rollup import refresh_district

from .builders import HandDistrict, log_hours

pytestmark = pytest.mark.django_db


@pytest.fixture
def hand():
    hand = HandDistrict()
    refresh_district(hand.district, 2025)
    return hand


def _school_figures(hand, school):
    rows = ClassFigures.objects.filter(school=school, school_year=hand.year, period=Period.YEAR)
    return metrics.total(rows)


def test_a_shortfall_belongs_to_one_task_and_gaps_are_never_added(hand):
    # School B: 1 of its 2 class hours (50 %) and none of the five ones (0 %), both against targets of 100.
    plan = hand.plan
    figures = _school_figures(hand, hand.school_b)
    gaps = metrics.shortfalls(figures, plan, 2025)
    assert [(gap.task.kind, gap.points) for gap in gaps] == [(TaskKind.ACTIVITIES, 100.0), (TaskKind.CLASS_HOURS, 50.0)]
    # School A met its hours (2.5 delivered, 2 owed) and not all its activities: one gap only.
    school_a = metrics.shortfalls(_school_figures(hand, hand.school), plan, 2025)
    assert [gap.task.kind for gap in school_a] == [TaskKind.ACTIVITIES]

    rows = dashboard.school_rows(ClassFigures.objects.filter(district=hand.district, period=Period.YEAR), plan)
    behind = dashboard.most_behind(rows, plan, 2025)
    assert [row.name for row in behind] == [hand.school_b.name, hand.school.name], "most tasks missed first"
    assert [gap.points for gap in behind[0].shortfalls] == [gap.points for gap in gaps]


def test_the_dashboard_shows_each_tasks_gap_not_their_sum(client, hand):
    client.force_login(make_role_user(RoleKind.BUREAU_AUDITOR, district=hand.district))
    response = client.get(reverse("plans:dashboard"), {"year": 2025})
    assert response.status_code == 200
    row = next(row for row in response.context["behind"] if row.name == hand.school_b.name)
    assert [gap.points for gap in row.shortfalls] == [100.0, 50.0]
    behind = response.content.decode().split('id="behind-heading"')[1].split("</section>")[0]
    assert "100.0" in behind and "50.0" in behind
    assert "150.0" not in behind, "gaps of two tasks added into one number"


def test_the_school_pages_class_rows_are_the_roll_ups(hand):
    rows = ClassFigures.objects.filter(school=hand.school, school_year=hand.year, period=Period.YEAR)
    class_rows = dashboard.class_rows(rows, hand.plan)
    assert [row.key["school_class_id"] for row in class_rows] == [hand.class_a.pk]
    figures = metrics.compute_class_figures(SchoolClass.objects.filter(pk=hand.class_a.pk), hand.year, hand.plan)
    expected = figures[(hand.class_a.pk, Period.YEAR.value)]
    assert class_rows[0].figures.on_roll == expected.on_roll
    assert class_rows[0].figures.hours_delivered == expected.hours_delivered
    assert class_rows[0].composite == expected.composite(hand.plan.weights())


def test_the_class_hour_log_and_the_figures_add_the_same_hours(client):
    today = timezone.localdate()
    school = make_school(code="HRS")
    school_class = make_class(school)
    teacher = make_teacher(school, classes=[school_class])
    day = max(school_class.school_year.starts_on, today - datetime.timedelta(days=1))
    log_hours(school_class, day, "1.0", teacher)
    flagged = log_hours(school_class, day, "0.5", teacher)
    raise_flag(flagged, FlagRule.HOURS_BEYOND_DAY, school=school, school_class=school_class)

    client.force_login(teacher)
    response = client.get(reverse("classroom:class_hours"))
    assert response.status_code == 200
    year = school_class.school_year
    sides = metrics.compute_both_sides(SchoolClass.objects.filter(pk=school_class.pk), year)
    both = sides[(school_class.pk, Period.YEAR.value)]
    assert response.context["total"] == Decimal("1.5") == Decimal(str(both.with_flagged.hours_delivered))
    counted = response.context["total"] - response.context["flagged_hours"]
    assert counted == Decimal("1.0") == Decimal(str(both.without_flagged.hours_delivered))
