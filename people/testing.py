"""Small builders for tests of every app: real rows in the real test database, no mocks."""

import contextlib
import datetime
import itertools
from unittest import mock

from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import (
    ClassTeacher,
    District,
    Enrollment,
    Region,
    RegionLevel,
    Role,
    RoleKind,
    School,
    SchoolClass,
    SchoolKind,
    SchoolYear,
    Student,
)


@contextlib.contextmanager
def frozen_time(moment: datetime.datetime | datetime.date):
    """The clock stopped at `moment` (a date means its noon, local time) for everything that reads
    `timezone.now()` or `timezone.localdate()`, saving rows included (auto_now fields read the same clock)."""
    if not isinstance(moment, datetime.datetime):
        moment = datetime.datetime.combine(moment, datetime.time(12))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


PASSWORD = "correct-horse-battery"  # noqa: S105 (tests only)
_seq = itertools.count(1)


def make_user(username: str | None = None, full_name: str = "", password: str = PASSWORD, **extra):
    username = username or f"user{next(_seq)}"
    user = get_user_model()(username=username, full_name=full_name or username, **extra)
    user.set_password(password)
    user.save()
    return user


def make_district(code: str | None = None, name: str = "测试区教育局", region: Region | None = None) -> District:
    code = code or f"D{next(_seq)}"
    return District.objects.create(code=code, name=name, region=region)


def make_region(level: str = RegionLevel.CITY, parent: Region | None = None, code=None, name=None) -> Region:
    code = code or f"R{next(_seq)}"
    if level == RegionLevel.CITY and parent is None:
        parent = make_region(RegionLevel.PROVINCE)
    return Region.objects.create(code=code, name=name or f"地区{code}", level=level, parent=parent)


class RegionWorld:
    """The hand-built region of the bureau's acceptance: one province, two cities, three counties (the third
    under the province itself, 省直管), eight schools, and an officer at each level."""

    def __init__(self):
        self.province = make_region(RegionLevel.PROVINCE, code="P1", name="示范省")
        self.city_a = make_region(RegionLevel.CITY, self.province, code="C1", name="甲市")
        self.city_b = make_region(RegionLevel.CITY, self.province, code="C2", name="乙市")
        self.county_a1 = make_district("A1", "甲市一区教育局", region=self.city_a)
        self.county_a2 = make_district("A2", "甲市二区教育局", region=self.city_a)
        self.county_p = make_district("P9", "省直管县教育局", region=self.province)
        placing = [self.county_a1] * 3 + [self.county_a2] * 3 + [self.county_p] * 2
        self.schools = [make_school(county, code=f"RW{n}") for n, county in enumerate(placing, start=1)]
        self.province_officer = make_role_user(RoleKind.BUREAU_ADMIN, region=self.province)
        self.city_officer = make_role_user(RoleKind.BUREAU_ADMIN, region=self.city_a)
        self.city_b_auditor = make_role_user(RoleKind.BUREAU_AUDITOR, region=self.city_b)
        self.county_officer = make_role_user(RoleKind.BUREAU_ADMIN, district=self.county_a1)


def make_school(
    district: District | None = None, code: str | None = None, kind: str = SchoolKind.JUNIOR, **extra
) -> School:
    district = district or make_district()
    code = code or f"S{next(_seq)}"
    return School.objects.create(
        district=district, code=code, name=extra.pop("name", f"学校{code}"), kind=kind, **extra
    )


def make_class(school: School, grade: int = 8, number: int = 1, year: SchoolYear | None = None) -> SchoolClass:
    year = year or SchoolYear.current()
    return SchoolClass.objects.create(school=school, school_year=year, grade=grade, number=number)


def make_student(school_class: SchoolClass, number: str | None = None, full_name: str = "", **extra) -> Student:
    number = number or f"{next(_seq):06d}"
    user = make_user(f"{school_class.school.code}-{number}", full_name or f"学生{number}")
    student = Student.objects.create(user=user, school=school_class.school, student_number=number, **extra)
    Enrollment.objects.create(student=student, school_class=school_class, school_year=school_class.school_year)
    return student


def make_teacher(school: School, classes=(), head_of=(), username: str | None = None):
    user = make_user(username, full_name="老师")
    Role.objects.create(user=user, kind=RoleKind.TEACHER, school=school)
    for school_class in classes:
        ClassTeacher.objects.create(teacher=user, school_class=school_class, is_head_teacher=school_class in head_of)
    return user


def make_role_user(
    kind: str,
    district: District | None = None,
    school: School | None = None,
    grade=None,
    username=None,
    region: Region | None = None,
):
    user = make_user(username)
    Role.objects.create(user=user, kind=kind, district=district, region=region, school=school, grade=grade)
    return user


class World:
    """Two districts, each with a school, two classes, a teacher per class, students and every role.

    Tests of every app use it to show that a user of another school, class or district is refused.
    """

    def __init__(self):
        self.district = make_district("D1", "青山区教育局")
        self.other_district = make_district("D2", "绿水区教育局")
        self.school = make_school(self.district, "S1", SchoolKind.JUNIOR, name="青山一中")
        self.other_school = make_school(self.district, "S2", SchoolKind.JUNIOR, name="青山二中")
        self.far_school = make_school(self.other_district, "S3", SchoolKind.JUNIOR, name="绿水一中")
        self.class_a = make_class(self.school, grade=8, number=1)
        self.class_b = make_class(self.school, grade=8, number=2)
        self.other_class = make_class(self.other_school, grade=8, number=1)
        self.far_class = make_class(self.far_school, grade=8, number=1)
        self.teacher = make_teacher(self.school, [self.class_a], [self.class_a], username="teacher_a")
        self.teacher_b = make_teacher(self.school, [self.class_b], username="teacher_b")
        self.other_teacher = make_teacher(self.other_school, [self.other_class], username="teacher_other")
        self.grade_leader = make_role_user(RoleKind.GRADE_LEADER, school=self.school, grade=8, username="grade_leader")
        self.school_admin = make_role_user(RoleKind.SCHOOL_ADMIN, school=self.school, username="school_admin")
        self.other_school_admin = make_role_user(
            RoleKind.SCHOOL_ADMIN, school=self.other_school, username="other_admin"
        )
        self.bureau_admin = make_role_user(RoleKind.BUREAU_ADMIN, district=self.district, username="bureau_admin")
        self.auditor = make_role_user(RoleKind.BUREAU_AUDITOR, district=self.district, username="auditor")
        self.far_auditor = make_role_user(RoleKind.BUREAU_AUDITOR, district=self.other_district, username="far_auditor")
        self.editor = make_role_user(RoleKind.CONTENT_EDITOR, username="editor")
        self.reviewer = make_role_user(RoleKind.CONTENT_REVIEWER, username="reviewer")
        self.student = make_student(self.class_a, "1001", "张三")
        self.student_2 = make_student(self.class_a, "1002", "李四")
        self.student_b = make_student(self.class_b, "2001", "王五")
        self.other_student = make_student(self.other_class, "3001", "赵六")
        self.far_student = make_student(self.far_class, "4001", "孙七")
