"""Demo district: one bureau, four schools of different kinds, classes, teachers and students."""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from core.seeding import SeedContext

from .models import (
    ClassTeacher,
    District,
    Enrollment,
    Instructor,
    InstructorKind,
    Organisation,
    OrganisationKind,
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

DEMO_PASSWORD = "qingdun-demo-2026"  # noqa: S105 (printed on purpose: demo data only)

SCHOOLS = [
    ("330101", "青山区实验小学", SchoolKind.PRIMARY, "青山街道", [5, 6]),
    ("330102", "青山区第一初级中学", SchoolKind.JUNIOR, "青山街道", [7, 8]),
    ("330103", "青山区高级中学", SchoolKind.SENIOR, "绿水镇", [10, 11]),
    ("330104", "青山区职业技术学校", SchoolKind.VOCATIONAL, "绿水镇", [10]),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗"
# One 法治副校长 per demo school: officers of the local police station and court, as the appointment rules intend.
LEGAL_VICE_PRINCIPALS = [
    ("王建国", "青山派出所"),
    ("刘敏", "青山区人民法院"),
    ("陈志强", "绿水派出所"),
    ("赵静", "青山区人民检察院"),
]
GIVEN = ["子涵", "欣怡", "浩然", "梓萱", "宇轩", "思彤", "俊杰", "雨桐", "一诺", "明轩", "佳怡", "博文"]


@cache
def _demo_hash() -> str:
    # Hashing is deliberately slow; hash the shared demo password once, not once per student.
    return make_password(DEMO_PASSWORD)


def _user(username: str, full_name: str, must_change: bool = False):
    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username=username,
        defaults={"full_name": full_name, "password": _demo_hash(), "must_change_password": must_change},
    )
    return user


def _role(user, kind, **where) -> None:
    Role.objects.get_or_create(user=user, kind=kind, **where)


def seed_people(ctx: SeedContext) -> None:
    year = SchoolYear.current()
    province, _ = Region.objects.get_or_create(code="33", defaults={"name": "示范省", "level": RegionLevel.PROVINCE})
    city, _ = Region.objects.get_or_create(
        code="3300", defaults={"name": "示范市", "level": RegionLevel.CITY, "parent": province}
    )
    district, _ = District.objects.get_or_create(code="3301", defaults={"name": "青山区教育局", "region": city})
    ctx.shared["district"] = district
    ctx.shared["school_year"] = year

    bureau_admin = _user("bureau-admin", "周局长")
    _role(bureau_admin, RoleKind.BUREAU_ADMIN, district=district)
    auditor = _user("bureau-auditor", "钱督导")
    _role(auditor, RoleKind.BUREAU_AUDITOR, district=district)
    city_officer = _user("city-officer", "陈处长")
    _role(city_officer, RoleKind.BUREAU_ADMIN, region=city)
    ctx.logins += [
        ("Bureau admin", bureau_admin.username, DEMO_PASSWORD),
        ("Bureau auditor", auditor.username, DEMO_PASSWORD),
        ("City bureau officer", city_officer.username, DEMO_PASSWORD),
    ]

    organisations = {
        name: Organisation.objects.get_or_create(district=district, name=name, defaults={"kind": kind})[0]
        for name, kind in (
            ("区公安分局", OrganisationKind.MEMBER_UNIT),
            ("团区委", OrganisationKind.MEMBER_UNIT),
            ("青山区禁毒志愿者协会", OrganisationKind.SOCIAL),
        )
    }
    ctx.shared["organisations"] = organisations
    officer = _user("police-officer", "吴警官")
    _role(officer, RoleKind.ORGANISATION_OFFICER, organisation=organisations["区公安分局"])
    ctx.logins.append(("Member unit officer (区公安分局)", officer.username, DEMO_PASSWORD))

    editor = _user("editor", "林编辑")
    _role(editor, RoleKind.CONTENT_EDITOR)
    reviewer = _user("reviewer", "何教研")
    _role(reviewer, RoleKind.CONTENT_REVIEWER)
    ctx.logins += [
        ("Content editor", editor.username, DEMO_PASSWORD),
        ("Content reviewer", reviewer.username, DEMO_PASSWORD),
    ]

    schools = []
    for index, (code, name, kind, township, grades) in enumerate(SCHOOLS):
        school, _ = School.objects.get_or_create(
            code=code, defaults={"district": district, "name": name, "kind": kind, "township": township}
        )
        schools.append(school)
        officer, unit = LEGAL_VICE_PRINCIPALS[index]
        Instructor.objects.get_or_create(
            school=school,
            kind=InstructorKind.LEGAL_VICE_PRINCIPAL,
            name=officer,
            defaults={"unit": unit, "contact": f"0571-8800{index:04d}"},
        )
        admin = _user(f"{code}-admin", f"{SURNAMES[index]}主任")
        _role(admin, RoleKind.SCHOOL_ADMIN, school=school)
        teacher = _user(f"{code}-t1", f"{SURNAMES[index + 5]}老师")
        _role(teacher, RoleKind.TEACHER, school=school)
        if index == 0:
            ctx.logins += [
                ("School admin", admin.username, DEMO_PASSWORD),
                ("Teacher", teacher.username, DEMO_PASSWORD),
            ]
        for grade in grades:
            for number in (1, 2):
                school_class, _ = SchoolClass.objects.get_or_create(
                    school=school, school_year=year, grade=grade, number=number
                )
                ClassTeacher.objects.get_or_create(
                    teacher=teacher, school_class=school_class, defaults={"is_head_teacher": number == 1}
                )
                for seat in range(1, 13):
                    number_text = f"{year.start_year}{grade:02d}{number}{seat:02d}"
                    full_name = SURNAMES[(seat + grade) % len(SURNAMES)] + GIVEN[(seat * 7 + number) % len(GIVEN)]
                    user = _user(f"{code}-{number_text}", full_name)
                    student, _ = Student.objects.get_or_create(
                        school=school, student_number=number_text, defaults={"user": user, "gender": "FM"[seat % 2]}
                    )
                    Enrollment.objects.get_or_create(
                        student=student, school_year=year, defaults={"school_class": school_class}
                    )
    first_class = SchoolClass.objects.filter(school=schools[0], school_year=year).order_by("grade", "number").first()
    first_student = first_class.enrollments.order_by("student__student_number").first().student
    ctx.logins.append(("Student", first_student.user.username, DEMO_PASSWORD))
    ctx.shared["schools"] = schools
