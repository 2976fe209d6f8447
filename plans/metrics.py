"""THE metrics module: every figure the bureau sees is defined and computed here, from the records.

Definitions (a period is a school year or one of its terms):
- students on roll: enrollments of that school year whose student had not left (the class, the school, or by
  graduating) before the period started and had joined before it ended. A student who left keeps counting for
  the periods he was there. Figures stay with the class row of their school year, so after promotion last
  year's figures stay on last year's class.
- 注册率 registration rate = students on roll who ever signed in / students on roll.
- 参与率 participation rate = students on roll with at least one submitted attempt (surveys aside) in the
  period / students on roll.
- results: one per student and quiz, the attempt the quiz counts (its best or its last) among those submitted
  in the period. 及格率 = passed results / results; 满分率 = full-score results / results; 优秀率 = results at or
  above the plan's excellent mark / results; 平均分 = mean percentage of the results (a 100-point scale).
- class hours: hours logged for the class in the period against what the plan's class-hour tasks ask of its
  grade; each class is credited at most what it owed, so one busy class cannot hide an empty one.
- activities: for each activity type the plan asks for, activities held by the class (or school-wide) in the
  period, credited up to the number required.
- survey gain: mean post-survey percentage minus mean pre-survey percentage.
- 总分 composite: the weighted mean of the figures named in the plan's weights; figures that do not apply
  (nothing required) are left out and the other weights scaled up. `formula_text` writes it out.

Rows of the roll-up keep counts, so sums over classes give exact school, township and district figures.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, fields

from django.db.models import QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from classroom.models import Activity, ActivityClass, ClassHourLog
from people.models import Enrollment, SchoolClass, SchoolYear, Term
from quizzes.models import Attempt, Counting, QuizKind, SurveyPhase

from .models import COMPOSITE_FIGURES, FIGURE_FIELDS, Period, Plan, TaskKind

DEFAULT_EXCELLENT_PERCENT = 85
FULL_SCORE_EPSILON = 1e-6


def _rate(numerator: float, denominator: float) -> float | None:
    return 100.0 * numerator / denominator if denominator else None


@dataclass
class Figures:
    on_roll: int = 0
    registered: int = 0
    participants: int = 0
    results: int = 0
    passed: int = 0
    full_marks: int = 0
    excellent: int = 0
    percent_sum: float = 0.0
    hours_required: float = 0.0
    hours_delivered: float = 0.0
    hours_credited: float = 0.0
    activities_required: int = 0
    activities_done: int = 0
    survey_pre_n: int = 0
    survey_pre_sum: float = 0.0
    survey_post_n: int = 0
    survey_post_sum: float = 0.0
    # Filled in when figures of several schools are added up.
    schools: int = 0
    participating_schools: int = 0

    @classmethod
    def from_mapping(cls, mapping) -> "Figures":
        values = {name: (mapping.get(name) or 0) for name in FIGURE_FIELDS}
        return cls(**values)

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    def as_school(self) -> "Figures":
        """These figures as one school's, for adding up into a township or district."""
        copy = Figures(**{f.name: getattr(self, f.name) for f in fields(self)})
        copy.schools = 1
        copy.participating_schools = 1 if self.participants else 0
        return copy

    @property
    def registration_rate(self) -> float | None:
        return _rate(self.registered, self.on_roll)

    @property
    def participation_rate(self) -> float | None:
        return _rate(self.participants, self.on_roll)

    @property
    def school_participation_rate(self) -> float | None:
        return _rate(self.participating_schools, self.schools)

    @property
    def pass_rate(self) -> float | None:
        return _rate(self.passed, self.results)

    @property
    def full_rate(self) -> float | None:
        return _rate(self.full_marks, self.results)

    @property
    def excellent_rate(self) -> float | None:
        return _rate(self.excellent, self.results)

    @property
    def average(self) -> float | None:
        return self.percent_sum / self.results if self.results else None

    @property
    def hours_rate(self) -> float | None:
        return _rate(self.hours_credited, self.hours_required)

    @property
    def activities_rate(self) -> float | None:
        return _rate(self.activities_done, self.activities_required)

    @property
    def survey_gain(self) -> float | None:
        if not (self.survey_pre_n and self.survey_post_n):
            return None
        return self.survey_post_sum / self.survey_post_n - self.survey_pre_sum / self.survey_pre_n

    def value(self, key: str) -> float | None:
        return {
            "registration": self.registration_rate,
            "participation": self.participation_rate,
            "pass": self.pass_rate,
            "full": self.full_rate,
            "excellent": self.excellent_rate,
            "average": self.average,
            "hours": self.hours_rate,
            "activities": self.activities_rate,
        }[key]

    def composite(self, weights: dict[str, float]) -> float | None:
        total = weighted = 0.0
        for key, weight in weights.items():
            value = self.value(key)
            if value is None:
                continue
            total += weight
            weighted += weight * value
        return weighted / total if total else None


def formula_text(weights: dict[str, float]) -> str:
    """The composite written out, e.g. "总分 = (40 × 学生参与率 + 30 × 及格率 …) ÷ 100"."""
    if not weights:
        return _("No composite score: the plan weighs no figure.")
    terms = " + ".join(f"{weight:g} × {COMPOSITE_FIGURES[key]}" for key, weight in weights.items())
    total = sum(weights.values())
    return _("Composite = (%(terms)s) ÷ %(total)s; figures that do not apply are left out.") % {
        "terms": terms,
        "total": f"{total:g}",
    }


# --- periods ---------------------------------------------------------------------------------------------


def period_dates(
    school_year: SchoolYear, terms: list[Term] | None = None
) -> dict[str, tuple[datetime.date, datetime.date]]:
    terms = terms if terms is not None else list(Term.objects.filter(school_year=school_year))
    dates = {Period.YEAR.value: (school_year.starts_on, school_year.ends_on)}
    for term in terms:
        dates[f"t{term.number}"] = (term.starts_on, term.ends_on)
    return dates


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def on_roll(joined_on, left_dates, start: datetime.date, end: datetime.date) -> bool:
    if joined_on is not None and joined_on > end:
        return False
    return all(left is None or left >= start for left in left_dates)


def roll_queryset(classes: QuerySet, school_year: SchoolYear, start: datetime.date, end: datetime.date) -> QuerySet:
    """Enrollments on roll in a period, as a queryset (for lists of students and for tests)."""
    from django.db.models import Q

    qs = Enrollment.objects.filter(school_class__in=classes, school_year=school_year)
    qs = qs.filter(Q(joined_on__isnull=True) | Q(joined_on__lte=end))
    for field in ("left_on", "student__left_on", "student__graduated_on"):
        qs = qs.filter(Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": start}))
    return qs


# --- per-class computation ------------------------------------------------------------------------------


@dataclass
class _Result:
    number: int
    percent: float | None
    passed: bool | None


def _counted(attempts: list[tuple], counting: str) -> _Result:
    if counting == Counting.LAST:
        return max(attempts, key=lambda a: a.number)
    return max(attempts, key=lambda a: (a.percent if a.percent is not None else -1, -a.number))


class PlanRules:
    """What a plan asks of each class: hours per period and activities per type, and the excellent mark."""

    def __init__(self, plan: Plan | None):
        self.plan = plan
        self.tasks = list(plan.tasks.all()) if plan is not None else []
        self.excellent_percent = plan.excellent_percent if plan is not None else DEFAULT_EXCELLENT_PERCENT

    def hours_required(self, school_class: SchoolClass, school_kind: str, period: str) -> float:
        return sum(
            task.hours_for(period)
            for task in self.tasks
            if task.kind == TaskKind.CLASS_HOURS and task.applies_to_class(school_class, school_kind)
        )

    def activities_required(self, school_class: SchoolClass, school_kind: str) -> dict[str, int]:
        wanted: dict[str, int] = defaultdict(int)
        for task in self.tasks:
            if task.kind == TaskKind.ACTIVITIES and task.applies_to_class(school_class, school_kind):
                for activity_type in task.activity_types:
                    wanted[activity_type] = max(wanted[activity_type], task.activity_count)
        return dict(wanted)


def compute_class_figures(
    classes: QuerySet, school_year: SchoolYear, plan: Plan | None = None
) -> dict[tuple[int, str], Figures]:
    """Figures of each class for the year and each term: {(class id, period): Figures}.

    A handful of queries for any number of classes (the roll-up calls it once per school).
    """
    rules = PlanRules(plan)
    class_list = list(classes.select_related("school"))
    class_ids = [c.id for c in class_list]
    periods = period_dates(school_year)
    figures = {(c.id, period): Figures() for c in class_list for period in periods}
    if not class_list:
        return figures

    # Roll: who was on each class's roll in each period, and who ever signed in.
    roll: dict[tuple[int, str], set[int]] = defaultdict(set)
    student_class: dict[int, int] = {}
    for class_id, student_id, joined, left, student_left, graduated, last_login in Enrollment.objects.filter(
        school_class_id__in=class_ids, school_year=school_year
    ).values_list(
        "school_class_id",
        "student_id",
        "joined_on",
        "left_on",
        "student__left_on",
        "student__graduated_on",
        "student__user__last_login",
    ):
        student_class[student_id] = class_id
        for period, (start, end) in periods.items():
            if on_roll(joined, (left, student_left, graduated), start, end):
                roll[(class_id, period)].add(student_id)
                row = figures[(class_id, period)]
                row.on_roll += 1
                row.registered += 1 if last_login is not None else 0

    _add_attempts(figures, roll, student_class, school_year, periods, rules)
    _add_class_hours(figures, class_list, school_year, periods, rules)
    _add_activities(figures, class_list, school_year, periods, rules)
    return figures


def _add_attempts(figures, roll, student_class, school_year, periods, rules: PlanRules) -> None:
    year_start, year_end = periods[Period.YEAR]
    students = Enrollment.objects.filter(
        school_class_id__in={cid for cid, _ in figures}, school_year=school_year
    ).values("student_id")
    rows = Attempt.objects.filter(
        student_id__in=Subquery(students),
        submitted_at__gte=_day_start(year_start),
        submitted_at__lt=_day_start(year_end + datetime.timedelta(days=1)),
    ).values_list(
        "student_id",
        "quiz_id",
        "quiz__kind",
        "quiz__counting",
        "quiz__survey_phase",
        "number",
        "percent",
        "passed",
        "submitted_at",
    )
    # (period, student, quiz) → attempts submitted in that period.
    grouped: dict[tuple[str, int, int], list[_Result]] = defaultdict(list)
    quiz_info: dict[int, tuple[str, str, str]] = {}
    for student_id, quiz_id, kind, counting, phase, number, percent, passed, submitted_at in rows:
        quiz_info[quiz_id] = (kind, counting, phase or "")
        day = timezone.localtime(submitted_at).date()
        for period, (start, end) in periods.items():
            if start <= day <= end:
                grouped[(period, student_id, quiz_id)].append(_Result(number, percent, passed))

    participants: dict[tuple[int, str], set[int]] = defaultdict(set)
    for (period, student_id, quiz_id), attempts in grouped.items():
        class_id = student_class.get(student_id)
        key = (class_id, period)
        if class_id is None or student_id not in roll.get(key, ()):
            continue
        kind, counting, phase = quiz_info[quiz_id]
        row = figures[key]
        if kind == QuizKind.SURVEY:
            result = _counted(attempts, Counting.LAST)
            if result.percent is None:
                continue
            if phase == SurveyPhase.PRE:
                row.survey_pre_n += 1
                row.survey_pre_sum += result.percent
            elif phase == SurveyPhase.POST:
                row.survey_post_n += 1
                row.survey_post_sum += result.percent
            continue
        participants[key].add(student_id)
        result = _counted(attempts, counting)
        if result.percent is None:
            continue
        row.results += 1
        row.percent_sum += result.percent
        row.passed += 1 if result.passed else 0
        row.full_marks += 1 if result.percent >= 100 - FULL_SCORE_EPSILON else 0
        row.excellent += 1 if result.percent >= rules.excellent_percent else 0
    for key, students in participants.items():
        figures[key].participants = len(students)


def _add_class_hours(figures, class_list, school_year, periods, rules: PlanRules) -> None:
    delivered: dict[tuple[int, str], float] = defaultdict(float)
    for class_id, term_number, hours in (
        ClassHourLog.objects.filter(school_class_id__in=[c.id for c in class_list], term__school_year=school_year)
        .values("school_class_id", "term__number")
        .annotate(total=Sum("class_hours"))
        .values_list("school_class_id", "term__number", "total")
    ):
        delivered[(class_id, f"t{term_number}")] += float(hours)
        delivered[(class_id, Period.YEAR.value)] += float(hours)
    for school_class in class_list:
        for period in periods:
            row = figures[(school_class.id, period)]
            row.hours_required = rules.hours_required(school_class, school_class.school.kind, period)
            row.hours_delivered = delivered[(school_class.id, period)]
            row.hours_credited = min(row.hours_delivered, row.hours_required)


def activities_by_class(class_list, school_year) -> dict[tuple[int, str], dict[str, int]]:
    """How many activities of each type each class took part in, per period.

    An activity counts for the classes linked to it; one with no class linked counts for every class of its
    grade, or of the whole school when it names no grade.
    """
    schools = {c.school_id for c in class_list}
    activities = list(
        Activity.objects.filter(school_id__in=schools, term__school_year=school_year).values_list(
            "id", "school_id", "type", "grade", "term__number"
        )
    )
    links: dict[int, set[int]] = defaultdict(set)
    for activity_id, class_id in ActivityClass.objects.filter(activity_id__in=[a[0] for a in activities]).values_list(
        "activity_id", "school_class_id"
    ):
        links[activity_id].add(class_id)
    counts: dict[tuple[int, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for activity_id, school_id, activity_type, grade, term_number in activities:
        for school_class in class_list:
            if school_class.school_id != school_id:
                continue
            linked = links.get(activity_id)
            if linked is not None:
                applies = school_class.id in linked
            else:
                applies = grade is None or grade == school_class.grade
            if applies:
                counts[(school_class.id, f"t{term_number}")][activity_type] += 1
                counts[(school_class.id, Period.YEAR.value)][activity_type] += 1
    return counts


def _add_activities(figures, class_list, school_year, periods, rules: PlanRules) -> None:
    counts = activities_by_class(class_list, school_year)
    for school_class in class_list:
        wanted = rules.activities_required(school_class, school_class.school.kind)
        for period in periods:
            done = counts.get((school_class.id, period), {})
            row = figures[(school_class.id, period)]
            row.activities_done = sum(min(done.get(kind, 0), count) for kind, count in wanted.items())
            # The five ones are due once a school year; a term shows what was done, not a requirement.
            row.activities_required = sum(wanted.values()) if period == Period.YEAR else 0


# --- reading the roll-up ------------------------------------------------------------------------------------


def _sums():
    return {name: Sum(name) for name in FIGURE_FIELDS}


def total(rows: QuerySet) -> Figures:
    """Sum of roll-up rows as one figure set, in one query (school counts included)."""
    return add_up_schools(grouped(rows, "school_id"))


def grouped(rows: QuerySet, *keys: str) -> list[tuple[dict, Figures]]:
    """Roll-up rows summed per key (e.g. "school_id", "school__name"): one query."""
    out = []
    for mapping in rows.values(*keys).annotate(**_sums()).order_by(*keys):
        out.append(({key: mapping[key] for key in keys}, Figures.from_mapping(mapping)))
    return out


def add_up_schools(school_rows: list[tuple[dict, Figures]]) -> Figures:
    """Figures of several schools (one row each) added up, counting schools and participating schools."""
    result = Figures()
    for _key, figures in school_rows:
        result = result + figures.as_school()
    return result


# --- one class, student by student (drill-down and the records behind a figure) ------------------------------


@dataclass
class StudentLine:
    student_id: int
    name: str
    number: str
    registered: bool
    left_on: datetime.date | None
    results: int = 0
    passed: int = 0
    percent_sum: float = 0.0
    participated: bool = False

    @property
    def average(self) -> float | None:
        return self.percent_sum / self.results if self.results else None


def student_lines(school_class: SchoolClass, period: str) -> list[StudentLine]:
    """The students on the class's roll in the period, each with the results that make the class's figures."""
    start, end = period_dates(school_class.school_year)[period]
    roll = roll_queryset(SchoolClass.objects.filter(pk=school_class.pk), school_class.school_year, start, end)
    lines = {}
    for student_id, name, number, last_login, left_on in roll.values_list(
        "student_id",
        "student__user__full_name",
        "student__student_number",
        "student__user__last_login",
        "student__left_on",
    ).order_by("student__student_number"):
        lines[student_id] = StudentLine(student_id, name, number, last_login is not None, left_on)
    grouped: dict[tuple[int, int], list[_Result]] = defaultdict(list)
    counting_of = {}
    for student_id, quiz_id, counting, number, percent, passed in (
        counted_attempts(school_class, period)
        .exclude(quiz__kind=QuizKind.SURVEY)
        .values_list("student_id", "quiz_id", "quiz__counting", "number", "percent", "passed")
    ):
        if student_id in lines:
            counting_of[quiz_id] = counting
            grouped[(student_id, quiz_id)].append(_Result(number, percent, passed))
    for (student_id, quiz_id), attempts in grouped.items():
        line = lines[student_id]
        line.participated = True
        result = _counted(attempts, counting_of[quiz_id])
        if result.percent is not None:
            line.results += 1
            line.percent_sum += result.percent
            line.passed += 1 if result.passed else 0
    return list(lines.values())


def counted_attempts(school_class: SchoolClass, period: str) -> QuerySet:
    """Submitted attempts of the class's students in the period: the records behind its quiz figures."""
    start, end = period_dates(school_class.school_year)[period]
    students = Enrollment.objects.filter(school_class=school_class).values("student_id")
    return Attempt.objects.filter(
        student_id__in=Subquery(students),
        submitted_at__gte=_day_start(start),
        submitted_at__lt=_day_start(end + datetime.timedelta(days=1)),
    )


def class_hour_logs(school_class: SchoolClass, period: str) -> QuerySet:
    """The class-hour logs behind a class's hours in the period."""
    logs = ClassHourLog.objects.filter(school_class=school_class, term__school_year=school_class.school_year_id)
    if period != Period.YEAR:
        logs = logs.filter(term__number=int(period[1:]))
    return logs


def class_activities(school_class: SchoolClass, period: str) -> QuerySet:
    """The activities that count for a class in the period (the rule of `activities_by_class`)."""
    from django.db.models import Q

    unlinked = Q(class_links__isnull=True) & (Q(grade__isnull=True) | Q(grade=school_class.grade))
    activities = Activity.objects.filter(
        school_id=school_class.school_id, term__school_year=school_class.school_year_id
    )
    activities = activities.filter(Q(class_links__school_class=school_class) | unlinked).distinct()
    if period != Period.YEAR:
        activities = activities.filter(term__number=int(period[1:]))
    return activities
