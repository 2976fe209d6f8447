import pytest

from people.models import Enrollment, SchoolClass, SchoolKind, SchoolYear, Student
from people.promotion import promote_school, promotion_years
from people.testing import make_class, make_school, make_student

pytestmark = pytest.mark.django_db


def last_year_numbers(year):
    """What a report about `year` reads: students per class and grade, by class id."""
    return sorted(
        Enrollment.objects.filter(school_year=year).values_list("school_class_id", "school_class__grade", "student_id")
    )


def test_promotion_moves_classes_up_graduates_top_grade_and_keeps_last_year():
    school = make_school(code="P1", kind=SchoolKind.JUNIOR)
    year = SchoolYear.current()
    c7 = make_class(school, grade=7, number=1)
    c8 = make_class(school, grade=8, number=2)
    c9 = make_class(school, grade=9, number=1)
    s7 = [make_student(c7) for _ in range(3)]
    s8 = make_student(c8)
    s9 = [make_student(c9) for _ in range(2)]
    left = make_student(c7)
    Student.objects.filter(pk=left.pk).update(left_on="2026-03-01")
    before = last_year_numbers(year)

    from_year, to_year = promotion_years(school)
    assert from_year == year and to_year.start_year == year.start_year + 1
    result = promote_school(school, from_year, to_year)

    assert (result.classes_created, result.students_promoted, result.students_graduated) == (2, 4, 2)
    assert last_year_numbers(year) == before  # last year's numbers unchanged
    assert SchoolClass.objects.filter(school=school, school_year=year).count() == 3
    new8 = SchoolClass.objects.get(school=school, school_year=to_year, grade=8, number=1)
    assert new8.promoted_from == c7
    assert set(new8.enrollments.values_list("student_id", flat=True)) == {s.pk for s in s7}
    assert SchoolClass.objects.get(school=school, school_year=to_year, grade=9, number=2).promoted_from == c8
    assert Enrollment.objects.get(student=s8, school_year=to_year).school_class.grade == 9
    assert all(Student.objects.get(pk=s.pk).graduated_on for s in s9)
    assert not Enrollment.objects.filter(student=left, school_year=to_year).exists()
    assert not SchoolClass.objects.filter(school=school, school_year=to_year, grade=10).exists()

    again = promote_school(school, from_year, to_year)
    assert not again.changed
    assert last_year_numbers(year) == before


def test_promotion_touches_only_its_school():
    school = make_school(code="P2")
    other = make_school(code="P3")
    make_student(make_class(school, grade=7))
    other_class = make_class(other, grade=7)
    make_student(other_class)
    year = SchoolYear.current()
    promote_school(school, year, SchoolYear.get_or_create_for(year.start_year + 1))
    assert not SchoolClass.objects.filter(school=other, school_year__start_year=year.start_year + 1).exists()
