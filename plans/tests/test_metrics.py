"""Every figure computed on a hand-built district and compared with numbers worked out by hand."""

import io

import pytest

from plans import metrics
from plans.models import ClassFigures, Period
from plans.rollup import refresh_district

from .builders import HandDistrict

pytestmark = pytest.mark.django_db


@pytest.fixture
def hand():
    return HandDistrict()


def test_class_figures_by_period_with_leavers_and_latecomers(hand):
    from people.models import SchoolClass

    figures = metrics.compute_class_figures(SchoolClass.objects.filter(pk=hand.class_a.pk), hand.year)
    year = figures[(hand.class_a.id, "year")]
    # On roll for the year: s1–s4 (s3 left in term 1, s4 joined in term 2: both were there).
    assert year.on_roll == 4
    assert year.registered == 2  # s1, s3
    assert year.participants == 3  # s1, s3, s4; s2 only opened an attempt
    # Results (student, quiz): s1·q1 = 100 (best), s3·q1 = 50, s4·q1 = 90, s1·q2 = 80 (last).
    assert year.results == 4
    assert year.percent_sum == 320
    assert year.average == 80
    assert year.passed == 3 and year.pass_rate == 75
    assert year.full_marks == 1 and year.full_rate == 25
    assert year.excellent == 2 and year.excellent_rate == 50  # 100 and 90 are ≥ 85
    assert year.participation_rate == 75
    assert year.registration_rate == 50
    assert year.survey_gain == 30  # post 70 − pre 40

    term1 = figures[(hand.class_a.id, "t1")]
    assert (term1.on_roll, term1.registered, term1.participants) == (3, 2, 2)  # s4 not yet there
    assert (term1.results, term1.percent_sum, term1.passed, term1.full_marks) == (2, 150, 1, 1)

    term2 = figures[(hand.class_a.id, "t2")]
    assert (term2.on_roll, term2.registered, term2.participants) == (3, 1, 2)  # s3 gone, s4 in
    assert (term2.results, term2.percent_sum, term2.passed, term2.excellent) == (2, 170, 2, 1)


def test_promoted_class_keeps_last_years_figures_apart(hand):
    from people.models import SchoolClass

    figures = metrics.compute_class_figures(SchoolClass.objects.filter(pk=hand.class_a2.pk), hand.next_year)
    year = figures[(hand.class_a2.id, "year")]
    assert (year.on_roll, year.participants, year.results, year.percent_sum) == (3, 1, 1, 60)
    assert year.registered == 1  # s1 signed in (ever)


def test_rollup_school_and_district_totals_and_composite(hand):
    refresh_district(hand.district, 2025)
    rows = ClassFigures.objects.filter(district=hand.district, school_year=hand.year, period=Period.YEAR)
    assert rows.count() == 2
    by_school = dict((key["school_id"], f) for key, f in metrics.grouped(rows, "school_id"))
    school_a = by_school[hand.school.id]
    assert school_a.participation_rate == 75
    weights = {"participation": 40, "pass": 30, "full": 10, "average": 20}
    # (40×75 + 30×75 + 10×25 + 20×80) / 100
    assert school_a.composite(weights) == pytest.approx(71.0)
    district = metrics.total(rows)
    assert (district.schools, district.participating_schools) == (2, 1)
    assert district.school_participation_rate == 50
    assert (district.on_roll, district.participants) == (6, 3)
    assert district.participation_rate == pytest.approx(50)
    assert district.pass_rate == 75
    # School B has no results: its composite leaves out pass, full and average and keeps participation 0.
    assert by_school[hand.school_b.id].composite(weights) == 0


def test_rollup_refresh_is_idempotent_and_keeps_last_year_on_old_class(hand):
    refresh_district(hand.district, 2025)
    refresh_district(hand.district, 2025)
    refresh_district(hand.district, 2026)
    assert ClassFigures.objects.filter(school_class=hand.class_a).count() == 3  # year, t1, t2
    old = ClassFigures.objects.get(school_class=hand.class_a, period="year")
    new = ClassFigures.objects.get(school_class=hand.class_a2, period="year")
    assert (old.participants, new.participants) == (3, 1)


def test_class_hours_against_the_plan(hand):
    from people.models import SchoolClass

    figures = metrics.compute_class_figures(SchoolClass.objects.filter(pk=hand.class_a.pk), hand.year, hand.plan)
    year, term1 = figures[(hand.class_a.id, "year")], figures[(hand.class_a.id, "t1")]
    assert (year.hours_delivered, year.hours_required, year.hours_credited) == (2.5, 2, 2)
    assert year.hours_rate == 100
    # The template asks 2 hours a year: a term shows what was taught and owes nothing on its own.
    assert (term1.hours_delivered, term1.hours_required, term1.hours_rate) == (1, 0, None)


def test_hours_per_term_when_the_region_asks_two_a_term(hand):
    from people.models import SchoolClass

    hand.plan.tasks.filter(kind="class_hours").update(hours=2, hours_period="term")
    figures = metrics.compute_class_figures(SchoolClass.objects.filter(pk=hand.class_a.pk), hand.year, hand.plan)
    term1, term2 = figures[(hand.class_a.id, "t1")], figures[(hand.class_a.id, "t2")]
    assert (term1.hours_required, term1.hours_credited, term1.hours_rate) == (2, 1, 50)
    assert (term2.hours_required, term2.hours_credited) == (2, 1.5)
    year = figures[(hand.class_a.id, "year")]
    assert (year.hours_required, year.hours_credited) == (4, 2.5)


def test_activities_done_against_the_five_ones(hand):
    from people.models import SchoolClass

    figures = metrics.compute_class_figures(SchoolClass.objects.filter(pk=hand.class_a.pk), hand.year, hand.plan)
    year = figures[(hand.class_a.id, "year")]
    # exhibition (school-wide) + class meeting (linked) + quiz (grade 8, once) of five; the film was for grade 7.
    assert (year.activities_done, year.activities_required) == (3, 5)
    assert year.activities_rate == 60
    term2 = figures[(hand.class_a.id, "t2")]
    assert (term2.activities_done, term2.activities_required) == (2, 0)


def test_district_hours_and_activities_from_the_rollup(hand):
    refresh_district(hand.district, 2025)
    rows = ClassFigures.objects.filter(district=hand.district, school_year=hand.year, period=Period.YEAR)
    district = metrics.total(rows)
    # Class A credited 2 of 2 (2.5 taught), class B 1 of 2.
    assert (district.hours_credited, district.hours_required) == (3, 4)
    assert district.hours_rate == 75
    assert (district.activities_done, district.activities_required) == (3, 10)


def test_formula_text_names_each_weight():
    text = metrics.formula_text({"participation": 40, "pass": 60})
    assert "40" in text and "60" in text and "100" in text


def test_command_and_task_refresh_the_rollup(hand):
    from django.core.management import call_command

    from plans.models import Refresh
    from plans.tasks import refresh_figures

    call_command("refresh_figures", district="HD", year=2025, stdout=io.StringIO())
    assert ClassFigures.objects.filter(school_year=hand.year).count() == 6  # 2 classes × 3 periods
    refresh_figures.enqueue(hand.district.id, 2026)
    assert ClassFigures.objects.filter(school_year=hand.next_year).count() == 3
    assert Refresh.objects.filter(district=hand.district, finished_at__isnull=False).count() == 2
