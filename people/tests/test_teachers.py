import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from core.models import AuditEvent
from people.models import ClassTeacher, InitialPassword, Role, RoleKind, RosterUpload, User
from people.teachers import import_teachers, parse_class_cell
from people.testing import PASSWORD, make_class, make_school, make_teacher

from .test_roster import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "工号", "任教班级", "班主任", "年级组长"]
GOOD = [
    ["陈老师", "001", "初一1班;初一2班", "初一1班", ""],
    ["刘老师", "002", "7-2，8-1", "", "初二"],
    ["周老师", "003", "", "8-1", ""],
]


@pytest.fixture
def school():
    school = make_school(code="330101")
    for grade in (7, 8):
        for number in (1, 2):
            make_class(school, grade, number)
    return school


def test_parse_class_cell_reads_both_spellings():
    assert parse_class_cell("初一1班") == (7, 1)
    assert parse_class_cell("七年级（2）班") == (7, 2)
    assert parse_class_cell("8-3") == (8, 3)
    assert parse_class_cell("3班") == (None, 3)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_import_creates_accounts_roles_links_and_slips(school, encoding):
    result = import_teachers(school, csv_bytes(GOOD, HEADER, encoding))
    assert result.ok and result.committed, result.problems
    assert result.created == 3
    chen = User.objects.get(username="330101-t001")
    assert chen.full_name == "陈老师" and chen.must_change_password
    assert InitialPassword.objects.get(user=chen).password == result.issued["330101-t001"]
    assert chen.groups.filter(name="Teachers").exists()
    links = {
        (link.school_class.grade, link.school_class.number, link.is_head_teacher) for link in chen.class_links.all()
    }
    assert links == {(7, 1, True), (7, 2, False)}
    zhou = User.objects.get(username="330101-t003")
    assert zhou.class_links.get().is_head_teacher  # the head teacher's class is also taught
    assert Role.objects.filter(user__username="330101-t002", kind=RoleKind.GRADE_LEADER, grade=8).exists()
    assert AuditEvent.objects.get(action="people.teacher_import").district_id == school.district_id


def test_reimport_changes_nothing_and_xlsx_works(school):
    import_teachers(school, xlsx_bytes(GOOD, HEADER))
    again = import_teachers(school, xlsx_bytes(GOOD, HEADER), dry_run=True)
    assert again.ok and again.changes == 0 and again.unchanged == 3


def test_head_teacher_in_file_replaces_previous_one(school):
    klass = school.classes.get(grade=7, number=1)
    old = make_teacher(school, [klass], [klass])
    import_teachers(school, csv_bytes(GOOD, HEADER))
    assert list(
        ClassTeacher.objects.filter(school_class=klass, is_head_teacher=True).values_list(
            "teacher__username", flat=True
        )
    ) == ["330101-t001"]
    assert ClassTeacher.objects.filter(school_class=klass, teacher=old).exists()  # still teaches it


def test_every_problem_is_reported_by_row_and_column_and_nothing_written(school):
    rows = [
        ["", "001", "初一1班", "", ""],
        ["王老师", "002", "初一9班", "", ""],
        ["李老师", "002", "", "", "初五"],
        ["赵老师", "0 03", "3班", "初一1班;初一2班", ""],
        ["钱老师", "004", "", "初一1班", ""],
        ["孙老师", "005", "", "初一1班", ""],
    ]
    result = import_teachers(school, csv_bytes(rows, HEADER))
    found = {(p.row, p.column) for p in result.problems}
    assert {
        (2, "name"),
        (3, "classes"),
        (4, "number"),
        (4, "leads_grade"),
        (5, "classes"),
        (5, "head_of"),
        (7, "head_of"),
    } <= found
    assert not result.committed
    assert not User.objects.filter(username__startswith="330101-t").exists()


def test_missing_header_and_taken_name(school):
    result = import_teachers(school, csv_bytes([["x", "1"]], ["姓名", "班级"]))
    assert [(p.column) for p in result.problems] == ["number"]
    other = make_school(code="330102")
    make_teacher(other, username="330101-t009")
    result = import_teachers(school, csv_bytes([["x", "009", "", "", ""]], HEADER))
    assert result.problems[0].column == "number"


def test_command_dry_run_and_errors(school, tmp_path, capsys):
    path = tmp_path / "teachers.csv"
    path.write_bytes(csv_bytes(GOOD, HEADER, "gbk"))
    call_command("import_teachers", "--school", school.code, str(path), "--dry-run")
    assert not User.objects.filter(username__startswith="330101-t").exists()
    call_command("import_teachers", "--school", school.code, str(path))
    assert "330101-t001" in capsys.readouterr().out
    path.write_bytes(csv_bytes([["", "1", "", "", ""]], HEADER))
    with pytest.raises(CommandError):
        call_command("import_teachers", "--school", school.code, str(path))


def _csv_upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("teachers.csv", content, content_type="text/csv")


def test_web_upload_preview_commit_and_slips(client, world):
    client.force_login(world.school_admin)
    rows = [["陈老师", "001", "8-1", "", ""]]
    response = client.post(
        reverse("people:teacher_upload", args=[world.school.code]), {"file": _csv_upload(csv_bytes(rows, HEADER))}
    )
    upload = RosterUpload.objects.get(kind="teachers")
    assert response.url == reverse("people:teacher_preview", args=[world.school.code, upload.pk])
    # A teacher upload cannot be committed through the roster preview.
    assert client.get(reverse("people:roster_preview", args=[world.school.code, upload.pk])).status_code == 404
    preview = client.get(response.url)
    assert preview.status_code == 200 and preview.context["result"].created == 1
    done = client.post(response.url)
    assert done.url == reverse("people:teacher_slips", args=[world.school.code])
    slips = client.get(done.url)
    password = InitialPassword.objects.get(user__username="S1-t001").password
    assert password in slips.content.decode()
    assert world.other_teacher.username not in slips.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("other_school_admin", 404), ("bureau_admin", 403), ("teacher", 404), ("far_auditor", 404)],
)
def test_teacher_pages_refused_outside_the_school(client, world, who, status):
    client.force_login(getattr(world, who))
    for name, args in [
        ("people:teacher_list", [world.school.code]),
        ("people:teacher_upload", [world.school.code]),
        ("people:teacher_slips", [world.school.code]),
        ("people:teacher_classes", [world.school.code, world.teacher.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == status, name
    client.logout()
    assert client.get(reverse("people:teacher_list", args=[world.school.code])).status_code == 302


def test_link_screen_sets_classes_and_head_teacher(client, world):
    client.force_login(world.school_admin)
    url = reverse("people:teacher_classes", args=[world.school.code, world.teacher_b.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"classes": [world.class_a.pk, world.class_b.pk], "head_of": world.class_a.pk})
    assert response.status_code == 302
    links = {link.school_class_id: link.is_head_teacher for link in world.teacher_b.class_links.all()}
    assert links == {world.class_a.pk: True, world.class_b.pk: False}
    assert not ClassTeacher.objects.get(teacher=world.teacher, school_class=world.class_a).is_head_teacher
    # Another school's class is not a choice; another school's teacher is not found.
    client.post(url, {"classes": [world.other_class.pk]})
    assert not world.teacher_b.class_links.filter(school_class=world.other_class).exists()
    other = reverse("people:teacher_classes", args=[world.school.code, world.other_teacher.pk])
    assert client.get(other).status_code == 404
    listing = client.get(reverse("people:teacher_list", args=[world.school.code])).content.decode()
    assert world.teacher_b.username in listing and world.other_teacher.username not in listing


def test_imported_teacher_signs_in_with_slip_password(client, school):
    result = import_teachers(school, csv_bytes(GOOD, HEADER))
    ok = client.post(reverse("people:login"), {"username": "330101-t001", "password": result.issued["330101-t001"]})
    assert ok.status_code == 302
    assert PASSWORD  # the shared test password is unrelated to issued ones
