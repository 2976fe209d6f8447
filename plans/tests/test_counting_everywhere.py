"""Every screen, export and figure names the same counting attempt for the same attempts (quizzes.counting).

One student, one quiz assigned to his class, the attempts of a case; then each place that shows a result is
asked which attempt counts: quizzes' services and statistics (the results page), the completion rule, the
class progress page, its CSV/XLSX rows, the class's quiz results, the bureau's class figures, the drill-down's
student lines and the roll-up every bureau screen and the 通报 read.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from classroom import completion
from classroom.exports import result_rows
from classroom.integrity.flags import raise_flag
from classroom.models import Assignment, FlagRule, FlagStatus
from classroom.progress import class_progress
from classroom.quiz_results import class_quiz_results
from people.models import SchoolClass
from people.testing import make_class, make_school, make_student, make_teacher
from plans import metrics
from plans.models import ClassFigures, Period
from plans.rollup import refresh_school
from quizzes import counting, services, stats
from quizzes.models import Attempt, Counting, Quiz

from .builders import decide

pytestmark = pytest.mark.django_db

OPEN, CONFIRMED, CLEARED = FlagStatus.OPEN, FlagStatus.CONFIRMED, FlagStatus.CLEARED


@dataclass
class Case:
    name: str
    counting: str
    attempts: list  # (percent, flag status or None), numbered 1, 2, … in this order
    counts: int | None  # index of the attempt that counts on every screen (None: none counts)
    # The bureau's figures by default also leave out attempts with an open flag (plans.metrics).
    counts_in_figures: int | None = -1

    def figures_index(self):
        return self.counts if self.counts_in_figures == -1 else self.counts_in_figures


CASES = [
    Case("best: the highest percent", Counting.BEST, [(50, None), (90, None), (70, None)], 1),
    Case("last: the latest", Counting.LAST, [(50, None), (90, None), (70, None)], 2),
    Case("best, tied: the earliest of the tied", Counting.BEST, [(80, None), (60, None), (80, None)], 0),
    Case("last, tied percents: still the latest", Counting.LAST, [(80, None), (80, None)], 1),
    Case("the pass mark itself passes", Counting.BEST, [(60, None)], 0),
    Case("best: 0 % beats a missing percent", Counting.BEST, [(None, None), (0, None)], 1),
    Case("last: a missing percent does not hide the graded one", Counting.LAST, [(70, None), (None, None)], 0),
    Case("nothing graded: took part, no result", Counting.BEST, [(None, None)], 0),
    Case("best: a confirmed flag takes the best away", Counting.BEST, [(90, CONFIRMED), (60, None)], 1),
    Case("last: a confirmed flag takes the last away", Counting.LAST, [(50, None), (90, CONFIRMED)], 0),
    Case("only a confirmed attempt: nothing counts", Counting.BEST, [(90, CONFIRMED)], None),
    Case("a cleared flag counts again", Counting.BEST, [(90, CLEARED), (60, None)], 0),
    Case("an open flag: screens count it, default figures do not", Counting.BEST, [(90, OPEN), (60, None)], 0, 1),
]


@pytest.fixture
def classroom(db):
    school = make_school()
    school_class = make_class(school)
    teacher = make_teacher(school, [school_class])
    student = make_student(school_class)
    return school, school_class, teacher, student


def _expected(attempt: Attempt | None) -> dict:
    graded = attempt is not None and attempt.percent is not None
    return {
        "participant": attempt is not None,
        "result": graded,
        "percent": attempt.percent if graded else None,
        "passed": attempt is not None and counting.is_pass(attempt.percent, attempt.passed),
    }


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_screen_export_and_figure_names_the_same_counting_attempt(classroom, case):
    school, school_class, teacher, student = classroom
    year = school_class.school_year
    quiz = Quiz.objects.create(title="禁毒知识小测", counting=case.counting, pass_percent=60, live=True)
    assignment = Assignment.objects.create(
        school_class=school_class, quiz=quiz, starts_on=year.starts_on, due_on=year.ends_on, created_by=teacher
    )
    made = []
    for number, (percent, status) in enumerate(case.attempts, start=1):
        when = timezone.make_aware(datetime.datetime.combine(year.starts_on, datetime.time(12)))
        when += datetime.timedelta(days=10 + number)
        attempt = Attempt.objects.create(
            student=student,
            quiz=quiz,
            school=school,
            school_class=school_class,
            number=number,
            seed=number,
            started_at=when - datetime.timedelta(minutes=20),
            submitted_at=when,
            percent=percent,
            score=None if percent is None else percent / 10,
            max_score=10,
            passed=None if percent is None else counting.passed_at(quiz, percent),
        )
        if status is not None:
            flag = raise_flag(attempt, FlagRule.TOO_FAST, school=school, school_class=school_class, student=student)
            if status != OPEN:
                decide(flag, status, when)
        made.append(attempt)
    on_screens = made[case.counts] if case.counts is not None else None
    index = case.figures_index()
    in_figures = made[index] if index is not None else None
    screens, figures = _expected(on_screens), _expected(in_figures)

    # quizzes: the service, the statistics, and the results page's summary
    assert services.counting_attempt(student, quiz) == on_screens
    assert list(stats.counting_attempts(Attempt.objects.filter(student=student), quiz)) == (
        [on_screens] if on_screens else []
    )
    _assert_summary(stats.quiz_summary(Attempt.objects.filter(quiz=quiz)), screens)

    # classroom: the completion rule, the progress page, its export, the class's quiz results
    entry = completion.counting_attempts([student.pk], [quiz])[(student.pk, quiz.pk)]
    assert (entry["counting"]["id"] if entry["counting"] else None) == (on_screens.pk if on_screens else None)
    assert entry["attempts"] == len(made)
    assert completion.quiz_is_passed(student.pk, quiz) is screens["passed"]
    cell = class_progress(school_class).cells[(student.pk, assignment.pk)]
    assert cell.finished is screens["passed"]
    assert cell.finished_at == (on_screens.submitted_at if screens["passed"] else None)
    (row,) = list(result_rows(school_class))
    finished_at = timezone.localtime(on_screens.submitted_at).strftime("%Y-%m-%d %H:%M") if screens["passed"] else ""
    assert (row[8], row[9]) == (_("yes") if screens["passed"] else _("no"), finished_at)
    _assert_summary(class_quiz_results(assignment)["summary"], screens)

    # plans: the class's figures, the drill-down's student line, and the roll-up the bureau's screens read
    classes = SchoolClass.objects.filter(pk=school_class.pk)
    _assert_figures(metrics.compute_class_figures(classes, year)[(school_class.pk, Period.YEAR)], figures)
    (line,) = metrics.student_lines(school_class, Period.YEAR)
    assert (line.participated, line.results, line.percent_sum, line.passed) == (
        figures["participant"],
        int(figures["result"]),
        figures["percent"] or 0,
        int(figures["passed"]),
    )
    refresh_school(school, year)
    _assert_figures(ClassFigures.objects.get(school_class=school_class, period=Period.YEAR), figures)


def _assert_summary(summary: dict, expected: dict) -> None:
    assert summary["students"] == int(expected["participant"])
    assert summary["mean_percent"] == expected["percent"]
    assert summary["pass_rate"] == ((1.0 if expected["passed"] else 0.0) if expected["result"] else None)


def _assert_figures(figures, expected: dict) -> None:
    assert (figures.participants, figures.results, figures.percent_sum, figures.passed) == (
        int(expected["participant"]),
        int(expected["result"]),
        expected["percent"] or 0,
        int(expected["passed"]),
    )
