"""Teacher import: a spreadsheet of staff → teacher accounts, their classes, head teachers and grade leaders.

    result = import_teachers(school, data, actor, dry_run=False)

Same pipeline as the roster (people.imports): every row is read and checked, then compared with the database,
and only a file without a single problem is written, in one transaction. Teachers are matched by sign-in name
(`<school code>-t<staff number>`). Class links are only added, never removed, so re-importing the same file
changes nothing; a head-teacher cell makes that teacher the class's only head teacher.
"""

import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import audit
from core.sanitize import MARKUP_MESSAGE, clean_plain, has_markup

from . import imports
from .grades import grade_label, parse_grade
from .imports import NUMBER_RE
from .imports import cell as _cell
from .models import ClassTeacher, Role, RoleKind, School, SchoolClass, SchoolYear, Student
from .roles import GROUP_FOR_ROLE
from .roster import parse_class

HEADER_ALIASES = {
    "name": ["姓名", "教师姓名", "name", "full name", "teacher name"],
    "number": ["工号", "教师工号", "登录名", "staff number", "staff no", "sign-in name", "username"],
    "classes": ["任教班级", "班级", "classes", "classes taught"],
    "head_of": ["班主任", "班主任班级", "head teacher class", "head teacher of", "head teacher"],
    "leads_grade": ["年级组长", "年级组长年级", "grade leader grade", "grade leader"],
}
REQUIRED = ("name", "number")
COLUMN_LABELS = {
    "name": pgettext_lazy("person", "Name"),
    "number": _("Staff number"),
    "classes": _("Classes taught"),
    "head_of": _("Head teacher of"),
    "leads_grade": _("Grade leader of"),
    "file": _("File"),
}
_SEPARATORS = re.compile(r"[;；,，、/\s]+")
_GRADE_DASH_CLASS = re.compile(r"(\d{1,2})-(\d{1,3})")


@dataclass(frozen=True)
class Problem(imports.Problem):
    labels = COLUMN_LABELS


@dataclass
class TeacherRow:
    row: int
    name: str
    number: str
    classes: list[tuple[int, int]]  # (grade, class number), the head teacher's class included
    head_of: tuple[int, int] | None
    leads_grade: int | None

    def username(self, school: School) -> str:
        return teacher_username(school, self.number)


@dataclass
class TeacherImportResult:
    rows: int = 0
    problems: list = field(default_factory=list)
    created: int = 0
    updated: int = 0  # name corrected or teacher role added to an existing account
    links_added: int = 0
    head_teachers_set: int = 0
    grade_leaders_added: int = 0
    unchanged: int = 0
    committed: bool = False
    school_year: SchoolYear | None = None
    issued: dict = field(default_factory=dict)  # username → initial password, for new accounts

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changes(self) -> int:
        return self.created + self.updated + self.links_added + self.head_teachers_set + self.grade_leaders_added


def teacher_username(school: School, number: str) -> str:
    return f"{school.code}-t{number}"


def parse_class_cell(value: str) -> tuple[int | None, int | None]:
    """One class of a teacher's list: “初一1班”, “初一（2）班”, “七年级3班” or “7-1” (grade-class)."""
    match = _GRADE_DASH_CLASS.fullmatch(value)
    if match:
        return int(match.group(1)), int(match.group(2))
    return parse_class(value, None)


def _classes(school: School, text: str, line: int, column: str, problems: list) -> list[tuple[int, int]]:
    found = []
    for item in filter(None, _SEPARATORS.split(text)):
        grade, number = parse_class_cell(item)
        if grade is None or number is None:
            message = _("Unknown class “%(value)s”: write it with its grade, as 初一1班 or 7-1.")
            problems.append(Problem(line, column, str(message) % {"value": item}))
        elif grade not in school.grades:
            message = _("This school does not teach grade %(grade)s.")
            problems.append(Problem(line, column, str(message) % {"grade": grade}))
        elif (grade, number) not in found:
            found.append((grade, number))
    return found


def parse_rows(school: School, data: bytes, filename: str = "") -> tuple[list[TeacherRow], list, int]:
    """Read and check every row; return the good rows, every problem found, and the number of data rows."""
    table, columns, problems = imports.open_table(data, HEADER_ALIASES, REQUIRED, Problem, filename)
    if table is None:
        return [], problems, 0
    rows: list[TeacherRow] = []
    first_seen: dict[str, int] = {}
    head_seen: dict[tuple[int, int], int] = {}
    count = 0
    for offset, cells in enumerate(table.rows):
        if not any(cells):
            continue
        count += 1
        line = table.first_row_number + offset
        row_problems: list = []

        name = clean_plain(_cell(cells, columns["name"]))
        if not name:
            row_problems.append(Problem(line, "name", str(_("The name is empty."))))
        elif has_markup(name):
            row_problems.append(Problem(line, "name", str(MARKUP_MESSAGE)))
        elif len(name) > 100:
            row_problems.append(Problem(line, "name", str(_("The name is longer than 100 characters."))))

        number = imports.number_cell(cells, columns["number"])
        if not number:
            row_problems.append(Problem(line, "number", str(_("The staff number is empty."))))
        elif not NUMBER_RE.fullmatch(number):
            message = _("A staff number may hold only letters, digits, - and _ (32 at most).")
            row_problems.append(Problem(line, "number", str(message)))
        elif number in first_seen:
            message = _("Duplicate staff number %(number)s: also on row %(row)s.")
            row_problems.append(Problem(line, "number", str(message) % {"number": number, "row": first_seen[number]}))
        else:
            first_seen[number] = line

        classes = _classes(school, _cell(cells, columns.get("classes")), line, "classes", row_problems)
        head_of = None
        head_text = _cell(cells, columns.get("head_of"))
        if head_text:
            heads = _classes(school, head_text, line, "head_of", row_problems)
            if len(heads) > 1:
                row_problems.append(Problem(line, "head_of", str(_("A teacher is head teacher of one class only."))))
            elif heads:
                head_of = heads[0]
                if head_of in head_seen:
                    message = _("This class already has a head teacher on row %(row)s.")
                    row_problems.append(Problem(line, "head_of", str(message) % {"row": head_seen[head_of]}))
                else:
                    head_seen[head_of] = line
                if head_of not in classes:
                    classes.append(head_of)

        leads_grade = None
        grade_text = _cell(cells, columns.get("leads_grade"))
        if grade_text:
            leads_grade = parse_grade(grade_text)
            if leads_grade is None:
                message = _("Unknown grade “%(value)s”.")
                row_problems.append(Problem(line, "leads_grade", str(message) % {"value": grade_text}))
            elif leads_grade not in school.grades:
                message = _("This school does not teach grade %(grade)s.")
                row_problems.append(Problem(line, "leads_grade", str(message) % {"grade": leads_grade}))

        if row_problems:
            problems.extend(row_problems)
        else:
            rows.append(TeacherRow(line, name, number, classes, head_of, leads_grade))
    if not count:
        problems.append(Problem(table.first_row_number, "file", str(_("The file has no teacher rows."))))
    return rows, problems, count


@dataclass
class _Plan:
    new_rows: list[TeacherRow] = field(default_factory=list)
    renames: list[tuple] = field(default_factory=list)  # (user, row)
    roles: list[Role] = field(default_factory=list)
    links: list[tuple] = field(default_factory=list)  # (username, class key)
    heads: list[tuple] = field(default_factory=list)  # (username, class key)
    leaders: list[tuple] = field(default_factory=list)  # (username, grade)
    unchanged: int = 0


def _plan(school: School, rows: list[TeacherRow], year: SchoolYear, problems: list):
    """Compare the rows with the database; add problems that need it (unknown classes, names taken)."""
    User = get_user_model()
    plan = _Plan()
    classes = {(c.grade, c.number): c for c in SchoolClass.objects.filter(school=school, school_year=year)}
    existing = {u.username: u for u in User.objects.filter(username__in=[row.username(school) for row in rows])}
    students = set(Student.objects.filter(user__in=existing.values()).values_list("user_id", flat=True))
    held = set(
        Role.objects.filter(user__in=existing.values()).values_list("user__username", "kind", "school_id", "grade")
    )
    linked = {
        (username, (grade, number)): head
        for username, grade, number, head in ClassTeacher.objects.filter(
            school_class__in=classes.values(), teacher__in=existing.values()
        ).values_list("teacher__username", "school_class__grade", "school_class__number", "is_head_teacher")
    }
    current_heads = {
        (grade, number): username
        for username, grade, number in ClassTeacher.objects.filter(
            school_class__in=classes.values(), is_head_teacher=True
        ).values_list("teacher__username", "school_class__grade", "school_class__number")
    }
    for row in rows:
        username = row.username(school)
        unknown = [key for key in row.classes if key not in classes]
        for grade, number in unknown:
            label = _("%(grade)s class %(number)s") % {
                "grade": grade_label(grade, school.is_vocational),
                "number": number,
            }
            message = _("There is no class %(name)s this school year. Import the student roster first.")
            column = "head_of" if (grade, number) == row.head_of else "classes"
            problems.append(Problem(row.row, column, str(message) % {"name": label}))
        user = existing.get(username)
        # An account of a student, of another school or of the bureau is never turned into this school's teacher.
        if user is not None and (
            user.pk in students or any(u == username and s != school.pk for u, _kind, s, _grade in held)
        ):
            message = _("The sign-in name for this number is taken by another account.")
            problems.append(Problem(row.row, "number", str(message)))
            continue
        if unknown:
            continue
        changed = False
        if user is None:
            plan.new_rows.append(row)
            changed = True
        else:
            if user.full_name != row.name:
                plan.renames.append((user, row))
                changed = True
            if (username, RoleKind.TEACHER, school.pk, None) not in held:
                plan.roles.append(Role(user=user, kind=RoleKind.TEACHER, school=school))
                changed = True
        for key in row.classes:
            if (username, key) not in linked:
                plan.links.append((username, key))
                changed = True
        if row.head_of and current_heads.get(row.head_of) != username:
            plan.heads.append((username, row.head_of))
            changed = True
        if row.leads_grade and (username, RoleKind.GRADE_LEADER, school.pk, row.leads_grade) not in held:
            plan.leaders.append((username, row.leads_grade))
            changed = True
        if not changed:
            plan.unchanged += 1
    return plan, classes


def _apply(school: School, plan: _Plan, classes: dict, result: TeacherImportResult) -> None:
    from .signals import sync_groups

    User = get_user_model()
    if plan.new_rows:
        users, result.issued = imports.create_accounts(
            [(row.username(school), row.name) for row in plan.new_rows],
            must_change=True,
            group_names=[GROUP_FOR_ROLE[RoleKind.TEACHER]],
        )
        plan.roles.extend(Role(user=user, kind=RoleKind.TEACHER, school=school) for user in users)
    if plan.renames:
        for user, row in plan.renames:
            user.full_name = row.name
        User.objects.bulk_update([user for user, _row in plan.renames], ["full_name"], batch_size=500)
    usernames = {username for username, _key in plan.links + plan.heads + plan.leaders}
    usernames |= {role.user.username for role in plan.roles}
    ids = dict(User.objects.filter(username__in=usernames).values_list("username", "pk"))
    plan.roles.extend(
        Role(user_id=ids[username], kind=RoleKind.GRADE_LEADER, school=school, grade=grade)
        for username, grade in plan.leaders
    )
    Role.objects.bulk_create(plan.roles)
    ClassTeacher.objects.bulk_create(
        [ClassTeacher(teacher_id=ids[username], school_class=classes[key]) for username, key in plan.links]
    )
    for username, key in plan.heads:
        ClassTeacher.objects.filter(school_class=classes[key], is_head_teacher=True).update(is_head_teacher=False)
        ClassTeacher.objects.filter(school_class=classes[key], teacher_id=ids[username]).update(is_head_teacher=True)
    # Bulk inserts send no signals: bring the Django groups of changed accounts in step with their roles.
    for user in User.objects.filter(pk__in={role.user_id for role in plan.roles}):
        sync_groups(user)


def import_teachers(
    school: School,
    data: bytes,
    actor=None,
    dry_run: bool = False,
    school_year: SchoolYear | None = None,
    request=None,
    filename: str = "",
) -> TeacherImportResult:
    """Check the file and, when it has no problem and `dry_run` is false, write it in one transaction.

    `filename` (the uploaded file's name) is named in the message when the file cannot be read."""
    year = school_year or SchoolYear.current()
    result = TeacherImportResult(school_year=year)
    rows, problems, result.rows = parse_rows(school, data, filename)
    with transaction.atomic():
        plan, classes = _plan(school, rows, year, problems)
        result.problems = imports.sort_problems(problems, COLUMN_LABELS)
        result.created = len(plan.new_rows)
        result.updated = len(plan.renames) + len(plan.roles)
        result.links_added = len(plan.links)
        result.head_teachers_set = len(plan.heads)
        result.grade_leaders_added = len(plan.leaders)
        result.unchanged = plan.unchanged
        if dry_run or problems:
            return result
        _apply(school, plan, classes, result)
        result.committed = True
        audit.record(
            "people.teacher_import",
            request=request,
            actor=actor,
            target=f"{school.code} {school.name}",
            district_id=school.district_id,
            school_year=str(year),
            rows=result.rows,
            created=result.created,
            updated=result.updated,
            links_added=result.links_added,
            head_teachers_set=result.head_teachers_set,
            grade_leaders_added=result.grade_leaders_added,
        )
    return result
