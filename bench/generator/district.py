"""Build a synthetic district: schools of every kind, classes by grade, teachers, students with last year's
classes (promotion), some who left, a question bank with quizzes assigned to every class, class-hour logs,
school-wide 五个一 activities, and submitted attempts with a plausible spread.

Rows are written school chunk by school chunk, each chunk in one transaction, through `RowWriter` (COPY on
PostgreSQL). Historical attempts are graded already: they carry their paper (question ids) and score but no
answer key and no answer rows, which only open attempts need; at 10 million attempts the answer rows alone
would be 100–300 million rows that no screen reads.
"""

import bisect
import datetime
import json
import math
import random
import time
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import Locale

from classroom.models import Activity, ActivityClass, Assignment, ClassHourLog
from lessons.activities import ActivityType
from people.models import (
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
    Term,
)
from people.models.organisations import SCHOOL_KIND_GRADES
from people.roles import GROUP_FOR_ROLE, STUDENT_GROUP
from plans.models import PlanTask, TaskTarget
from plans.planning import copy_plan, national_template
from plans.seed import EXTRA_TASKS
from quizzes.models import Attempt, Category, Option, Question, QuestionKind, Quiz, QuizKind, QuizQuestion

from .. import guard
from .names import NameMaker
from .writer import IdAllocator, Progress, RowWriter, bulk_load

BENCH_PASSWORD = "bench-password-2026"  # noqa: S105 (synthetic accounts on a throwaway database)
SAVE_QUIZ_TITLE = "基准测试：答题保存（30题）"
BURST_QUIZ_TITLE = "基准测试：全校同时开考（30题）"
LESSON_QUIZ_COUNT = 6
LESSON_QUIZ_QUESTIONS = 10
BIG_QUIZ_QUESTIONS = 30
CLASS_SIZE = 45
SCHOOLS_PER_CHUNK = 10

# Share of each kind among a county's schools (primary schools are the most numerous).
KIND_MIX = [
    (SchoolKind.PRIMARY, 45),
    (SchoolKind.JUNIOR, 25),
    (SchoolKind.NINE_YEAR, 10),
    (SchoolKind.SENIOR, 10),
    (SchoolKind.COMPLETE, 5),
    (SchoolKind.VOCATIONAL, 5),
]
KIND_WORD = {
    SchoolKind.PRIMARY: "小学",
    SchoolKind.JUNIOR: "初级中学",
    SchoolKind.NINE_YEAR: "九年一贯制学校",
    SchoolKind.SENIOR: "高级中学",
    SchoolKind.COMPLETE: "完全中学",
    SchoolKind.VOCATIONAL: "职业技术学校",
}
TOWNSHIPS = ["城关镇", "青山街道", "绿水镇", "东湖街道", "南山乡", "北塘镇", "西河乡", "新城街道", "白沙镇", "长岭乡"]
LEFT_SHARE = 0.02  # students who left during this school year (transfer, dropped out)
NEVER_SIGNED_IN_SHARE = 0.05


@dataclass
class GenerateOptions:
    schools: int
    students_per_school: int
    attempts_per_student: int
    seed: int = 1
    districts: int = 0  # 0: one district per 100 schools
    # 0: the districts hang on no region (one level). Otherwise one province above this many cities, the
    # districts shared out among the cities in order (the tree of issue #17: province → city → county).
    cities: int = 0
    # Students per class. A smaller class keeps a full district's number of classes (what the audit pages read:
    # one figures row per class and period) with fewer students to write.
    class_size: int = CLASS_SIZE


@dataclass
class GenerateSummary:
    district_codes: list[str]
    region_codes: list[str]
    schools: int
    students: int
    attempts: int
    rows: int
    seconds: float


def _score_tables(questions: int) -> list[list[float]]:
    """Cumulative binomial distributions of correct answers for 21 ability levels (0.00, 0.05, … 1.00)."""
    tables = []
    for level in range(21):
        p = level / 20
        cumulative, total = [], 0.0
        for k in range(questions + 1):
            total += math.comb(questions, k) * p**k * (1 - p) ** (questions - k)
            cumulative.append(total)
        cumulative[-1] = 1.0
        tables.append(cumulative)
    return tables


class DistrictGenerator:
    def __init__(self, options: GenerateOptions, stdout):
        self.o = options
        self.rng = random.Random(options.seed)
        self.names = NameMaker(self.rng)
        self.progress = Progress(stdout)
        self.writer = RowWriter(self.progress)
        self.ids = IdAllocator()
        self.stdout = stdout
        self.now = timezone.now()
        self.year = SchoolYear.current()
        self.last_year = SchoolYear.get_or_create_for(self.year.start_year - 1)
        self.password = make_password(BENCH_PASSWORD)  # hashed once for every synthetic account
        self.groups = {
            name: Group.objects.get_or_create(name=name)[0].pk for name in {*GROUP_FOR_ROLE.values(), STUDENT_GROUP}
        }
        self.scores = _score_tables(LESSON_QUIZ_QUESTIONS)
        self.terms = {t.number: t for t in Term.objects.filter(school_year=self.year)}
        self.students_written = 0
        self.attempts_written = 0

    # --- the small things, with the ORM -------------------------------------------------------------------

    def _districts(self, cities: list[Region]) -> list[District]:
        count = self.o.districts or max(1, math.ceil(self.o.schools / 100))
        if cities and count < len(cities):
            raise ValueError(f"{len(cities)} cities need at least as many districts (asked for {count})")
        prefix = f"B{self.o.seed}"
        if District.objects.filter(code__startswith=f"{prefix}-").exists():
            raise ValueError(f"districts {prefix}-* exist already: use another --seed or a fresh database")
        # In order: the first city's counties, then the next city's, as many to each (the first ones one more).
        return [
            District.objects.create(
                code=f"{prefix}-{n + 1:02d}",
                name=f"基准第{n + 1}区教育局",
                region=cities[n * len(cities) // count] if cities else None,
            )
            for n in range(count)
        ]

    def _regions(self) -> list[Region]:
        """The province and its cities (none when the options ask for no tree), province first."""
        if not self.o.cities:
            return []
        prefix = f"B{self.o.seed}"
        if Region.objects.filter(code__startswith=f"{prefix}-").exists():
            raise ValueError(f"regions {prefix}-* exist already: use another --seed or a fresh database")
        province = Region.objects.create(code=f"{prefix}-P", name="基准省教育厅", level=RegionLevel.PROVINCE)
        cities = [
            Region.objects.create(
                code=f"{prefix}-C{n + 1:02d}", name=f"基准第{n + 1}市教育局", level=RegionLevel.CITY, parent=province
            )
            for n in range(self.o.cities)
        ]
        return [province, *cities]

    def _plans(self, districts: list[District]) -> None:
        """Each county's three-year plan for this school year, as a bureau makes it: the national template
        copied, with the demo district's yearly targets for participation, pass rate and registration."""
        template = national_template()
        first_year = self.year.start_year
        for district in districts:
            plan = copy_plan(template, district, first_year, f"{district.name}{first_year}–{first_year + 2}年三年规划")
            for order, (kind, title, targets) in enumerate(EXTRA_TASKS, start=10):
                task = PlanTask.objects.create(plan=plan, order=order, kind=kind, title=str(title))
                TaskTarget.objects.bulk_create(
                    [
                        TaskTarget(task=task, year_index=index, target=value,
                                   deadline=datetime.date(first_year + index, 6, 30))
                        for index, value in enumerate(targets, start=1)
                    ]
                )  # fmt: skip

    def _question_bank(self) -> tuple[list[Quiz], dict[int, str], Quiz, Quiz]:
        locale = Locale.get_default()
        category, _ = Category.objects.get_or_create(name="基准测试题库")
        questions = []
        kinds = [QuestionKind.SINGLE] * 7 + [QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE, QuestionKind.TRUE_FALSE]
        for number in range(LESSON_QUIZ_COUNT * LESSON_QUIZ_QUESTIONS):
            kind = kinds[number % len(kinds)]
            question = Question.objects.create(
                category=category,
                kind=kind,
                text=f"基准题{number + 1}：下列关于毒品预防的说法，哪一项是正确的？",
                difficulty=1 + number % 5,
                locale=locale,
            )
            if kind == QuestionKind.TRUE_FALSE:
                texts, weights = ["正确", "错误"], [100, 0]
            elif kind == QuestionKind.MULTIPLE:
                texts, weights = ["选项甲", "选项乙", "选项丙", "选项丁"], [100, 100, 0, 0]
            else:
                texts, weights = ["选项甲", "选项乙", "选项丙", "选项丁"], [100, 0, 0, 0]
            Option.objects.bulk_create(
                [
                    Option(question=question, text=text, weight=weight, sort_order=order)
                    for order, (text, weight) in enumerate(zip(texts, weights, strict=True))
                ]
            )
            questions.append(question)

        lesson_quizzes, papers = [], {}
        for index in range(LESSON_QUIZ_COUNT):
            quiz = self._quiz(f"基准测试：第{index + 1}课课后检测", questions[index * 10 : index * 10 + 10], attempts=0)
            lesson_quizzes.append(quiz)
            chosen = questions[index * 10 : index * 10 + 10]
            options = dict(Option.objects.filter(question__in=chosen).values_list("question_id", "id").order_by("id"))
            paper = [{"q": q.pk, "o": [options[q.pk]], "p": 1} for q in chosen]
            papers[quiz.pk] = json.dumps(paper, separators=(",", ":"))
        save_quiz = self._quiz(SAVE_QUIZ_TITLE, questions[:BIG_QUIZ_QUESTIONS], attempts=0, kind=QuizKind.TERM_TEST)
        burst_quiz = self._quiz(BURST_QUIZ_TITLE, questions[:BIG_QUIZ_QUESTIONS], attempts=1, kind=QuizKind.CONTEST)
        return lesson_quizzes, papers, save_quiz, burst_quiz

    @staticmethod
    def _quiz(title: str, questions: list, attempts: int, kind: str = QuizKind.LESSON_CHECK) -> Quiz:
        quiz = Quiz.objects.create(
            title=title,
            kind=kind,
            attempts_allowed=attempts,
            open_to_all_students=True,
            shuffle_questions=False,
            live=True,
        )
        QuizQuestion.objects.bulk_create(
            [QuizQuestion(quiz=quiz, question=q, points=1, sort_order=n) for n, q in enumerate(questions)]
        )
        return quiz

    # --- the big tables, in bulk ----------------------------------------------------------------------------

    def run(self) -> GenerateSummary:
        regions = self._regions()
        districts = self._districts(regions[1:])
        self._plans(districts)
        lesson_quizzes, papers, _, _ = self._question_bank()
        self.quiz_ids = [q.pk for q in lesson_quizzes]
        self.papers = papers
        kinds = [kind for kind, weight in KIND_MIX for _ in range(weight)]
        school_id = self.ids.take(School, self.o.schools)
        bureau = []
        for district in districts:
            bureau += [(district, RoleKind.BUREAU_ADMIN, "admin"), (district, RoleKind.BUREAU_AUDITOR, "auditor")]
        # A city's or the province's officer: a bureau role on her region, which people.scope widens to every
        # district below it.
        bureau += [(region, RoleKind.BUREAU_ADMIN, "admin") for region in regions]
        with transaction.atomic():
            self._bureau_accounts(bureau)
        with bulk_load([Attempt, Enrollment, Student, get_user_model()], self.stdout):
            self._schools(districts, kinds, school_id)
        self.writer.finish(self.ids.used())
        self.progress.tick("done", force=True)
        return GenerateSummary(
            district_codes=[d.code for d in districts],
            region_codes=[r.code for r in regions],
            schools=self.o.schools,
            students=self.students_written,
            attempts=self.attempts_written,
            rows=self.progress.total,
            seconds=time.perf_counter() - self.progress.started,
        )

    def _schools(self, districts, kinds, school_id: int) -> None:
        for start in range(0, self.o.schools, SCHOOLS_PER_CHUNK):
            chunk = []
            for index in range(start, min(start + SCHOOLS_PER_CHUNK, self.o.schools)):
                district = districts[index % len(districts)]
                kind = kinds[self.rng.randrange(len(kinds))]
                code = f"{district.code.replace('-', '')}S{index + 1:05d}"
                chunk.append(
                    School(
                        id=school_id + index,
                        district_id=district.pk,
                        code=code,
                        name=f"基准{TOWNSHIPS[index % len(TOWNSHIPS)][:2]}第{index + 1}{KIND_WORD[kind]}",
                        kind=kind,
                        township=TOWNSHIPS[index % len(TOWNSHIPS)],
                        require_password_change=True,
                    )
                )
            with transaction.atomic():
                self._write_chunk(chunk)
            self.progress.tick(f"schools {start + len(chunk)}/{self.o.schools}")

    def _user_row(self, user_id: int, username: str, full_name: str, last_login, must_change: bool) -> tuple:
        return (
            user_id,
            self.password,
            last_login,
            False,
            username,
            "",
            "",
            "",
            False,
            True,
            self.now,
            full_name,
            must_change,
            0,
        )

    USER_FIELDS = (
        "id", "password", "last_login", "is_superuser", "username", "first_name", "last_name", "email",
        "is_staff", "is_active", "date_joined", "full_name", "must_change_password",
        "unread_notifications",
    )  # fmt: skip

    def _bureau_accounts(self, bureau) -> None:
        User = get_user_model()
        users, roles, groups = [], [], []
        for unit, kind, word in bureau:
            user_id = self.ids.take(User)
            users.append(self._user_row(user_id, f"{unit.code.lower()}-{word}", self.names.full_name(), None, False))
            district_id, region_id = (None, unit.pk) if isinstance(unit, Region) else (unit.pk, None)
            roles.append((self.ids.take(Role), user_id, kind, district_id, region_id, None, None, self.now))
            groups.append((user_id, self.groups[GROUP_FOR_ROLE[kind]]))
        self.writer.write(User, self.USER_FIELDS, users)
        self.writer.write(Role, ("id", "user", "kind", "district", "region", "school", "grade", "created_at"), roles)
        self.writer.write(User.groups.through, ("user", "group"), groups)

    def _write_chunk(self, schools: list[School]) -> None:
        User = get_user_model()
        rng = self.rng
        School.objects.bulk_create(schools)
        classes, users, students, enrollments, roles, teachers, groups = [], [], [], [], [], [], []
        assignments, hour_logs, activities, activity_classes = [], [], [], []
        # (student id, school id, this year's class id, last year's class id or None, left_on or None)
        attempt_plan = []
        year_start = datetime.datetime.combine(self.year.starts_on, datetime.time(8), tzinfo=datetime.UTC)
        last_start = datetime.datetime.combine(self.last_year.starts_on, datetime.time(8), tzinfo=datetime.UTC)
        for school in schools:
            grades = list(SCHOOL_KIND_GRADES[SchoolKind(school.kind)])
            per_grade = [self.o.students_per_school // len(grades)] * len(grades)
            for g in range(self.o.students_per_school % len(grades)):
                per_grade[g] += 1
            admin_id = self.ids.take(User)
            users.append(self._user_row(admin_id, f"{school.code}-admin", self.names.full_name(), self.now, False))
            roles.append((self.ids.take(Role), admin_id, RoleKind.SCHOOL_ADMIN, None, school.pk, None, self.now))
            groups.append((admin_id, self.groups[GROUP_FOR_ROLE[RoleKind.SCHOOL_ADMIN]]))
            seq = 0
            school_activities = self._activities(school, admin_id, activities)
            this_year_share = rng.choice((0.3, 0.6, 0.8, 0.95, 1.0))
            for grade, count in zip(grades, per_grade, strict=True):
                if not count:
                    continue
                class_count = max(1, math.ceil(count / self.o.class_size))
                subject_id = self.ids.take(User)
                users.append(
                    self._user_row(subject_id, f"{school.code}-t{grade:02d}", self.names.full_name(), self.now, False)
                )
                roles.append((self.ids.take(Role), subject_id, RoleKind.TEACHER, None, school.pk, None, self.now))
                groups.append((subject_id, self.groups[GROUP_FOR_ROLE[RoleKind.TEACHER]]))
                for number in range(1, class_count + 1):
                    previous_id = None
                    if grade != grades[0]:
                        previous_id = self.ids.take(SchoolClass)
                        classes.append((previous_id, school.pk, self.last_year.pk, grade - 1, number, None))
                    class_id = self.ids.take(SchoolClass)
                    classes.append((class_id, school.pk, self.year.pk, grade, number, previous_id))
                    head_id = self.ids.take(User)
                    users.append(
                        self._user_row(
                            head_id, f"{school.code}-t{grade:02d}{number:02d}", self.names.full_name(), self.now, False
                        )
                    )
                    roles.append((self.ids.take(Role), head_id, RoleKind.TEACHER, None, school.pk, None, self.now))
                    groups.append((head_id, self.groups[GROUP_FOR_ROLE[RoleKind.TEACHER]]))
                    teachers.append((self.ids.take(ClassTeacher), head_id, class_id, True, "班主任"))
                    teachers.append((self.ids.take(ClassTeacher), subject_id, class_id, False, "道德与法治"))
                    size = count // class_count + (1 if number <= count % class_count else 0)
                    self._class_records(class_id, head_id, size, assignments, hour_logs)
                    for activity_id in school_activities:
                        activity_classes.append((self.ids.take(ActivityClass), activity_id, class_id, size))
                    for _ in range(size):
                        seq += 1
                        entry_year = self.year.start_year - (grade - grades[0])
                        student_number = f"{entry_year}{seq:06d}"
                        user_id = self.ids.take(User)
                        student_id = self.ids.take(Student)
                        signed_in = rng.random() >= NEVER_SIGNED_IN_SHARE
                        last_login = year_start + datetime.timedelta(days=rng.randrange(1, 60)) if signed_in else None
                        users.append(
                            self._user_row(
                                user_id,
                                f"{school.code}-{student_number}",
                                self.names.full_name(),
                                last_login,
                                not signed_in,
                            )
                        )
                        groups.append((user_id, self.groups[STUDENT_GROUP]))
                        left_on = None
                        if rng.random() < LEFT_SHARE:
                            left_on = self.year.starts_on + datetime.timedelta(days=rng.randrange(10, 60))
                        students.append(
                            (student_id, user_id, school.pk, student_number, "FM"[rng.getrandbits(1)], left_on)
                        )
                        enrollments.append(
                            (
                                self.ids.take(Enrollment),
                                student_id,
                                class_id,
                                self.year.pk,
                                self.year.starts_on,
                                left_on,
                            )
                        )
                        if previous_id is not None:
                            enrollments.append(
                                (
                                    self.ids.take(Enrollment),
                                    student_id,
                                    previous_id,
                                    self.last_year.pk,
                                    self.last_year.starts_on,
                                    None,
                                )
                            )
                        attempt_plan.append((student_id, school.pk, class_id, previous_id, left_on, this_year_share))
        w = self.writer
        w.write(SchoolClass, ("id", "school", "school_year", "grade", "number", "promoted_from"), classes)
        w.write(User, self.USER_FIELDS, users)
        w.write(User.groups.through, ("user", "group"), groups)
        w.write(Role, ("id", "user", "kind", "district", "school", "grade", "created_at"), roles)
        w.write(ClassTeacher, ("id", "teacher", "school_class", "is_head_teacher", "subject"), teachers)
        w.write(Student, ("id", "user", "school", "student_number", "gender", "left_on"), students)
        w.write(Enrollment, ("id", "student", "school_class", "school_year", "joined_on", "left_on"), enrollments)
        w.write(Assignment, ASSIGNMENT_FIELDS, assignments)
        w.write(ClassHourLog, HOUR_LOG_FIELDS, hour_logs)
        w.write(Activity, ACTIVITY_FIELDS, activities)
        w.write(ActivityClass, ("id", "activity", "school_class", "participants"), activity_classes)
        self.students_written += len(students)
        # Ids are taken before the COPY starts: the connection serves nothing else while a COPY is open.
        first_id = self.ids.take(Attempt, len(attempt_plan) * self.o.attempts_per_student)
        rows = self._attempts(attempt_plan, first_id, year_start, last_start)
        self.attempts_written += w.write(Attempt, ATTEMPT_FIELDS, rows)

    def _term_day(self, offset_days: int) -> tuple[datetime.date, int]:
        """A school day `offset_days` into this year, no later than today, and its term's id."""
        day = min(self.year.starts_on + datetime.timedelta(days=offset_days), timezone.localdate())
        term = self.terms[2] if 2 in self.terms and day >= self.terms[2].starts_on else self.terms[1]
        return day, term.pk

    def _class_records(self, class_id: int, teacher_id: int, size: int, assignments, hour_logs) -> None:
        """The lesson quizzes assigned to the class, and the class hours its teacher logged (two a year)."""
        rng = self.rng
        for index, quiz_id in enumerate(self.quiz_ids):
            starts, term_id = self._term_day(index * 14)
            assignments.append(
                (self.ids.take(Assignment), class_id, quiz_id, starts, starts + datetime.timedelta(days=14), term_id,
                 "", teacher_id, self.now, self.now)
            )  # fmt: skip
        for index in range(2 if rng.random() < 0.85 else 1):
            taught, term_id = self._term_day(20 + index * 60 + rng.randrange(10))
            hour_logs.append(
                (self.ids.take(ClassHourLog), class_id, "毒品预防专题教育", taught, term_id, Decimal("1.0"), "teacher",
                 teacher_id, "", "classroom", max(1, size - rng.randrange(3)), "", 40, 3 + rng.randrange(3), "",
                 teacher_id, self.now, self.now)
            )  # fmt: skip

    def _activities(self, school, admin_id: int, activities) -> list[int]:
        """Two of the 五个一 held school-wide (a class meeting, a knowledge quiz); returns their ids."""
        ids = []
        for index, (kind, title) in enumerate(
            [(ActivityType.CLASS_MEETING, "“珍爱生命 远离毒品”主题班会"), (ActivityType.QUIZ, "禁毒知识答题")]
        ):
            held, term_id = self._term_day(30 + index * 30)
            activity_id = self.ids.take(Activity)
            ids.append(activity_id)
            activities.append(
                (activity_id, school.pk, kind, title, held, term_id, None, self.o.students_per_school, "", admin_id,
                 self.now, self.now)
            )  # fmt: skip
        return ids

    def _attempts(self, plan, first_id: int, year_start: datetime.datetime, last_start: datetime.datetime):
        rng = self.rng
        k = self.o.attempts_per_student
        quizzes = self.quiz_ids
        papers = self.papers
        tables = self.scores
        this_span = max(3600, int((self.now - year_start).total_seconds()) - 3600)
        last_span = int((year_start - last_start).total_seconds()) - 30 * 86400
        attempt_id = first_id
        for student_id, school_id, class_id, previous_id, left_on, this_share in plan:
            ability = min(20, max(0, int(rng.gauss(14.5, 3.2))))
            table = tables[ability]
            for n in range(k):
                quiz_id = quizzes[n % len(quizzes)]
                if previous_id is not None and rng.random() > this_share:
                    started = last_start + datetime.timedelta(seconds=rng.randrange(last_span))
                    attempt_class = previous_id
                else:
                    started = year_start + datetime.timedelta(seconds=rng.randrange(this_span))
                    if left_on is not None:
                        started = min(
                            started, datetime.datetime.combine(left_on, datetime.time(7), tzinfo=datetime.UTC)
                        )
                    attempt_class = class_id
                minutes = 2 + rng.random() * 12
                submitted = started + datetime.timedelta(minutes=minutes)
                correct = bisect.bisect_left(table, rng.random())
                percent = correct * 100 / LESSON_QUIZ_QUESTIONS
                flags = '["too_fast"]' if minutes < 2.2 else "[]"
                yield (
                    attempt_id, student_id, quiz_id, school_id, attempt_class, n // len(quizzes) + 1,
                    rng.getrandbits(62), papers[quiz_id], "{}", started, None, submitted,
                    float(correct), float(LESSON_QUIZ_QUESTIONS), percent, percent >= 60, flags, "", "", "",
                )  # fmt: skip
                attempt_id += 1


ASSIGNMENT_FIELDS = (
    "id", "school_class", "quiz", "starts_on", "due_on", "term", "note", "created_by", "created_at", "updated_at",
)  # fmt: skip
HOUR_LOG_FIELDS = (
    "id", "school_class", "topic", "taught_on", "term", "class_hours", "instructor_kind", "teacher",
    "instructor_name", "method", "students_present", "parts_covered", "minutes", "engagement", "note",
    "recorded_by", "recorded_at", "updated_at",
)  # fmt: skip
ACTIVITY_FIELDS = (
    "id", "school", "type", "title", "held_on", "term", "grade", "participants", "description", "recorded_by",
    "recorded_at", "updated_at",
)  # fmt: skip
ATTEMPT_FIELDS = (
    "id", "student", "quiz", "school", "school_class", "number", "seed", "paper", "answer_key", "started_at",
    "deadline_at", "submitted_at", "score", "max_score", "percent", "passed", "flags", "device_id", "user_agent_hash",
    "network",
)  # fmt: skip


def generate(options: GenerateOptions, stdout) -> GenerateSummary:
    guard.require_bench_database(connection)  # before the generator's first write (its groups, last year)
    return DistrictGenerator(options, stdout).run()
