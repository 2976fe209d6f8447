"""The district generator on SQLite: counts, promotion, leavers, scores, roles, and no second run on top."""

import pytest
from django.core.management import CommandError
from django.db.models import Count

from bench.generator.district import BURST_QUIZ_TITLE, SAVE_QUIZ_TITLE
from people.models import ClassTeacher, Enrollment, Role, RoleKind, School, SchoolClass, SchoolYear, Student, User
from people.scope import roles_of
from quizzes.models import Attempt, Quiz

pytestmark = pytest.mark.django_db


def test_small_district_has_the_counts_asked_for(generate_district):
    output = generate_district(schools=2, students_per_school=20, attempts_per_student=2)
    assert "Generated 2 schools, 40 students and 80 attempts" in output
    assert School.objects.filter(district__code="B1-01").count() == 2
    assert Student.objects.count() == 40
    assert Attempt.objects.count() == 80
    year = SchoolYear.current()
    assert Enrollment.objects.filter(school_year=year).count() == 40
    # Every student has one attempt per lesson quiz, numbered from 1.
    per_student = Attempt.objects.values("student").annotate(n=Count("id")).values_list("n", flat=True)
    assert set(per_student) == {2}
    assert set(Attempt.objects.values_list("number", flat=True)) == {1}


def test_classes_are_promoted_and_last_years_enrollments_kept(generate_district):
    generate_district(schools=3, students_per_school=60, attempts_per_student=1, seed=2)
    year = SchoolYear.current()
    for school_class in SchoolClass.objects.filter(school_year=year).select_related("school"):
        entry_grade = school_class.school.grades[0]
        if school_class.grade == entry_grade:
            assert school_class.promoted_from is None
        else:
            assert school_class.promoted_from.grade == school_class.grade - 1
            assert school_class.promoted_from.school_year.start_year == year.start_year - 1
            moved = set(school_class.enrollments.values_list("student", flat=True))
            last_year = set(school_class.promoted_from.enrollments.values_list("student", flat=True))
            assert moved == last_year and moved
    # Attempts sit with the class of the year they were taken in.
    for attempt in Attempt.objects.select_related("school_class__school_year")[:200]:
        enrolled = Enrollment.objects.get(student_id=attempt.student_id, school_class=attempt.school_class)
        assert enrolled.school_year_id == attempt.school_class.school_year_id


def test_leavers_scores_and_sign_ins_are_plausible(generate_district):
    generate_district(schools=1, students_per_school=600, attempts_per_student=2, seed=5)
    left = Student.objects.filter(left_on__isnull=False)
    assert 0 < left.count() < 60
    for student in left:
        current = student.enrollments.get(school_year=SchoolYear.current())
        assert current.left_on == student.left_on
    percents = list(Attempt.objects.values_list("percent", flat=True))
    assert min(percents) >= 0 and max(percents) <= 100
    mean = sum(percents) / len(percents)
    assert 55 < mean < 90
    assert 0 < sum(p == 100 for p in percents) < len(percents) / 2
    assert all(a.passed == (a.percent >= 60) for a in Attempt.objects.all()[:500])
    never = User.objects.filter(student__isnull=False, last_login__isnull=True).count()
    assert 0 < never < 100


def test_people_have_roles_the_scope_rules_read(generate_district):
    generate_district(schools=2, students_per_school=50, attempts_per_student=0, seed=7)
    bureau = User.objects.get(username="b7-01-admin")
    assert bureau.roles.get().kind == RoleKind.BUREAU_ADMIN
    assert roles_of(bureau).bureau_admin_districts
    for school in School.objects.all():
        assert Role.objects.filter(school=school, kind=RoleKind.SCHOOL_ADMIN).count() == 1
    for school_class in SchoolClass.objects.filter(school_year=SchoolYear.current()):
        assert ClassTeacher.objects.filter(school_class=school_class, is_head_teacher=True).count() == 1
    student = Student.objects.select_related("user").first()
    assert roles_of(student.user).is_student
    assert student.user.check_password("bench-password-2026")
    assert Quiz.objects.filter(title__in=[SAVE_QUIZ_TITLE, BURST_QUIZ_TITLE], live=True).count() == 2


def test_a_second_run_with_the_same_seed_is_refused(generate_district):
    generate_district(schools=1, students_per_school=5, attempts_per_student=1, seed=9)
    with pytest.raises(CommandError, match="exist already"):
        generate_district(schools=1, students_per_school=5, attempts_per_student=1, seed=9)
    assert Student.objects.count() == 5


def test_rows_made_afterwards_get_fresh_ids(generate_district):
    generate_district(schools=1, students_per_school=5, attempts_per_student=1, seed=11)
    school = School.objects.get()
    extra = SchoolClass.objects.create(
        school=school, school_year=SchoolYear.current(), grade=school.grades[0], number=99
    )
    assert extra.pk > max(SchoolClass.objects.exclude(pk=extra.pk).values_list("pk", flat=True))


def test_a_region_tree_with_an_officer_and_a_plan_at_every_level(generate_district):
    from people.models import District, Region, RegionLevel
    from people.scope import districts_for, regions_for
    from plans.planning import plan_for

    output = generate_district(
        schools=6, students_per_school=12, attempts_per_student=0, seed=3, districts=3, cities=2, class_size=3
    )
    assert "under regions B3-P, B3-C01, B3-C02" in output
    province = Region.objects.get(code="B3-P", level=RegionLevel.PROVINCE, parent=None)
    cities = list(Region.objects.filter(parent=province).order_by("code"))
    assert [c.code for c in cities] == ["B3-C01", "B3-C02"] and all(c.level == RegionLevel.CITY for c in cities)
    # Three counties shared out in order: two under the first city, one under the second.
    placing = dict(District.objects.values_list("code", "region__code"))
    assert placing == {"B3-01": "B3-C01", "B3-02": "B3-C01", "B3-03": "B3-C02"}
    assert set(School.objects.values_list("district__code", flat=True)) == set(placing)
    # Each level's officer sees what people.scope gives her level: the province all, a city its counties.
    officer = User.objects.get(username="b3-p-admin")
    assert officer.roles.get().region == province and officer.roles.get().kind == RoleKind.BUREAU_ADMIN
    assert set(districts_for(officer).values_list("code", flat=True)) == set(placing)
    assert set(regions_for(officer).values_list("code", flat=True)) == {"B3-P", "B3-C01", "B3-C02"}
    city = User.objects.get(username="b3-c02-admin")
    assert list(districts_for(city).values_list("code", flat=True)) == ["B3-03"]
    assert list(regions_for(city).values_list("code", flat=True)) == ["B3-C02"]
    county = User.objects.get(username="b3-02-admin")
    assert list(districts_for(county).values_list("code", flat=True)) == ["B3-02"] and not regions_for(county)
    # Every county runs a plan for this school year, with yearly targets.
    year = SchoolYear.current().start_year
    for district in District.objects.all():
        plan = plan_for(district.pk, year)
        assert plan is not None and plan.tasks.filter(targets__year_index=1).exists()
    # A class of three: twelve students make four or more classes per school, not one per grade of 45.
    for school in School.objects.all():
        on_roll = Enrollment.objects.filter(school_class__school=school, school_year__start_year=year)
        classes = SchoolClass.objects.filter(school=school, school_year__start_year=year)
        assert classes.count() >= on_roll.count() / 3


def test_a_tree_needs_a_county_per_city(generate_district):
    with pytest.raises(CommandError, match="need at least as many districts"):
        generate_district(schools=2, students_per_school=5, attempts_per_student=0, seed=4, districts=1, cities=2)
