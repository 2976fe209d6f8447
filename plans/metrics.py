"""THE metrics module: every figure the bureau sees is defined and computed here, from the records.

Definitions (a period is a school year or one of its terms):
- students on roll: enrollments of that school year on the roll at any time in the period, by the one rule of
  `people.membership` (had joined by the period's end; had not left the class or the school, graduated or been
  anonymised before its start). A student who left keeps counting for the periods he was there. Figures stay
  with the class row of their school year, so after promotion last year's figures stay on last year's class.
- 注册率 registration rate = students on roll who ever signed in / students on roll.
- 参与率 participation rate = students on roll with at least one submitted attempt in the period at a quiz
  that is not a survey / students on roll (`takes_part`): a student who only answered surveys did not take
  part.
- results: one per student and quiz, the attempt the quiz counts (its best or its last, quizzes.counting)
  among those submitted in the period; an attempt without a percent is no result. 及格率 = passed results /
  results (the pass mark itself passes); 满分率 = full-score results / results; 优秀率 = results at or above
  the plan's excellent mark / results; 平均分 = mean percentage of the results (a 100-point scale).
- class hours: hours logged for the class in the period against what the plan's class-hour tasks ask of its
  grade; each class is credited at most what it owed, so one busy class cannot hide an empty one.
- activities: for each activity type the plan asks for, activities held by the class (or school-wide) in the
  period, credited up to the number required.
- survey gain: mean post-survey percentage minus mean pre-survey percentage (a pre-survey's first attempt, a
  post-survey's last, quizzes.counting).
- 师资 (teacher training and 法治副校长), per school from the records, never from the roll-up (`staff_for`):
  trained teachers = teachers with a passed training course at the school before the period's end (a pass
  stays a pass, so later years count it again; classroom.training); a school is staffed when its roster has
  an active 法治副校长 now (people.instructors: the roster has no dates). A "每校至少 N 名教师完成培训" task's
  yearly target is N: each school it applies to owes N and is credited at most N (as class hours are), and its
  figure is teachers credited / teachers owed, met at 100%. 法治副校长配备率 = staffed schools / schools the
  task applies to. Both are sums of per-school counts, so they add up from school to district.
- 总分 composite: the weighted mean of the figures named in the plan's weights; figures that do not apply
  (nothing required) are left out and the other weights scaled up. `formula_text` writes it out.
- 考评 yearly score: a school's is its 总分 composite for the school year; a member unit's or social
  organisation's is the share of its items of the year closed on time (closed, by a 销账 on or before the
  item's due day, or with no due day), `organisation_scores`.
- flagged records: quiz attempts, class-hour logs and activities carrying an open or confirmed integrity flag
  (`classroom.integrity.flags.uncounted_ids`). Unless the plan counts them (`Plan.count_flagged_records`), every
  figure above is computed as if they did not exist: a student whose only attempts are flagged did not take
  part, a flagged best attempt gives way to the best unflagged one, flagged hours and activities are not
  delivered. Either way each figure carries how many flagged records stand behind it; a cleared flag counts
  again. Lesson progress feeds no figure, so its flags change none.

Rows of the roll-up keep counts, so sums over classes give exact school, township and district figures.
A region's (a city's, a province's) figures are the sums of its districts' counts, each district on its own
plan's side about flagged records (`district_figures`, `add_up_districts`); every rate of a region is the rate
of those summed counts, never a mean of the districts' rates. A region has no plan: its composite uses the
weights its districts' plans share, or the default weights when they differ (`region_weights`).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, fields
from decimal import ROUND_CEILING, Decimal

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Subquery, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from classroom import hours, training
from classroom.integrity.flags import uncounted_ids
from classroom.models import Activity, ActivityClass, ClassHourLog, ParentAcknowledgement
from people import instructors, membership
from people.models import Enrollment, School, SchoolClass, SchoolYear, Term
from quizzes import counting
from quizzes.models import Attempt, QuizKind, SurveyPhase

from .models import COMPOSITE_FIGURES, FIGURE_FIELDS, Period, Plan, TaskKind, with_flagged
from .models.plan import default_composite_weights

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
    families_acknowledged: int = 0
    families_active: int = 0
    # Flagged records behind these figures, counted or not (see the module's docstring).
    flagged_attempts: int = 0
    flagged_hour_logs: int = 0
    flagged_activities: int = 0
    # Filled in when figures of several schools are added up.
    schools: int = 0
    participating_schools: int = 0
    # 师资 of the schools behind these figures, one SchoolStaff each, when read (`staff_for`); adding figures up
    # joins them, so a task's figure is still a sum of per-school counts.
    staff: tuple = ()

    @classmethod
    def from_mapping(cls, mapping, count_flagged: bool = False) -> "Figures":
        """Figures from a roll-up row (or its sums), on the side of the plan's choice about flagged records."""
        columns = {name: with_flagged(name) if count_flagged else name for name in FIGURE_FIELDS}
        return cls(**{name: (mapping.get(column) or 0) for name, column in columns.items()})

    @property
    def flagged(self) -> int:
        return self.flagged_attempts + self.flagged_hour_logs + self.flagged_activities

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
    def family_rate(self) -> float | None:
        """Students whose parents acknowledged a letter (告家长书 签收), of the students on the roll."""
        return _rate(self.families_acknowledged, self.on_roll)

    @property
    def family_activity_rate(self) -> float | None:
        return _rate(self.families_active, self.on_roll)

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
            "family": self.family_rate,
            "family_activity": self.family_activity_rate,
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


def counts_flagged(plan: Plan | None) -> bool:
    """Whether the plan counts records carrying an open or confirmed integrity flag (by default it does not)."""
    return plan is not None and plan.count_flagged_records


def flagged_rule_text(count_flagged: bool | None) -> str:
    """How flagged records enter the figures; None where they add up districts whose plans choose differently."""
    if count_flagged is None:
        return _(
            "Records with an open or confirmed integrity flag are left out or counted as each district's own plan "
            "asks; the flagged column shows how many."
        )
    if count_flagged:
        return _(
            "Records with an open or confirmed integrity flag are counted in every figure, as the plan asks; "
            "the flagged column shows how many."
        )
    return _(
        "Records with an open or confirmed integrity flag (quiz attempts, class-hour logs, activities) are left "
        "out of every figure until a reviewer clears them; the flagged column shows how many."
    )


def formula_text(weights: dict[str, float], count_flagged: bool | None = False) -> str:
    """The composite written out, e.g. "总分 = (40 × 学生参与率 + 30 × 及格率 …) ÷ 100", and how flagged
    records enter it."""
    if not weights:
        composite = _("No composite score: the plan weighs no figure.")
    else:
        # In the figures' own order, not the stored JSON's: PostgreSQL's jsonb sorts keys and SQLite keeps them
        # as written, and one plan must read the same on both.
        terms = " + ".join(f"{weights[key]:g} × {label}" for key, label in COMPOSITE_FIGURES.items() if key in weights)
        total = sum(weights.values())
        composite = _("Composite = (%(terms)s) ÷ %(total)s; figures that do not apply are left out.") % {
            "terms": terms,
            "total": f"{total:g}",
        }
    return f"{composite} {flagged_rule_text(count_flagged)}"


def plan_formula(plan: Plan | None) -> str:
    """The formula with the plan and version it comes from, as every screen, export, document and API answer
    that shows figures prints it: figures name the plan version they used."""
    if plan is None:
        return ""
    if plan.version:
        named = _("Plan “%(name)s”, version %(version)s.") % {"name": plan.name, "version": plan.version}
    else:  # never edited since it was adopted (plans.versioning numbers the edits from 1)
        named = _("Plan “%(name)s” as adopted.") % {"name": plan.name}
    return f"{named} {formula_text(plan.weights(), counts_flagged(plan))}"


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


def roll_queryset(classes: QuerySet, school_year: SchoolYear, start: datetime.date, end: datetime.date) -> QuerySet:
    """Enrollments on roll in a period (people.membership's rule), as a queryset: the roll behind the figures."""
    return membership.on_roll(Enrollment.objects.filter(school_class__in=classes, school_year=school_year), start, end)


# --- per-class computation ------------------------------------------------------------------------------


@dataclass
class _Result:
    number: int
    percent: float | None
    passed: bool | None


def takes_part(quiz_kind: str) -> bool:
    """Whether a counted attempt at a quiz of this kind makes its student a participant (参与率): a survey
    asks what students know and think, and answering one is no participation in the quizzes."""
    return quiz_kind != QuizKind.SURVEY


def excluded_attempts(count_flagged: bool):
    """The attempts the figures leave out (quizzes.counting's `excluded`): those with an open or confirmed
    flag, unless the plan counts flagged records."""
    return None if count_flagged else uncounted_ids(Attempt)


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


@dataclass
class Sides:
    """One class and period computed twice: with flagged records left out, and with them counted."""

    without_flagged: Figures
    with_flagged: Figures

    def side(self, count_flagged: bool) -> Figures:
        return self.with_flagged if count_flagged else self.without_flagged


def compute_class_figures(
    classes: QuerySet, school_year: SchoolYear, plan: Plan | None = None, *, count_flagged: bool | None = None
) -> dict[tuple[int, str], Figures]:
    """Figures of each class for the year and each term: {(class id, period): Figures}.

    Flagged records count as the plan says, unless `count_flagged` says otherwise.
    """
    if count_flagged is None:
        count_flagged = counts_flagged(plan)
    return {key: sides.side(count_flagged) for key, sides in compute_both_sides(classes, school_year, plan).items()}


def compute_both_sides(
    classes: QuerySet, school_year: SchoolYear, plan: Plan | None = None, *, school_classes: QuerySet | None = None
) -> dict[tuple, Sides]:
    """Both sides of every class's figures: {(class id, period): Sides}.

    A handful of queries for any number of classes (the roll-up calls it once per school); whether a record is
    flagged is asked inside the same queries. `school_classes`, when `classes` are some of their schools'
    classes (one class refreshed alone), are all of them: a flagged activity counting for several classes is
    counted on the first of all, so one class computed alone gets the figure the whole school gives it.
    """
    rules = PlanRules(plan)
    class_list = list(classes.select_related("school"))
    class_ids = [c.id for c in class_list]
    periods = period_dates(school_year)
    sides = {(c.id, period): Sides(Figures(), Figures()) for c in class_list for period in periods}
    if not class_list:
        return sides

    # Roll: who was on each class's roll in each period (people.membership's rule, one column per period, so
    # one query), and who ever signed in. Flags do not touch the roll.
    roll: dict[tuple[int, str], set[int]] = defaultdict(set)
    student_class: dict[int, int] = {}
    columns = {
        f"on_roll_{period}": Case(When(membership.on_roll_q(start, end), then=Value(True)), default=Value(False))
        for period, (start, end) in periods.items()
    }
    for enrollment in (
        Enrollment.objects.filter(school_class_id__in=class_ids, school_year=school_year)
        .annotate(**columns)
        .values("school_class_id", "student_id", "student__user__last_login", *columns)
    ):
        class_id, student_id = enrollment["school_class_id"], enrollment["student_id"]
        student_class[student_id] = class_id
        for period in periods:
            if enrollment[f"on_roll_{period}"]:
                roll[(class_id, period)].add(student_id)
                for row in _both(sides[(class_id, period)]):
                    row.on_roll += 1
                    row.registered += 1 if enrollment["student__user__last_login"] is not None else 0

    _add_attempts(sides, roll, student_class, school_year, periods, rules)
    _add_class_hours(sides, class_list, school_year, periods, rules)
    among = list(school_classes) if school_classes is not None else None
    _add_activities(sides, class_list, school_year, periods, rules, among)
    _add_families(sides, roll, periods)
    return sides


def _both(sides: Sides) -> tuple[Figures, Figures]:
    return sides.without_flagged, sides.with_flagged


def is_flagged(model) -> Case:
    """An annotation: does the record carry an open or confirmed integrity flag."""
    return Case(When(pk__in=uncounted_ids(model), then=Value(True)), default=Value(False), output_field=BooleanField())


def _add_attempts(sides, roll, student_class, school_year, periods, rules: PlanRules) -> None:
    year_start, year_end = periods[Period.YEAR]
    students = Enrollment.objects.filter(school_class_id__in={cid for cid, _ in sides}, school_year=school_year).values(
        "student_id"
    )
    rows = (
        Attempt.objects.filter(
            student_id__in=Subquery(students),
            submitted_at__gte=_day_start(year_start),
            submitted_at__lt=_day_start(year_end + datetime.timedelta(days=1)),
        )
        # Both sides from one read: the plan's exclusion, marked on each attempt.
        .annotate(flagged=counting.is_excluded(excluded_attempts(count_flagged=False)))
        .values_list(
            "student_id",
            "quiz_id",
            "quiz__kind",
            "quiz__counting",
            "quiz__survey_phase",
            "number",
            "percent",
            "passed",
            "submitted_at",
            "flagged",
        )
    )
    # (period, student, quiz) → attempts submitted in that period, each with whether it is flagged.
    grouped: dict[tuple[str, int, int], list[tuple[_Result, bool]]] = defaultdict(list)
    quiz_info: dict[int, tuple[str, str, str]] = {}
    for student_id, quiz_id, kind, how, phase, number, percent, passed, submitted_at, flagged in rows:
        quiz_info[quiz_id] = (kind, how, phase or "")
        day = timezone.localtime(submitted_at).date()
        for period, (start, end) in periods.items():
            if start <= day <= end:
                grouped[(period, student_id, quiz_id)].append((_Result(number, percent, passed), bool(flagged)))

    participants: dict[tuple[tuple[int, str], bool], set[int]] = defaultdict(set)
    for (period, student_id, quiz_id), attempts in grouped.items():
        class_id = student_class.get(student_id)
        key = (class_id, period)
        if class_id is None or student_id not in roll.get(key, ()):
            continue
        flagged_here = sum(1 for _result, flagged in attempts if flagged)
        for row in _both(sides[key]):
            row.flagged_attempts += flagged_here
        unflagged = [result for result, flagged in attempts if not flagged]
        every = [result for result, _flagged in attempts]
        for count_flagged, counted in ((False, unflagged), (True, every)):
            if counted:
                _tally(sides[key].side(count_flagged), quiz_info[quiz_id], counted, rules)
                if takes_part(quiz_info[quiz_id][0]):
                    participants[(key, count_flagged)].add(student_id)
    for (key, count_flagged), students in participants.items():
        sides[key].side(count_flagged).participants = len(students)


def _tally(row: Figures, info: tuple[str, str, str], attempts: list[_Result], rules: PlanRules) -> None:
    """Add one student's result in one quiz (the attempt the quiz counts among `attempts`) to a class's figures."""
    kind, how, phase = info
    result = counting.pick(attempts, counting.choice_for(kind, how, phase))
    if result.percent is None:
        return  # not graded: no result (quizzes.counting)
    if kind == QuizKind.SURVEY:
        if phase == SurveyPhase.PRE:
            row.survey_pre_n += 1
            row.survey_pre_sum += result.percent
        elif phase == SurveyPhase.POST:
            row.survey_post_n += 1
            row.survey_post_sum += result.percent
        return
    row.results += 1
    row.percent_sum += result.percent
    row.passed += 1 if counting.is_pass(result.percent, result.passed) else 0
    row.full_marks += 1 if result.percent >= 100 - FULL_SCORE_EPSILON else 0
    row.excellent += 1 if result.percent >= rules.excellent_percent else 0


def _add_families(sides, roll, periods) -> None:
    """告家长书: a student counts once per class and period when a parent acknowledged any letter sent to that
    class in the period, and once more as active when the family also did the home activity. The roll decides
    who counts (a student who left is not counted), as for every other rate. One query."""
    class_ids = {class_id for class_id, _period in sides}
    acknowledged: dict[tuple[int, str], set[int]] = defaultdict(set)
    active: dict[tuple[int, str], set[int]] = defaultdict(set)
    for class_id, student_id, at, done in ParentAcknowledgement.objects.filter(
        send__school_class_id__in=class_ids, send__withdrawn_at__isnull=True
    ).values_list("send__school_class_id", "student_id", "acknowledged_at", "activity_done_at"):
        day = timezone.localtime(at).date()
        for period, (start, end) in periods.items():
            if start <= day <= end and student_id in roll.get((class_id, period), ()):
                acknowledged[(class_id, period)].add(student_id)
                if done is not None:
                    active[(class_id, period)].add(student_id)
    for key, students in acknowledged.items():
        for row in _both(sides[key]):
            row.families_acknowledged = len(students)
            row.families_active = len(active[key])


def _add_class_hours(sides, class_list, school_year, periods, rules: PlanRules) -> None:
    # Hours delivered are classroom.hours' sum, the one the teacher's class-hour log shows.
    flagged = hours.flagged_logs()
    delivered: dict[tuple[tuple[int, str], bool], float] = defaultdict(float)
    flagged_logs: dict[tuple[int, str], int] = defaultdict(int)
    for class_id, term_number, every, unflagged, flagged_count in (
        ClassHourLog.objects.filter(school_class_id__in=[c.id for c in class_list], term__school_year=school_year)
        .values("school_class_id", "term__number")
        .annotate(
            every=hours.delivered_sum(count_flagged=True),
            unflagged=hours.delivered_sum(count_flagged=False),
            flagged_count=Count("id", filter=flagged),
        )
        .values_list("school_class_id", "term__number", "every", "unflagged", "flagged_count")
    ):
        for period in (f"t{term_number}", Period.YEAR.value):
            delivered[((class_id, period), True)] += float(every or 0)
            delivered[((class_id, period), False)] += float(unflagged or 0)
            flagged_logs[(class_id, period)] += flagged_count
    for school_class in class_list:
        for period in periods:
            key = (school_class.id, period)
            required = rules.hours_required(school_class, school_class.school.kind, period)
            for count_flagged in (False, True):
                row = sides[key].side(count_flagged)
                row.hours_required = required
                row.hours_delivered = delivered[(key, count_flagged)]
                row.hours_credited = min(row.hours_delivered, required)
                row.flagged_hour_logs = flagged_logs[key]


def activities_by_class(class_list, school_year, among=None):
    """How many activities of each type each class took part in, per period, on both sides
    ({count_flagged: {(class id, period): {type: n}}}), and the flagged activities of each class and period.

    An activity counts for the classes linked to it; one with no class linked counts for every class of its
    grade, or of the whole school when it names no grade.

    A flagged activity counting for several classes (a school-wide exhibition) is one record: it is counted
    once, on the first class it counts for (lowest grade, then number) among `among` (the schools' classes;
    `class_list` by default), so a school's flagged count adds up to the flags a reviewer sees.
    """
    schools = {c.school_id for c in class_list}
    activities = list(
        Activity.objects.filter(school_id__in=schools, term__school_year=school_year)
        .annotate(flagged=is_flagged(Activity))
        .values_list("id", "school_id", "type", "grade", "term__number", "flagged")
    )
    links: dict[int, set[int]] = defaultdict(set)
    for activity_id, class_id in ActivityClass.objects.filter(activity_id__in=[a[0] for a in activities]).values_list(
        "activity_id", "school_class_id"
    ):
        links[activity_id].add(class_id)
    counts = {side: defaultdict(lambda: defaultdict(int)) for side in (False, True)}
    flagged_counts: dict[tuple[int, str], int] = defaultdict(int)
    ordered = sorted(among if among is not None else class_list, key=lambda c: (c.grade, c.number, c.id))
    for activity_id, school_id, activity_type, grade, term_number, flagged in activities:
        periods = (f"t{term_number}", Period.YEAR.value)
        first = True
        for school_class in ordered:
            if school_class.school_id != school_id:
                continue
            linked = links.get(activity_id)
            if linked is not None:
                applies = school_class.id in linked
            else:
                applies = grade is None or grade == school_class.grade
            if not applies:
                continue
            for period in periods:
                counts[True][(school_class.id, period)][activity_type] += 1
                if flagged:
                    flagged_counts[(school_class.id, period)] += 1 if first else 0
                else:
                    counts[False][(school_class.id, period)][activity_type] += 1
            first = False
    return counts, flagged_counts


def _add_activities(sides, class_list, school_year, periods, rules: PlanRules, among=None) -> None:
    counts, flagged_counts = activities_by_class(class_list, school_year, among)
    for school_class in class_list:
        wanted = rules.activities_required(school_class, school_class.school.kind)
        for period in periods:
            key = (school_class.id, period)
            for count_flagged in (False, True):
                done = counts[count_flagged].get(key, {})
                row = sides[key].side(count_flagged)
                row.activities_done = sum(min(done.get(kind, 0), count) for kind, count in wanted.items())
                # The five ones are due once a school year; a term shows what was done, not a requirement.
                row.activities_required = sum(wanted.values()) if period == Period.YEAR else 0
                row.flagged_activities = flagged_counts[key]


# --- reading the roll-up ------------------------------------------------------------------------------------


def _sums(count_flagged: bool):
    # Aliased apart from the model's fields, so a sum never shadows the column it is taken from.
    return {f"sum_{name}": Sum(with_flagged(name) if count_flagged else name) for name in FIGURE_FIELDS}


def _from_sums(mapping) -> Figures:
    return Figures.from_mapping({name: mapping[f"sum_{name}"] for name in FIGURE_FIELDS})


def total(rows: QuerySet, count_flagged: bool = False) -> Figures:
    """Sum of roll-up rows as one figure set, in one query (school counts included)."""
    return add_up_schools(grouped(rows, "school_id", count_flagged=count_flagged))


def grouped(rows: QuerySet, *keys: str, count_flagged: bool = False) -> list[tuple[dict, Figures]]:
    """Roll-up rows summed per key (e.g. "school_id", "school__name"): one query.

    `count_flagged` picks the side of the roll-up: flagged records counted or left out (the plan's choice).
    """
    out = []
    for mapping in rows.values(*keys).annotate(**_sums(count_flagged)).order_by(*keys):
        out.append(({key: mapping[key] for key in keys}, _from_sums(mapping)))
    return out


def add_up_schools(school_rows: list[tuple[dict, Figures]]) -> Figures:
    """Figures of several schools (one row each) added up, counting schools and participating schools."""
    result = Figures()
    for _key, figures in school_rows:
        result = result + figures.as_school()
    return result


def district_figures(rows: QuerySet, flagged_counted: dict[int, bool]) -> dict[int, Figures]:
    """Figures of each district of the roll-up rows, its schools counted, however many districts: one query for
    the districts that leave flagged records out, one more only if some district counts them.

    `flagged_counted[district_id]` is that district's plan's choice about flagged records (False when absent),
    so each district adds up exactly what its own dashboard shows. Each district's rows are summed once, under
    its own choice (summing every row under both choices cost a province page twice its largest query).
    """
    counting = sorted(district for district, counts in flagged_counted.items() if counts)
    parts = [(rows.exclude(district_id__in=counting), False)]
    if counting:
        parts.append((rows.filter(district_id__in=counting), True))
    out: dict[int, Figures] = defaultdict(Figures)
    for part, count_flagged in parts:
        for key, figures in grouped(part, "district_id", "school_id", count_flagged=count_flagged):
            out[key["district_id"]] = out[key["district_id"]] + figures.as_school()
    return dict(out)


def add_up_districts(district_list) -> Figures:
    """Figures of several districts (or regions) added up: the sums of their counts, schools included."""
    result = Figures()
    for figures in district_list:
        result = result + figures
    return result


def region_flagged_rule(plans) -> bool | None:
    """How a region's sums treat flagged records: its districts' plans' one choice, or None when they differ."""
    sides = {counts_flagged(plan) for plan in plans}
    return sides.pop() if len(sides) == 1 else None


def region_formula(weights: dict[str, float], shared: bool, plans) -> str:
    """A region's formula, as its page and the API print it: the composite its lines use and how flagged records
    enter sums of districts whose plans each decide that for their own counts."""
    text = formula_text(weights, region_flagged_rule(plans))
    if not shared:
        text += " " + _(
            "The counties' plans weigh the figures differently (or none has a plan): the region's lines use the "
            "default weights; each county's line uses its own plan's."
        )
    return text


def region_weights(plans) -> tuple[dict[str, float], bool]:
    """The composite weights of a region's line and whether its districts' plans all share them.

    A region has no plan of its own: the weights its districts' plans share, or the default weights (those a new
    plan starts with) when they differ or no district has a plan.
    """
    distinct = []
    for plan in plans:
        if plan is not None and plan.weights() not in distinct:
            distinct.append(plan.weights())
    if len(distinct) == 1:
        return distinct[0], True
    default = Plan(composite_weights=default_composite_weights()).weights()
    return default, not distinct


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


def student_lines(school_class: SchoolClass, period: str, count_flagged: bool = False) -> list[StudentLine]:
    """The students on the class's roll in the period, each with the results that make the class's figures
    (flagged attempts left out unless `count_flagged`, as in the class's figures)."""
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
    choice_of = {}
    records = counting.counted(counted_attempts(school_class, period), excluded_attempts(count_flagged))
    for student_id, quiz_id, kind, how, phase, number, percent, passed in records.values_list(
        "student_id", "quiz_id", "quiz__kind", "quiz__counting", "quiz__survey_phase", "number", "percent", "passed"
    ):
        if student_id in lines and takes_part(kind):
            choice_of[quiz_id] = counting.choice_for(kind, how, phase)
            grouped[(student_id, quiz_id)].append(_Result(number, percent, passed))
    for (student_id, quiz_id), attempts in grouped.items():
        line = lines[student_id]
        line.participated = True
        result = counting.pick(attempts, choice_of[quiz_id])
        if result.percent is not None:
            line.results += 1
            line.percent_sum += result.percent
            line.passed += 1 if counting.is_pass(result.percent, result.passed) else 0
    return list(lines.values())


def counted_attempts(school_class: SchoolClass, period: str) -> QuerySet:
    """Submitted attempts of the class's students in the period: the records behind its quiz figures, flagged
    ones included (`is_flagged` marks them)."""
    start, end = period_dates(school_class.school_year)[period]
    students = membership.class_roll(school_class, start, end).values("student_id")
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
    unlinked = Q(class_links__isnull=True) & (Q(grade__isnull=True) | Q(grade=school_class.grade))
    activities = Activity.objects.filter(
        school_id=school_class.school_id, term__school_year=school_class.school_year_id
    )
    activities = activities.filter(Q(class_links__school_class=school_class) | unlinked).distinct()
    if period != Period.YEAR:
        activities = activities.filter(term__number=int(period[1:]))
    return activities


# --- figures against the plan's targets ---------------------------------------------------------------------

# The figure each task kind is measured by (evidence tasks have none: the ledger follows them).
TASK_FIGURE = {
    TaskKind.CLASS_HOURS: "hours",
    TaskKind.ACTIVITIES: "activities",
    TaskKind.PARTICIPATION: "participation",
    TaskKind.PASS_RATE: "pass",
    TaskKind.REGISTRATION: "registration",
    TaskKind.SURVEY_GAIN: "survey_gain",
    TaskKind.FAMILY: "family",
    TaskKind.TRAINED_TEACHERS: "trained_teachers",
    TaskKind.LEGAL_VICE_PRINCIPAL: "legal_vice_principal",
}
# The kinds measured by the schools' 师资, read from the records by `staff_for` rather than from the roll-up.
STAFF_KINDS = {TaskKind.TRAINED_TEACHERS, TaskKind.LEGAL_VICE_PRINCIPAL}


def figure_value(figures: Figures, key: str | None) -> float | None:
    """The figure a task is measured by (`TASK_FIGURE`), or None when the task has none or nothing applies."""
    if key is None:
        return None
    if key == "survey_gain":
        return figures.survey_gain
    return figures.value(key)


# --- 师资: trained teachers and 法治副校长 of each school -------------------------------------------------------


@dataclass(frozen=True)
class SchoolStaff:
    """One school's 师资 as the figures read it (the module's docstring): the school (a task may apply to some
    school types only), its teachers with a passed training course, their hours, and its 法治副校长."""

    school: School
    teachers_trained: int
    training_hours: float
    legal_vice_principal: bool


def plan_reads_staff(plan: Plan | None) -> bool:
    """Whether any task of the plan is measured by the schools' 师资 (the staff queries are spent only then)."""
    return plan is not None and any(task.kind in STAFF_KINDS for task in plan.tasks.all())


def staff_for(schools: QuerySet, start_year: int, period: str = Period.YEAR.value) -> dict[int, SchoolStaff]:
    """Each school's 师资 for a period of a school year, by school id: a constant four queries however many
    schools. Training passes count up to the period's end (all of them when the year is not on record)."""
    until = None
    school_year = SchoolYear.objects.filter(start_year=start_year).first()
    if school_year is not None:
        dates = period_dates(school_year)
        end = dates.get(period, dates[Period.YEAR.value])[1]
        until = _day_start(end + datetime.timedelta(days=1))
    school_list = list(schools)
    trained = training.school_training_figures(schools, until)
    staffed = instructors.staffed_schools(schools)
    return {
        school.pk: SchoolStaff(
            school, trained[school.pk].teachers_trained, float(trained[school.pk].hours), staffed[school.pk]
        )
        for school in school_list
    }


def teachers_owed(target) -> int:
    """N of "每校至少 N 名教师完成培训": the yearly target of a trained-teachers task, a whole number of teachers."""
    return int(Decimal(target.target).to_integral_value(rounding=ROUND_CEILING))


@dataclass(frozen=True)
class StaffCounts:
    """The counts behind a 师资 task's figure over the schools it applies to."""

    schools: int
    done: int  # schools with N trained teachers, or with a 法治副校长
    credited: int = 0  # trained teachers credited, at most N per school
    owed: int = 0  # N for each school
    teachers: int = 0
    hours: float = 0.0


def staff_counts(figures: Figures, task, start_year: int) -> StaffCounts | None:
    """The counts of a 师资 task this year, or None for another kind (or no target N for a training task)."""
    schools = [school for school in figures.staff if task.applies_to_school(school.school)]
    if task.kind == TaskKind.LEGAL_VICE_PRINCIPAL:
        return StaffCounts(len(schools), sum(1 for school in schools if school.legal_vice_principal))
    if task.kind != TaskKind.TRAINED_TEACHERS:
        return None
    target = task.target_for(start_year)
    if target is None:
        return None
    owed = teachers_owed(target)
    return StaffCounts(
        schools=len(schools),
        done=sum(1 for school in schools if school.teachers_trained >= owed),
        credited=sum(min(school.teachers_trained, owed) for school in schools),
        owed=owed * len(schools),
        teachers=sum(school.teachers_trained for school in schools),
        hours=sum(school.training_hours for school in schools),
    )


def task_value(figures: Figures, task, start_year: int) -> float | None:
    """The figure a task is measured by this year: `figure_value` of its key, or its 师资 rate."""
    if task.kind not in STAFF_KINDS:
        return figure_value(figures, TASK_FIGURE.get(task.kind))
    counts = staff_counts(figures, task, start_year)
    if counts is None:
        return None
    if task.kind == TaskKind.TRAINED_TEACHERS:
        return _rate(counts.credited, counts.owed)
    return _rate(counts.done, counts.schools)


def task_target(task, start_year: int) -> float | None:
    """The percentage a task's figure is set against this year: its yearly target, except for a training task,
    whose target is N teachers and whose figure (teachers credited / owed) meets it at 100%."""
    target = task.target_for(start_year)
    if target is None:
        return None
    return 100.0 if task.kind == TaskKind.TRAINED_TEACHERS else float(target.target)


def staff_text(figures: Figures, task, start_year: int) -> str:
    """What stands behind a 师资 task's figure, in words ("" for other kinds)."""
    counts = staff_counts(figures, task, start_year)
    if counts is None or not counts.schools:
        return ""
    if task.kind == TaskKind.LEGAL_VICE_PRINCIPAL:
        return _("%(done)s of %(schools)s schools have a legal vice-principal on their roster.") % {
            "done": counts.done,
            "schools": counts.schools,
        }
    owed = teachers_owed(task.target_for(start_year))
    # Two sentences, each plural by its own number: English said "at least 1 trained teachers" and "1 teachers".
    schools = ngettext(
        "%(done)s of %(schools)s schools have at least %(owed)s trained teacher.",
        "%(done)s of %(schools)s schools have at least %(owed)s trained teachers.",
        owed,
    ) % {"done": counts.done, "schools": counts.schools, "owed": owed}
    trained = ngettext(
        "%(teachers)s teacher trained, %(hours)s training hours.",
        "%(teachers)s teachers trained, %(hours)s training hours.",
        counts.teachers,
    ) % {"teachers": counts.teachers, "hours": f"{counts.hours:g}"}
    # Translators: two sentences in a row; Chinese writes them without a space.
    return _("%(first)s %(second)s") % {"first": schools, "second": trained}


@dataclass
class Shortfall:
    """How far one figure is below one task's target this year, in percentage points of that figure.

    A shortfall belongs to one task: gaps of different tasks measure different things (hours delivered,
    students taking part), so they are never added into one number.
    """

    task: object
    figure_key: str
    target: float
    value: float | None

    @property
    def points(self) -> float:
        # A figure with nothing behind it (no results yet) is as far behind as it can be.
        return max(0.0, self.target - (self.value or 0.0))


def shortfalls(figures: Figures, plan: Plan | None, start_year: int) -> list[Shortfall]:
    """Every task of the plan whose figure is below this year's target, the farthest behind first.

    The survey gain is left out: its target is a gain, not a share of students or of what is required, and a
    school with no survey yet is not behind on it. So are the 师资 tasks when the figures carry no school's
    staff (`staff_for` was not read for them): no record read is no shortfall.
    """
    if plan is None:
        return []
    out = []
    for task in plan.tasks.all():
        key = TASK_FIGURE.get(task.kind)
        target = task_target(task, start_year)
        if key is None or key == "survey_gain" or target is None:
            continue
        if task.kind in STAFF_KINDS and not figures.staff:
            continue
        gap = Shortfall(task, key, target, task_value(figures, task, start_year))
        if gap.points > 0:
            out.append(gap)
    out.sort(key=lambda gap: -gap.points)
    return out


@dataclass
class OrganisationScore:
    organisation: object
    items: int
    on_time: int

    @property
    def score(self) -> float | None:
        return _rate(self.on_time, self.items)


def organisation_scores(organisations: QuerySet, start_year: int) -> list[OrganisationScore]:
    """考评 of member units and social organisations: the share of each one's items of the year closed on time.

    An item counts as closed on time when it is closed now and its last 销账 fell on or before its due day (an
    item with no due day only needs to be closed). A reopened item is not closed, so it does not count.
    """
    from django.db.models import OuterRef
    from django.db.models.functions import TruncDate

    from .models import LedgerEvent, LedgerItem, LedgerState

    last_close = (
        LedgerEvent.objects.filter(item=OuterRef("pk"), to_state=LedgerState.CLOSED)
        .order_by("-at", "-id")
        .annotate(day=TruncDate("at", tzinfo=timezone.get_current_timezone()))
        .values("day")[:1]
    )
    items = LedgerItem.objects.filter(organisation__in=organisations, school_year__start_year=start_year).annotate(
        closed_on=Subquery(last_close)
    )
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for organisation_id, state, due_on, closed_on in items.values_list(
        "organisation_id", "state", "due_on", "closed_on"
    ):
        counts[organisation_id][0] += 1
        if state == LedgerState.CLOSED and (due_on is None or (closed_on is not None and closed_on <= due_on)):
            counts[organisation_id][1] += 1
    return [
        OrganisationScore(organisation, *counts.get(organisation.pk, (0, 0)))
        for organisation in organisations.order_by("kind", "name")
    ]
