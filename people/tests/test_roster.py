import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from core.models import AuditEvent
from people.models import Enrollment, InitialPassword, SchoolClass, SchoolKind, SchoolYear, Student, User
from people.roster import import_roster, parse_class
from people.testing import make_class, make_school, make_student

pytestmark = pytest.mark.django_db

HEADER_CN = ["姓名", "学号", "性别", "年级", "班级"]
HEADER_EN = ["Name", "Student number", "Gender", "Grade", "Class"]
GOOD = [
    ["张小明", "20260001", "男", "初一", "1班"],
    ["李小红", "20260002", "女", "七年级", "(1)班"],
    ["王　芳", "２０２６０００３", "女", "７", "初一（２）班"],
    ["赵雷", "20260004", "", "8", "2"],
]


def csv_bytes(rows, header=HEADER_CN, encoding="utf-8") -> bytes:
    text = "\n".join(",".join(row) for row in [header, *rows]) + "\n"
    return text.encode(encoding)


def xlsx_bytes(rows, header=HEADER_CN) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def school():
    return make_school(code="330199", kind=SchoolKind.JUNIOR)


def student_state(school):
    return sorted(
        Enrollment.objects.filter(student__school=school).values_list(
            "student__student_number", "student__user__full_name", "school_class__grade", "school_class__number"
        )
    )


@pytest.mark.parametrize(
    "data",
    [
        csv_bytes(GOOD, encoding="utf-8"),
        csv_bytes(GOOD, encoding="utf-8-sig"),
        csv_bytes(GOOD, encoding="gbk"),
        csv_bytes(GOOD, encoding="gb18030"),
        csv_bytes(GOOD, header=HEADER_EN),
        xlsx_bytes(GOOD),
        xlsx_bytes([[r[0], int(r[1]) if r[1].isdigit() else r[1], *r[2:]] for r in GOOD], header=HEADER_EN),
    ],
    ids=["utf8", "utf8-bom", "gbk", "gb18030", "english-headers", "xlsx", "xlsx-numeric-numbers"],
)
def test_clean_file_imports_in_every_encoding_and_format(school, data):
    result = import_roster(school, data, actor=None)
    assert result.ok, result.problems
    assert result.committed and result.created == 4 and result.classes_created == 3
    assert student_state(school) == [
        ("20260001", "张小明", 7, 1),
        ("20260002", "李小红", 7, 1),
        ("20260003", "王 芳", 7, 2),
        ("20260004", "赵雷", 8, 2),
    ]
    student = Student.objects.get(school=school, student_number="20260003")
    assert student.user.username == "330199-20260003"
    assert student.gender == "F"
    assert student.user.groups.filter(name="Students").exists()
    initial = InitialPassword.objects.get(user=student.user).password
    assert student.user.check_password(initial)
    assert AuditEvent.objects.filter(action="people.roster_import").count() == 1


@pytest.mark.parametrize("as_xlsx", [False, True])
def test_every_problem_is_reported_by_row_and_column_and_nothing_is_written(school, as_xlsx):
    rows = [
        ["张小明", "20260001", "男", "初一", "1班"],
        ["", "20260002", "女", "初一", "1班"],  # empty name
        ["李四", "20260001", "男", "初一", "2班"],  # duplicate number
        ["王五", "20260005", "男", "大一", "1班"],  # unknown grade
        ["赵六", "20260006", "X", "初一", "一班级"],  # unknown gender and class
        ["钱七", "20260007", "男", "五年级", "1班"],  # a grade the junior school does not teach
        ["孙八", "20260008", "男", "初一", "初二(1)班"],  # class of another grade
    ]
    data = xlsx_bytes(rows) if as_xlsx else csv_bytes(rows)
    with translation.override("en"):  # the message text is checked below in English
        result = import_roster(school, data, actor=None)
    assert not result.ok and not result.committed
    found = {(p.row, p.column) for p in result.problems}
    assert found == {(3, "name"), (4, "number"), (5, "grade"), (6, "gender"), (6, "class"), (7, "grade"), (8, "class")}
    duplicate = next(p for p in result.problems if p.row == 4)
    assert "row 2" in duplicate.message
    assert not Student.objects.filter(school=school).exists()
    assert not SchoolClass.objects.filter(school=school).exists()


def test_class_of_another_school_year_is_refused(school):
    year = SchoolYear.current()
    header = [*HEADER_CN, "学年"]
    rows = [
        ["张小明", "1", "男", "初一", "1班", f"{year.start_year}-{year.start_year + 1}"],
        ["李小红", "2", "女", "初一", "1班", f"{year.start_year - 1}-{year.start_year}"],
    ]
    result = import_roster(school, csv_bytes(rows, header=header), actor=None)
    assert [(p.row, p.column) for p in result.problems] == [(3, "school_year")]
    assert not Student.objects.filter(school=school).exists()


def test_missing_header_and_unreadable_file(school):
    result = import_roster(school, csv_bytes(GOOD, header=["姓名", "性别", "年级", "班级", "备注"]), actor=None)
    assert [(p.row, p.column) for p in result.problems] == [(1, "number")]
    result = import_roster(school, b"\x00\x01\x02binary", actor=None)
    assert [p.column for p in result.problems] == ["file"]


def test_reimport_changes_nothing_and_changed_file_updates_and_moves(school):
    first = import_roster(school, csv_bytes(GOOD), actor=None)
    assert first.committed
    passwords_before = dict(InitialPassword.objects.values_list("user__username", "password"))
    state_before = student_state(school)

    again = import_roster(school, csv_bytes(GOOD), actor=None)
    assert again.ok and again.changes == 0 and again.unchanged == 4
    assert student_state(school) == state_before
    assert dict(InitialPassword.objects.values_list("user__username", "password")) == passwords_before

    changed = [row[:] for row in GOOD[:3]]
    changed[0][0] = "张晓明"  # corrected name
    changed[1][4] = "2班"  # moved to class 2
    result = import_roster(school, csv_bytes(changed), actor=None)
    assert (result.created, result.updated, result.moved, result.unchanged) == (0, 1, 1, 1)
    assert student_state(school) == [
        ("20260001", "张晓明", 7, 1),
        ("20260002", "李小红", 7, 2),
        ("20260003", "王 芳", 7, 2),
        ("20260004", "赵雷", 8, 2),  # not in the file: kept, not deleted
    ]


def test_moving_keeps_last_years_enrollment(school):
    last_year = SchoolYear.get_or_create_for(SchoolYear.current().start_year - 1)
    old_class = make_class(school, grade=7, number=3, year=last_year)
    student = make_student(old_class, "20250009", "周九")
    result = import_roster(school, csv_bytes([["周九", "20250009", "男", "初二", "3班"]]), actor=None)
    assert result.committed and result.enrolled == 1 and result.created == 0
    assert Enrollment.objects.filter(student=student, school_year=last_year, school_class=old_class).exists()
    assert Enrollment.objects.get(student=student, school_year=SchoolYear.current()).school_class.grade == 8


def test_graduate_and_taken_username_are_problems(school):
    User.objects.create(username="330199-777", full_name="老师")
    graduate = make_student(make_class(school, grade=9), "888", "毕业生")
    Student.objects.filter(pk=graduate.pk).update(graduated_on="2026-07-01")
    rows = [["甲", "777", "", "初一", "1班"], ["乙", "888", "", "初三", "1班"]]
    result = import_roster(school, csv_bytes(rows), actor=None)
    assert [(p.row, p.column) for p in result.problems] == [(2, "number"), (3, "number")]


def test_dry_run_reports_counts_and_writes_nothing(school):
    result = import_roster(school, xlsx_bytes(GOOD), actor=None, dry_run=True)
    assert result.ok and not result.committed and result.created == 4 and result.classes_created == 3
    assert not Student.objects.filter(school=school).exists()


@pytest.mark.parametrize(
    ("text", "grade", "expected"),
    [
        ("2", 5, (5, 2)),
        ("2班", 5, (5, 2)),
        ("(2)班", 5, (5, 2)),
        ("（２）班", 5, (5, 2)),
        ("五年级2班", None, (5, 2)),
        ("五年级十二班", None, (5, 12)),
        ("初一二班", None, (7, 2)),
        ("高二(3)班", None, (11, 3)),
        ("7年级12班", None, (7, 12)),
        ("2.0", 8, (8, 2)),
        ("班", 5, (None, None)),
        ("", 5, (None, None)),
    ],
)
def test_parse_class(text, grade, expected):
    assert parse_class(text, grade) == expected


def test_management_command_dry_run_and_errors(school, tmp_path):
    good = tmp_path / "roster.csv"
    good.write_bytes(csv_bytes(GOOD, encoding="gbk"))
    out = io.StringIO()
    call_command("import_roster", "--school", school.code, str(good), "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue() and not Student.objects.filter(school=school).exists()
    call_command("import_roster", "--school", school.code, str(good), stdout=io.StringIO())
    assert Student.objects.filter(school=school).count() == 4

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([["", "9", "", "初一", "1班"]]))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_roster", "--school", school.code, str(bad), stderr=io.StringIO())
    with pytest.raises(CommandError):
        call_command("import_roster", "--school", "NOPE", str(good))
