"""Who is on a class's roll on a date (people.membership), and every screen and figure that reads it agreeing."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from classroom import progress
from classroom.integrity.records import enrolled
from people import membership
from people.models import Enrollment, RoleKind, SchoolYear
from people.promotion import promote_school
from people.roster import import_roster
from people.testing import make_class, make_role_user, make_school, make_student, make_teacher
from plans import metrics

pytestmark = pytest.mark.django_db

D = datetime.date(2025, 11, 10)


def _numbers(students) -> set[str]:
    return {student.student_number for student in students}


@pytest.fixture
def year():
    return SchoolYear.get_or_create_for(2025)


@pytest.fixture
def classes(year):
    school = make_school(code="M1")
    return make_class(school, grade=8, number=1, year=year), make_class(school, grade=8, number=2, year=year)


def test_the_roll_on_a_date(classes):
    class_a, class_b = classes
    make_student(class_a, "stays")
    joined_after = make_student(class_a, "joined_after")
    Enrollment.objects.filter(student=joined_after).update(joined_on=D + datetime.timedelta(days=1))
    make_student(class_a, "left_before", left_on=D - datetime.timedelta(days=1))
    make_student(class_a, "left_on_d", left_on=D)
    make_student(class_a, "graduated", graduated_on=D - datetime.timedelta(days=30))
    left_class = make_student(class_a, "left_class")
    Enrollment.objects.filter(student=left_class).update(left_on=D - datetime.timedelta(days=2))
    # Moved from class 2 to class 1 a week before D: one enrollment of the year whose class changed.
    moved = make_student(class_b, "moved")
    Enrollment.objects.filter(student=moved).update(school_class=class_a, joined_on=D - datetime.timedelta(days=7))
    anonymised = make_student(class_a, "anonymised")
    anonymised.anonymised_at = timezone.make_aware(datetime.datetime(2025, 11, 1, 9))
    anonymised.save()

    assert _numbers(membership.students_on_roll(class_a, D)) == {"stays", "left_on_d", "moved"}
    assert _numbers(membership.students_on_roll(class_b, D)) == set(), "the student moved away"
    assert membership.roll_counts([class_a, class_b], D) == {class_a.pk: 3, class_b.pk: 0}
    assert enrolled([class_a, class_b], D) == {class_a.pk: 3, class_b.pk: 0}, "the integrity checks read the same"
    # The day after D the one who joined is there, and the one who left on D is gone.
    assert _numbers(membership.students_on_roll(class_a, D + datetime.timedelta(days=1))) == {
        "stays",
        "moved",
        "joined_after",
    }
    # Over a period: everyone on the roll on any of its days.
    term = (datetime.date(2025, 11, 1), datetime.date(2025, 11, 30))
    assert _numbers(membership.students_on_roll(class_a, *term)) == {
        "stays",
        "joined_after",
        "left_before",
        "left_on_d",
        "moved",
        "left_class",
        "anonymised",
    }


def test_now_reads_a_past_class_on_its_last_day(year):
    school_class = make_class(make_school(), year=year)
    make_student(school_class, "stayed")
    make_student(school_class, "left_in_june", left_on=datetime.date(2026, 6, 1))
    make_student(school_class, "left_after_the_year", left_on=datetime.date(2026, 10, 1))
    assert membership.roll_day(school_class, datetime.date(2027, 3, 1)) == year.ends_on
    assert membership.roll_day(school_class, datetime.date(2025, 6, 1)) == year.starts_on
    assert _numbers(membership.students_on_roll(school_class)) == {"stayed", "left_after_the_year"}


def _export_numbers(client, school_class) -> set[str]:
    response = client.get(reverse("classroom:class_export", args=[school_class.pk, "csv"]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    return {row[1] for row in rows[1:]}


def test_every_screen_and_figure_agrees_on_the_roll(client):
    """Class page, progress grid, its export, the school page and the figures read one rule (this year, now)."""
    today = timezone.localdate()
    school = make_school(code="M2")
    school_class = make_class(school, grade=8, number=1)
    other = make_class(school, grade=8, number=2)
    make_student(school_class, "present")
    make_student(school_class, "left_today", left_on=today)
    make_student(school_class, "left_yesterday", left_on=today - datetime.timedelta(days=1))
    later = make_student(school_class, "joins_tomorrow")
    Enrollment.objects.filter(student=later).update(joined_on=today + datetime.timedelta(days=1))
    moved = make_student(other, "moved_in")
    Enrollment.objects.filter(student=moved).update(school_class=school_class, joined_on=today)
    expected = {"present", "left_today", "moved_in"}
    assert _numbers(membership.students_on_roll(school_class)) == expected

    # The export needs a row per assignment; an assignment-free class exports no rows, so give it one.
    from classroom import services
    from lessons.tests.factories import make_lesson, make_module

    teacher = make_teacher(school, classes=[school_class, other])
    lesson = make_lesson(make_module(slug="m"), slug="l")
    services.assign(teacher, [school_class], lesson=lesson, starts_on=today, due_on=today + datetime.timedelta(days=7))

    client.force_login(teacher)
    page = client.get(reverse("people:class_detail", args=[school_class.pk]))
    assert _numbers(page.context["students"]) == expected, "class page"
    grid = client.get(reverse("classroom:class_progress", args=[school_class.pk]))
    assert grid.status_code == 200
    assert _numbers(progress.class_progress(school_class).students) == expected, "progress grid"
    assert _export_numbers(client, school_class) == expected, "class results export"

    admin = make_role_user(RoleKind.SCHOOL_ADMIN, school=school)
    client.force_login(admin)
    home = client.get(reverse("people:school_home", args=[school.code]))
    counts = {c.pk: c.students for c in home.context["classes"]}
    assert counts == {school_class.pk: len(expected), other.pk: 0}, "school page"

    # The figures count everyone on the roll at any time in the period, by the same rule.
    year = school_class.school_year
    figures = metrics.compute_class_figures(school.classes.filter(pk=school_class.pk), year)
    year_roll = membership.class_roll(school_class, year.starts_on, year.ends_on)
    assert figures[(school_class.pk, "year")].on_roll == year_roll.count()
    assert {line.number for line in metrics.student_lines(school_class, "year")} == set(
        year_roll.values_list("student__student_number", flat=True)
    )
    assert expected <= set(year_roll.values_list("student__student_number", flat=True))


def test_promotion_carries_on_those_still_on_the_roll_from_the_new_years_first_day(year):
    school = make_school(code="M3")
    old = make_class(school, grade=7, number=1, year=year)
    make_student(old, "stays")
    make_student(old, "left", left_on=datetime.date(2026, 5, 1))
    # A leaving date still to come does not stop promotion; it ends his roll in the new year when it comes.
    make_student(old, "leaves_in_the_new_year", left_on=datetime.date(2099, 9, 20))
    gone = make_student(old, "left_class")
    Enrollment.objects.filter(student=gone).update(left_on=datetime.date(2026, 4, 1))
    next_year = SchoolYear.get_or_create_for(2026)
    result = promote_school(school, year, next_year)
    assert result.students_promoted == 2
    promoted = Enrollment.objects.filter(school_year=next_year)
    assert set(promoted.values_list("student__student_number", flat=True)) == {"stays", "leaves_in_the_new_year"}
    assert set(promoted.values_list("joined_on", flat=True)) == {None}
    new_class = promoted.first().school_class
    assert _numbers(membership.students_on_roll(new_class, next_year.starts_on)) == {"stays", "leaves_in_the_new_year"}
    assert not promote_school(school, year, next_year).changed


def test_the_years_first_roster_is_on_the_roll_from_the_first_day_and_later_arrivals_from_theirs():
    school = make_school(code="330188")
    header = "姓名,学号,性别,年级,班级\n"
    first = import_roster(school, (header + "张一,20260001,男,初二,1班\n").encode())
    assert first.committed
    assert Enrollment.objects.get(student__student_number="20260001").joined_on is None
    later = import_roster(school, (header + "张一,20260001,男,初二,1班\n李二,20260002,女,初二,1班\n").encode())
    assert later.committed
    assert Enrollment.objects.get(student__student_number="20260002").joined_on == timezone.localdate()
    school_class = Enrollment.objects.get(student__student_number="20260001").school_class
    year = school_class.school_year
    # A lesson logged for the year's first day finds the first roster there, not the later arrival.
    assert enrolled([school_class], year.starts_on) == {school_class.pk: 1}
