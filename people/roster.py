"""Roster import: a spreadsheet of students → students in this school year's classes.

    result = import_roster(school, data, actor, dry_run=False)

The file is read (CSV in UTF-8/BOM/GBK/GB18030, or XLSX), every row is normalised and checked, and only a
file without a single problem is written, in one transaction. Students are matched by student number: a
changed name or gender is updated, a changed class moves the student (this year's enrollment only; earlier
years stay), a new number creates the student with an initial password. Nobody is deleted, so re-importing
the same file changes nothing.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import audit
from core.sanitize import MARKUP_MESSAGE, clean_plain, has_markup

from . import imports
from .grades import _cn_number, parse_grade
from .imports import NUMBER_RE
from .models import Enrollment, Gender, School, SchoolClass, SchoolYear, Student
from .roles import STUDENT_GROUP
from .signals import roster_changed

HEADER_ALIASES = {
    "name": ["姓名", "学生姓名", "name", "full name", "student name"],
    "number": ["学号", "学籍号", "student number", "number", "student no", "student id"],
    "gender": ["性别", "gender", "sex"],
    "grade": ["年级", "grade"],
    "class": ["班级", "班", "class"],
    "school_year": ["学年", "school year", "year"],
}
REQUIRED = ("name", "number", "class")
COLUMN_LABELS = {
    "name": pgettext_lazy("person", "Name"),
    "number": _("Student number"),
    "gender": _("Gender"),
    "grade": _("Grade"),
    "class": _("Class"),
    "school_year": _("School year"),
    "file": _("File"),
}
GENDERS = {"男": Gender.MALE, "女": Gender.FEMALE, "m": Gender.MALE, "f": Gender.FEMALE}
GENDERS |= {"male": Gender.MALE, "female": Gender.FEMALE}
_CLASS_DIGITS = re.compile(r"(?P<prefix>.*?)\(?(?P<num>\d{1,3})\)?班?")
_CLASS_CN = re.compile(r"(?P<prefix>.*?)\(?(?P<num>十[一二三四五六七八九]?|[一二三四五六七八九])\)?班")
_YEAR_RE = re.compile(r"(\d{4})")


@dataclass(frozen=True)
class Problem(imports.Problem):
    labels = COLUMN_LABELS


@dataclass
class RosterRow:
    row: int
    name: str
    number: str
    gender: str
    grade: int
    class_number: int


@dataclass
class ImportResult:
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    moved: int = 0
    enrolled: int = 0  # existing students given a class this year
    returned: int = 0  # students marked as left who are on the roster again
    unchanged: int = 0
    classes_created: int = 0
    committed: bool = False
    school_year: SchoolYear | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changes(self) -> int:
        return self.created + self.updated + self.moved + self.enrolled + self.returned + self.classes_created


def parse_class(value, grade: int | None) -> tuple[int | None, int | None]:
    """Read a class cell ("2", "2班", "(2)班", "五年级2班", "初一（2）班", "２") as (grade or None, number)."""
    text = unicodedata.normalize("NFKC", str(value or "")).replace(" ", "")
    if text.endswith(".0"):
        text = text[:-2]
    match = _CLASS_DIGITS.fullmatch(text)
    number = int(match.group("num")) if match else None
    if match is None:
        match = _CLASS_CN.fullmatch(text)
        number = _cn_number(match.group("num")) if match else None
    if match is None or not number:
        return None, None
    prefix = match.group("prefix")
    if not prefix:
        return grade, number
    return parse_grade(prefix), number


def _school_year_start(value) -> int | None:
    match = _YEAR_RE.search(unicodedata.normalize("NFKC", str(value or "")))
    return int(match.group(1)) if match else None


def parse_rows(
    school: School, data: bytes, year: SchoolYear, filename: str = ""
) -> tuple[list[RosterRow], list[Problem], int]:
    """Read the file and check every row (check_rows); return the good rows, every problem and the row count."""
    table, columns, problems = imports.open_table(data, HEADER_ALIASES, REQUIRED, Problem, filename)
    if table is None:
        return [], problems, 0
    records = (
        (table.first_row_number + offset, {key: _raw(cells, index) for key, index in columns.items()})
        for offset, cells in enumerate(table.rows)
        if cells
    )
    rows, row_problems, count = check_rows(school, year, records, empty_row=table.first_row_number)
    return rows, problems + row_problems, count


def _raw(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def check_rows(
    school: School, year: SchoolYear, records, empty_row: int = 1
) -> tuple[list[RosterRow], list[Problem], int]:
    """THE check of roster rows, for the file import and the API's roster sync alike.

    `records` are (row number, {column key: text as given}) pairs; a key of HEADER_ALIASES that is absent is a
    column the source does not have. Returns the good rows, every problem found, and the number of rows;
    `empty_row` is the row number a "no student rows" problem names."""
    rows: list[RosterRow] = []
    problems: list[Problem] = []
    first_seen: dict[str, int] = {}
    count = 0
    for line, values in records:
        count += 1
        row_problems: list[Problem] = []

        name = clean_plain(imports.clean_text(values.get("name")))
        if not name:
            row_problems.append(Problem(line, "name", str(_("The name is empty."))))
        elif has_markup(name):
            row_problems.append(Problem(line, "name", str(MARKUP_MESSAGE)))
        elif len(name) > 100:
            row_problems.append(Problem(line, "name", str(_("The name is longer than 100 characters."))))

        number = imports.clean_number(values.get("number"))
        if not number:
            row_problems.append(Problem(line, "number", str(_("The student number is empty."))))
        elif not NUMBER_RE.fullmatch(number):
            row_problems.append(
                Problem(line, "number", str(_("A student number may hold only letters, digits, - and _ (32 at most).")))
            )
        elif number in first_seen:
            row_problems.append(
                Problem(
                    line,
                    "number",
                    str(_("Duplicate student number %(number)s: also on row %(row)s."))
                    % {"number": number, "row": first_seen[number]},
                )
            )
        else:
            first_seen[number] = line

        gender_text = imports.clean_text(values.get("gender")).lower()
        gender = GENDERS.get(gender_text, "")
        if gender_text and not gender:
            row_problems.append(Problem(line, "gender", str(_("Unknown gender: write 男 or 女, or leave it empty."))))

        grade = None
        grade_text = imports.clean_text(values.get("grade"))
        if grade_text:
            grade = parse_grade(grade_text)
            if grade is None:
                row_problems.append(
                    Problem(line, "grade", str(_("Unknown grade “%(value)s”.")) % {"value": grade_text})
                )
        class_text = imports.clean_text(values.get("class"))
        class_grade, class_number = parse_class(class_text, grade)
        if class_number is None:
            row_problems.append(Problem(line, "class", str(_("Unknown class “%(value)s”.")) % {"value": class_text}))
        elif grade is not None and class_grade is not None and class_grade != grade:
            row_problems.append(Problem(line, "class", str(_("The class is not in the grade of the grade column."))))
        elif grade is None and not grade_text:
            grade = class_grade
            if grade is None:
                row_problems.append(Problem(line, "grade", str(_("The grade is missing."))))
        if grade is not None and grade not in school.grades:
            row_problems.append(
                Problem(line, "grade", str(_("This school does not teach grade %(grade)s.")) % {"grade": grade})
            )

        year_text = imports.clean_text(values.get("school_year"))
        if year_text and _school_year_start(year_text) != year.start_year:
            row_problems.append(
                Problem(
                    line,
                    "school_year",
                    str(_("The class belongs to another school year (%(value)s); this import is for %(year)s."))
                    % {"value": year_text, "year": year},
                )
            )

        if row_problems:
            problems.extend(row_problems)
        else:
            rows.append(RosterRow(line, name, number, gender, grade, class_number))
    if not count:
        problems.append(Problem(empty_row, "file", str(_("The file has no student rows."))))
    return rows, problems, count


@dataclass
class _Plan:
    new_rows: list[RosterRow] = field(default_factory=list)
    updates: list[tuple[Student, RosterRow]] = field(default_factory=list)
    moves: list[tuple[Enrollment, RosterRow]] = field(default_factory=list)
    enrol: list[tuple[Student, RosterRow]] = field(default_factory=list)
    returning: list[Student] = field(default_factory=list)
    missing_classes: set[tuple[int, int]] = field(default_factory=set)
    unchanged: int = 0


def _plan(school: School, rows: list[RosterRow], year: SchoolYear, problems: list[Problem]) -> tuple[_Plan, dict]:
    """Compare the rows with the database; add problems that need the database (graduates, taken names)."""
    plan = _Plan()
    classes = {(c.grade, c.number): c for c in SchoolClass.objects.filter(school=school, school_year=year)}
    numbers = [row.number for row in rows]
    existing = {
        s.student_number: s
        for s in Student.objects.filter(school=school, student_number__in=numbers).select_related("user")
    }
    enrollments = {
        e.student_id: e
        for e in Enrollment.objects.filter(school_year=year, student__in=existing.values()).select_related(
            "school_class"
        )
    }
    new_usernames = [f"{school.code}-{row.number}" for row in rows if row.number not in existing]
    taken = set(get_user_model().objects.filter(username__in=new_usernames).values_list("username", flat=True))
    for row in rows:
        if (row.grade, row.class_number) not in classes:
            plan.missing_classes.add((row.grade, row.class_number))
        student = existing.get(row.number)
        if student is None:
            if f"{school.code}-{row.number}" in taken:
                problems.append(
                    Problem(row.row, "number", str(_("The sign-in name for this number is taken by another account.")))
                )
            else:
                plan.new_rows.append(row)
            continue
        if student.graduated_on is not None:
            problems.append(Problem(row.row, "number", str(_("This student number belongs to a graduate."))))
            continue
        changed = False
        if student.user.full_name != row.name or (row.gender and student.gender != row.gender):
            plan.updates.append((student, row))
            changed = True
        if student.left_on is not None:
            plan.returning.append(student)
            changed = True
        enrollment = enrollments.get(student.pk)
        if enrollment is None:
            plan.enrol.append((student, row))
            changed = True
        elif (enrollment.school_class.grade, enrollment.school_class.number) != (row.grade, row.class_number):
            plan.moves.append((enrollment, row))
            changed = True
        if not changed:
            plan.unchanged += 1
    return plan, classes


def _apply(school: School, year: SchoolYear, plan: _Plan, classes: dict) -> None:
    User = get_user_model()
    today = timezone.localdate()
    # The year's first roster registers the school's students (新生注册): they are on their classes' rolls from
    # the year's first day, however late the file came (people.membership reads an empty `joined_on` so).
    # Students added by a later file joined on the day it was imported.
    joined_on = today if Enrollment.objects.filter(school_year=year, student__school=school).exists() else None
    if plan.missing_classes:
        SchoolClass.objects.bulk_create(
            [SchoolClass(school=school, school_year=year, grade=g, number=n) for g, n in sorted(plan.missing_classes)]
        )
        classes.update({(c.grade, c.number): c for c in SchoolClass.objects.filter(school=school, school_year=year)})

    if plan.new_rows:
        users, _issued = imports.create_accounts(
            [(f"{school.code}-{row.number}", row.name) for row in plan.new_rows],
            must_change=school.require_password_change,
            group_names=[STUDENT_GROUP],
        )
        numbers = [row.number for row in plan.new_rows]
        students = Student.objects.bulk_create(
            [
                Student(user=user, school=school, student_number=row.number, gender=row.gender)
                for user, row in zip(users, plan.new_rows, strict=True)
            ]
        )
        if not all(student.pk for student in students):
            by_number = dict(
                Student.objects.filter(school=school, student_number__in=numbers).values_list("student_number", "pk")
            )
            for student in students:
                student.pk = by_number[student.student_number]
        plan.enrol.extend(zip(students, plan.new_rows, strict=True))

    if plan.updates:
        users, students = [], []
        for student, row in plan.updates:
            student.user.full_name = row.name
            users.append(student.user)
            if row.gender:
                student.gender = row.gender
                students.append(student)
        User.objects.bulk_update(users, ["full_name"], batch_size=500)
        Student.objects.bulk_update(students, ["gender"], batch_size=500)
    if plan.returning:
        Student.objects.filter(pk__in=[s.pk for s in plan.returning]).update(left_on=None)
    if plan.moves:
        for enrollment, row in plan.moves:
            enrollment.school_class = classes[(row.grade, row.class_number)]
            enrollment.joined_on = today
        Enrollment.objects.bulk_update([e for e, _ in plan.moves], ["school_class", "joined_on"], batch_size=500)
    if plan.enrol:
        Enrollment.objects.bulk_create(
            [
                Enrollment(
                    student=student,
                    school_class=classes[(row.grade, row.class_number)],
                    school_year=year,
                    joined_on=joined_on,
                )
                for student, row in plan.enrol
            ],
            batch_size=1000,
        )


def import_roster(
    school: School,
    data: bytes,
    actor=None,
    dry_run: bool = False,
    school_year: SchoolYear | None = None,
    request=None,
    filename: str = "",
) -> ImportResult:
    """Check the file and, when it has no problem and `dry_run` is false, write it in one transaction.

    `filename` (the uploaded file's name) is named in the message when the file cannot be read."""
    year = school_year or SchoolYear.current()
    rows, problems, count = parse_rows(school, data, year, filename)
    return _write(school, year, rows, problems, count, actor=actor, dry_run=dry_run, request=request, source="file")


def sync_roster(
    school: School, records: list[dict], actor=None, school_year: SchoolYear | None = None, request=None, source="api"
) -> ImportResult:
    """The roster as another system sends it (the API's roster sync): one dict per student, keyed as the file's
    columns (name, number, gender, grade, class, school_year). The same checks as a file (check_rows), the same
    upsert, all or nothing; row numbers count the records from 1."""
    year = school_year or SchoolYear.current()
    rows, problems, count = check_rows(school, year, enumerate(records, start=1))
    return _write(school, year, rows, problems, count, actor=actor, request=request, source=source)


def _write(
    school: School,
    year: SchoolYear,
    rows: list[RosterRow],
    problems: list[Problem],
    count: int,
    *,
    actor=None,
    dry_run: bool = False,
    request=None,
    source: str,
) -> ImportResult:
    result = ImportResult(school_year=year, rows=count)
    with transaction.atomic():
        plan, classes = _plan(school, rows, year, problems)
        result.problems = imports.sort_problems(problems, COLUMN_LABELS)
        result.created = len(plan.new_rows)
        result.updated = len(plan.updates)
        result.moved = len(plan.moves)
        result.enrolled = len(plan.enrol)
        result.returned = len(plan.returning)
        result.unchanged = plan.unchanged
        result.classes_created = len(plan.missing_classes)
        if dry_run or problems:
            return result
        _apply(school, year, plan, classes)
        result.committed = True
        roster_changed.send(
            sender=School, school_id=school.pk, school_year_id=year.pk, student_ids=[s.pk for s in plan.returning]
        )
        audit.record(
            "people.roster_import",
            request=request,
            actor=actor,
            target=f"{school.code} {school.name}",
            district_id=school.district_id,
            school_year=str(year),
            source=source,
            rows=result.rows,
            created=result.created,
            updated=result.updated,
            moved=result.moved,
            enrolled=result.enrolled,
            classes_created=result.classes_created,
        )
    return result
