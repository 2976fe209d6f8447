"""Every figure computed on a hand-built district and compared with numbers worked out by hand."""

import io

import pytest
from django.urls import reverse

from plans import metrics
from plans.models import ClassFigures, Period
from plans.rollup import refresh_district

from .builders import HandDistrict, at, attempt, raise_hand_flags

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


def test_a_student_who_only_answered_surveys_did_not_take_part(hand):
    """参与率 counts quizzes, not surveys: s2 answers the pre-survey and nothing else (his open q1 attempt never
    counts), so class A still has three participants of four; his survey still enters the survey figures."""
    from people.models import SchoolClass

    attempt(hand.s2, hand.pre, 1, 30, at(2025, 9, 21), hand.class_a)
    figures = metrics.compute_class_figures(SchoolClass.objects.filter(pk=hand.class_a.pk), hand.year)
    year = figures[(hand.class_a.id, "year")]
    assert (year.participants, year.participation_rate) == (3, 75)
    assert (year.survey_pre_n, year.survey_pre_sum) == (2, 70)
    term1 = figures[(hand.class_a.id, "t1")]
    assert term1.participants == 2  # s1, s3
    lines = {line.student_id: line for line in metrics.student_lines(hand.class_a, Period.YEAR)}
    assert not lines[hand.s2.pk].participated
    assert lines[hand.s1.pk].participated
    refresh_district(hand.district, 2025)
    row = ClassFigures.objects.get(school_class=hand.class_a, period=Period.YEAR)
    assert row.participants == 3
    # A school whose students only answered surveys did not take part either.
    attempt(hand.b1, hand.pre, 1, 50, at(2025, 9, 22), hand.class_b)
    refresh_district(hand.district, 2025)
    rows = ClassFigures.objects.filter(district=hand.district, school_year=hand.year, period=Period.YEAR)
    district = metrics.total(rows)
    assert (district.participating_schools, district.participants) == (1, 3)


def test_a_pre_survey_counts_its_first_attempt_and_a_post_survey_its_last(hand):
    """The survey gain compares the baseline before the lessons with the answer after them (quizzes.counting)."""
    from people.models import SchoolClass

    attempt(hand.s1, hand.pre, 2, 90, at(2025, 10, 1), hand.class_a)  # a second pre-survey, after a lesson
    attempt(hand.s1, hand.post, 2, 80, at(2026, 5, 21), hand.class_a)
    figures = metrics.compute_class_figures(SchoolClass.objects.filter(pk=hand.class_a.pk), hand.year)
    year = figures[(hand.class_a.id, "year")]
    assert (year.survey_pre_sum, year.survey_post_sum) == (40, 80)
    assert year.survey_gain == 40


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


# --- flagged records (issue 13): left out by default, counted when the plan says so, always shown ---------------


@pytest.fixture
def flagged(hand):
    hand.flags = raise_hand_flags(hand)
    return hand


def _class_a(hand, plan=None, **kwargs):
    from people.models import SchoolClass

    figures = metrics.compute_class_figures(
        SchoolClass.objects.filter(pk=hand.class_a.pk), hand.year, plan or hand.plan, **kwargs
    )
    return {period: figures[(hand.class_a.id, period)] for period in ("year", "t1", "t2")}


def _quiz_counts(f):
    return (f.on_roll, f.participants, f.results, f.percent_sum, f.passed, f.full_marks, f.excellent)


def _flag_counts(f):
    return (f.flagged_attempts, f.flagged_hour_logs, f.flagged_activities)


def test_flagged_records_are_left_out_of_every_figure_by_default(flagged):
    assert flagged.plan.count_flagged_records is False
    figures = _class_a(flagged)
    year = figures["year"]
    # Unflagged results: s1·q1 = 50 (its 100 is flagged), s3·q1 = 50, s1·q2 = 90 (the confirmed 80 is out);
    # s4's only attempt is flagged, so s4 took no part.
    assert _quiz_counts(year) == (4, 2, 3, 190, 1, 0, 1)
    assert (year.participation_rate, year.pass_rate, year.full_rate) == (50, pytest.approx(100 / 3), 0)
    assert year.average == pytest.approx(190 / 3)
    assert year.survey_gain == 30  # surveys carry no flag
    assert year.registration_rate == 50  # sign-ins are not records a flag can take away
    # Class hours: the flagged 1.5 is not delivered; activities: the flagged exhibition is not held.
    assert (year.hours_delivered, year.hours_credited, year.hours_rate) == (1, 1, 50)
    assert (year.activities_done, year.activities_required) == (2, 5)
    # Three flagged attempts (s1's 100 carries two flags and is one record), one log, one activity.
    assert _flag_counts(year) == (3, 1, 1) and year.flagged == 5
    term1, term2 = figures["t1"], figures["t2"]
    assert _quiz_counts(term1) == (3, 2, 2, 100, 0, 0, 0) and _flag_counts(term1) == (1, 0, 1)
    assert _quiz_counts(term2) == (3, 1, 1, 90, 1, 0, 1) and _flag_counts(term2) == (2, 1, 0)
    assert (term1.activities_done, term2.activities_done, term2.hours_delivered) == (1, 2, 0)


def test_a_plan_that_counts_flagged_records_gets_the_figures_of_every_record(flagged):
    flagged.plan.count_flagged_records = True
    figures = _class_a(flagged)
    year, term1, term2 = figures["year"], figures["t1"], figures["t2"]
    # The numbers of the district without flags (test_class_figures_by_period_with_leavers_and_latecomers)…
    assert _quiz_counts(year) == (4, 3, 4, 320, 3, 1, 2)
    assert (year.hours_delivered, year.hours_credited, year.activities_done) == (2.5, 2, 3)
    assert _quiz_counts(term1) == (3, 2, 2, 150, 1, 1, 1)
    assert _quiz_counts(term2) == (3, 2, 2, 170, 2, 0, 1)
    # …and the same flagged records behind them.
    assert [_flag_counts(f) for f in (year, term1, term2)] == [(3, 1, 1), (1, 0, 1), (2, 1, 0)]
    # The caller may ask for the other side whatever the plan says.
    assert _quiz_counts(_class_a(flagged, count_flagged=False)["year"]) == (4, 2, 3, 190, 1, 0, 1)


def test_a_cleared_flag_counts_again_after_the_refresh(flagged):
    from plans.tests.builders import decide

    refresh_district(flagged.district, 2025)
    row = ClassFigures.objects.get(school_class=flagged.class_b, period=Period.YEAR)
    # Class B's only log was flagged and cleared: it counts on both sides and is not a flagged record.
    assert (row.hours_delivered, row.hours_delivered_with_flagged, row.flagged_hour_logs) == (1, 1, 0)
    decide(flagged.flags["s4_q1"], "cleared", at(2026, 6, 2))
    before = ClassFigures.objects.get(school_class=flagged.class_a, period=Period.YEAR)
    assert (before.participants, before.flagged_attempts) == (2, 3)  # the roll-up shows its last refresh
    refresh_district(flagged.district, 2025)
    after = ClassFigures.objects.get(school_class=flagged.class_a, period=Period.YEAR)
    assert (after.participants, after.results, after.percent_sum, after.flagged_attempts) == (3, 4, 280, 2)
    assert after.participants_with_flagged == 3


def test_a_flagged_activity_for_several_classes_is_one_flagged_record_of_its_school(flagged):
    from people.models import SchoolClass

    grade7 = SchoolClass.objects.create(school=flagged.school, school_year=flagged.year, grade=7, number=1)
    refresh_district(flagged.district, 2025)
    rows = {
        row.school_class_id: row
        for row in ClassFigures.objects.filter(school=flagged.school, school_year=flagged.year, period=Period.YEAR)
    }
    # The school-wide exhibition counts for both classes' activities and, flagged, for neither…
    assert (rows[grade7.id].activities_done_with_flagged, rows[grade7.id].activities_done) == (2, 1)  # + film
    assert (rows[flagged.class_a.id].activities_done_with_flagged, rows[flagged.class_a.id].activities_done) == (3, 2)
    # …yet it is one record: counted once, on the first class (grade 7), so the school shows one.
    assert (rows[grade7.id].flagged_activities, rows[flagged.class_a.id].flagged_activities) == (1, 0)
    school = metrics.total(ClassFigures.objects.filter(school=flagged.school, school_year=flagged.year, period="year"))
    assert school.flagged_activities == 1


def test_formula_text_says_how_flagged_records_enter_the_figures():
    left_out = metrics.formula_text({"participation": 40}, count_flagged=False)
    counted = metrics.formula_text({"participation": 40}, count_flagged=True)
    assert metrics.flagged_rule_text(False) in left_out and metrics.flagged_rule_text(True) in counted
    assert left_out != counted
    assert metrics.flagged_rule_text(False) in metrics.formula_text({})


# The hand district, school by school and in total, whole year 2025, as worked out by hand above. Composite
# weights are the template's: 40 participation, 30 pass, 10 full, 20 average.
# Without flagged records: school A 2 of 4 took part, pass 1/3, full 0, average 190/3, hours 1 of 2, activities
# 2 of 5, composite (40×50 + 30×33.3 + 0 + 20×63.3)/100 = 42.7; the district (6 on roll) 2 of 6, composite
# (40×33.3 + 30×33.3 + 0 + 20×63.3)/100 = 36.0, hours (1 + 1) of 4, activities 2 of 10.
# With them: school A 3 of 4, pass 3/4, full 1/4, average 80, composite 71.0; the district 3 of 6, composite
# (40×50 + 30×75 + 10×25 + 20×80)/100 = 61.0, hours (2 + 1) of 4, activities 3 of 10.
# School B: 0 of 2 took part, no result, hours 1 of 2 (its cleared log counts), composite 0 (participation only).
# Flagged records: 5 in school A (3 attempts, 1 log, 1 activity), 0 in school B, 5 in all, on both sides.
EXPECTED = {
    False: {
        "dashboard": {
            "手算一中": ["4", "50.0%", "50.0%", "33.3%", "0.0%", "33.3%", "63.3", "50.0%", "40.0%", "42.7", "5"],
            "手算二中": ["2", "0.0%", "0.0%", "—", "—", "—", "—", "50.0%", "0.0%", "0.0", "0"],
            "total": ["6", "33.3%", "33.3%", "33.3%", "0.0%", "33.3%", "63.3", "50.0%", "20.0%", "36.0", "5"],
        },
        "report": [
            ["手算一中", 1, 1, 100.0, 2, 4, 50.0, 33.3, 0.0, 63.3, 42.7, 50.0, 33.3, 5],
            ["手算二中", 0, 1, 0.0, 0, 2, 0.0, None, None, None, 0.0, 0.0, None, 0],
            [1, 2, 50.0, 2, 6, 33.3, 33.3, 0.0, 63.3, 36.0, 33.3, 33.3, 5],
        ],
    },
    True: {
        "dashboard": {
            "手算一中": ["4", "50.0%", "75.0%", "75.0%", "25.0%", "50.0%", "80.0", "100.0%", "60.0%", "71.0", "5"],
            "手算二中": ["2", "0.0%", "0.0%", "—", "—", "—", "—", "50.0%", "0.0%", "0.0", "0"],
            "total": ["6", "33.3%", "50.0%", "75.0%", "25.0%", "50.0%", "80.0", "75.0%", "30.0%", "61.0", "5"],
        },
        "report": [
            ["手算一中", 1, 1, 100.0, 3, 4, 75.0, 75.0, 25.0, 80.0, 71.0, 50.0, 50.0, 5],
            ["手算二中", 0, 1, 0.0, 0, 2, 0.0, None, None, None, 0.0, 0.0, None, 0],
            [1, 2, 50.0, 3, 6, 50.0, 75.0, 25.0, 80.0, 61.0, 33.3, 50.0, 5],
        ],
    },
}


@pytest.fixture
def hand_on_screen(flagged):
    """The flagged hand district rolled up once, with a bureau auditor, and its plan covering today's school
    year too (the audit pages offer the years of the plan that covers today)."""
    from people.models import RoleKind, SchoolYear
    from people.testing import make_role_user

    flagged.plan.years = max(3, SchoolYear.current().start_year - 2025 + 1)
    flagged.plan.save(update_fields=["years"])
    refresh_district(flagged.district, 2025)
    flagged.auditor = make_role_user(RoleKind.BUREAU_AUDITOR, district=flagged.district, username="hand-auditor")
    flagged.admin = make_role_user(RoleKind.BUREAU_ADMIN, district=flagged.district, username="hand-admin")
    return flagged


def _dashboard_cells(response) -> dict:
    table = {row.name: [cell["text"] for cell in row_cells[2:]] for row, row_cells in response.context["table"]}
    table["total"] = [cell["text"] for cell in response.context["total_cells"][2:]]
    return table


def _xlsx_rows(client, group_by="school") -> list[tuple]:
    from openpyxl import load_workbook

    from plans.models import TableExport

    client.post(reverse("plans:export_create"), {"year": 2025, "period": "year", "by": group_by})
    export = TableExport.objects.latest("created_at")
    download = client.get(reverse("plans:export_download", args=[export.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


@pytest.mark.parametrize("count_flagged", [False, True], ids=["flagged-left-out", "flagged-counted"])
def test_dashboard_report_and_exports_agree_on_flagged_records(client, hand_on_screen, count_flagged):
    import csv

    from django.utils import translation

    hand = hand_on_screen
    # The roll-up holds both sides: the plan's setting changes the screens without a refresh.
    hand.plan.count_flagged_records = count_flagged
    hand.plan.save(update_fields=["count_flagged_records"])
    expected = EXPECTED[count_flagged]
    client.force_login(hand.auditor)

    dashboard = client.get(reverse("plans:dashboard"), {"year": 2025, "period": "year"})
    assert dashboard.status_code == 200
    assert [h["key"] for h in dashboard.context["headers"]][-1] == "flagged"
    assert _dashboard_cells(dashboard) == expected["dashboard"]
    page = dashboard.content.decode()
    assert 'data-flagged="5"' in page
    with translation.override(dashboard.wsgi_request.LANGUAGE_CODE):
        rule = metrics.flagged_rule_text(count_flagged)
    assert dashboard.context["formula"].endswith(rule) and rule in page

    # Both lines ranked (school A's composite is the higher), rank first, in rank order.
    ranked = [[rank, *line] for rank, line in zip((1, 2), expected["report"][:2], strict=True)]
    report = client.get(reverse("plans:report"), {"year": 2025, "period": "year", "cols": "all"})
    assert report.context["lines"] == ranked
    assert report.context["total"][2:] == expected["report"][2]
    assert report.context["formula"].endswith(rule)

    rows = _xlsx_rows(client)
    assert rows[0][0] == "排名" and rows[0][-1] == "存疑记录数" and len(rows[0]) == len(expected["report"][2]) + 2
    assert [list(row) for row in rows[1:3]] == ranked
    assert list(rows[3]) == [None, "合计", *expected["report"][2]]

    csv_response = client.get(reverse("plans:report_csv"), {"year": 2025, "period": "year"})
    lines = list(csv.reader(io.StringIO(b"".join(csv_response.streaming_content).decode("utf-8-sig"))))
    assert lines[-1][1] == "合计" and lines[-1][-1] == "5"
    assert [line[-1] for line in lines[1:3]] == ["5", "0"]
    assert lines[1][5] == str(expected["report"][0][4])  # participating students follow the setting

    # By township (one school each here), the lines are the schools' and the total the same.
    by_township = _xlsx_rows(client, "township")
    assert {row[1]: row[-1] for row in by_township[1:]} == {"东镇": 5, "西镇": 0, "合计": 5}
    assert list(by_township[-1][2:]) == expected["report"][2]


def test_school_class_and_records_pages_follow_the_plan(client, hand_on_screen):
    hand = hand_on_screen
    client.force_login(hand.auditor)
    school = client.get(reverse("plans:school", args=[hand.school.pk]), {"year": 2025})
    assert school.context["total"].figures.flagged == 5 and school.context["total"].figures.participants == 2
    class_page = client.get(reverse("plans:class", args=[hand.class_a.pk]))
    figures = class_page.context["figures"]
    assert (figures.participants, figures.flagged) == (2, 5)
    lines = {line.number: line for line in class_page.context["students"]}
    # The student list agrees with the class's figures: s4's only attempt is flagged, s1's q1 counts 50.
    assert (lines["a4"].results, lines["a1"].results, lines["a1"].percent_sum) == (0, 2, 140)
    records = client.get(reverse("plans:records", args=[hand.class_a.pk, "attempts"]))
    marked = {a.pk for a in records.context["attempts"] if a.flagged}
    assert marked == {hand.s1_q1_best.pk, hand.s4_q1.pk, hand.s1_q2_last.pk}
    assert "badge warn" in records.content.decode()
    hours = client.get(reverse("plans:records", args=[hand.class_a.pk, "hours"]))
    assert [log.flagged for log in hours.context["logs"]] == [False, True]

    hand.plan.count_flagged_records = True
    hand.plan.save(update_fields=["count_flagged_records"])
    class_page = client.get(reverse("plans:class", args=[hand.class_a.pk]))
    assert (class_page.context["figures"].participants, class_page.context["figures"].flagged) == (3, 5)
    lines = {line.number: line for line in class_page.context["students"]}
    assert (lines["a4"].results, lines["a1"].percent_sum) == (1, 180)


def test_bureau_admin_sets_whether_flagged_records_count_and_it_is_audited(client, hand_on_screen):
    from core.models import AuditEvent

    hand = hand_on_screen
    url = reverse("plans:plan", args=[hand.plan.pk])
    client.force_login(hand.auditor)
    data = {"name": hand.plan.name, "excellent_percent": 85, "count_flagged_records": "on"}
    assert client.post(url, data).status_code == 403
    hand.plan.refresh_from_db()
    assert hand.plan.count_flagged_records is False
    client.force_login(hand.admin)
    page = client.get(url).content.decode()
    assert 'name="count_flagged_records"' in page
    assert client.post(url, data).status_code == 302
    hand.plan.refresh_from_db()
    assert hand.plan.count_flagged_records is True
    event = AuditEvent.objects.filter(action="plans.plan_changed").get()
    assert event.details["count_flagged_records"] is True and "count_flagged_records" in event.details["changed"]
    dashboard = client.get(reverse("plans:dashboard"), {"year": 2025})
    assert dashboard.context["total"].figures.participants == 3
    # Unticking leaves them out again.
    client.post(url, {"name": hand.plan.name, "excellent_percent": 85})
    assert client.get(reverse("plans:dashboard"), {"year": 2025}).context["total"].figures.participants == 2
