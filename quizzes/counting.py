"""Which attempt counts, and what passes: the one rule every screen, export and figure uses.

A student's result at a quiz is one attempt, "the counting attempt", chosen among the attempts that count:

- **Which attempts count.** Submitted ones only, less the attempts the caller leaves out (`excluded`). By
  default those are what the higher apps registered (`register_exclusion`): classroom registers the attempts
  on which a reviewer *confirmed* an integrity flag, so a confirmed attempt counts on no teacher's or
  student's screen. An open flag is a machine's suspicion and changes nothing here; the bureau's figures
  (plans.metrics) pass their own list instead, as the plan says: open and confirmed flags left out (the
  default), or every record counted.
- **Which of them is the result.** The quiz's `counting`: the best attempt (highest percent; of equal ones the
  earliest) or the last one (highest number). A survey has no best: a pre-survey counts its first attempt (the
  baseline before the lessons) and any other survey its last.
- **A missing percent.** An attempt without a percent was never graded (a row written by something other than
  `services.submit_attempt`, which always grades, even an empty paper: 0 %). It is no result: any graded
  attempt ranks above every ungraded one, whichever the quiz counts, so a missing percent never hides a real
  score and is never read as 0 %. When no attempt is graded the counting attempt is the ungraded one the same
  order picks: the student took part, but has no result (figures leave him out of 及格率 and 平均分; completion
  sees no pass).
- **Passed.** A percent at or above the quiz's pass mark passes (`passes`): the pass mark itself passes.
  Submission stores it on the attempt (`passed_at`); a survey has no pass mark (None). Everything else reads
  the stored answer, and a result passes only when it is graded and stored as passed (`is_pass`).

The rule comes in two forms that the tests prove to agree: `pick` over one student's attempts in Python, and
`ranked` / `counting_attempts` for any queryset of attempts in SQL (a window over student and quiz, usable as a
subquery for a whole county).
"""

from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import TypeVar

from django.db.models import BooleanField, Case, F, FloatField, IntegerField, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber

from .models import Attempt, Counting, Quiz, QuizKind, SurveyPhase

BEST, LAST, FIRST = "best", "last", "first"

T = TypeVar("T")

# --- which attempts count ---------------------------------------------------------------------------------

Exclusion = Callable[[], QuerySet]
_exclusions: dict[str, Exclusion] = {}


class _Registered:
    def __repr__(self):
        return "REGISTERED"


# The default of every `excluded=` below: whatever the registered exclusions leave out.
REGISTERED = _Registered()


def register_exclusion(name: str, exclusion: Exclusion) -> None:
    """A higher app leaves attempts out of every count: `exclusion()` returns their ids (a values queryset)."""
    _exclusions[name] = exclusion


def unregister_exclusion(name: str) -> None:
    _exclusions.pop(name, None)


def excluded_q(excluded=REGISTERED) -> Q:
    """A Q over Attempt matching the attempts that do not count.

    `excluded` is REGISTERED (the registered exclusions), None (nothing left out), or the ids to leave out (a
    values queryset, used as a subquery, or any iterable of ids).
    """
    if excluded is REGISTERED:
        sources = [exclusion() for exclusion in _exclusions.values()]
    elif excluded is None:
        sources = []
    else:
        sources = [excluded if isinstance(excluded, QuerySet) else list(excluded)]
    q = Q(pk__in=[])
    for source in sources:
        q |= Q(pk__in=source)
    return q


def is_excluded(excluded=REGISTERED) -> Case:
    """An annotation: True for an attempt that does not count (for callers that show every attempt)."""
    return Case(When(excluded_q(excluded), then=Value(True)), default=Value(False), output_field=BooleanField())


def counted(attempts: QuerySet, excluded=REGISTERED) -> QuerySet:
    """The attempts among `attempts` that count: submitted, and not left out."""
    return attempts.filter(submitted_at__isnull=False).exclude(excluded_q(excluded))


# --- which of them is the result: Python ---------------------------------------------------------------------


def choice_for(kind: str, counting: str, survey_phase: str = "") -> str:
    """BEST, LAST or FIRST for a quiz of this kind, counting and survey phase (columns, for callers with rows)."""
    if kind == QuizKind.SURVEY:
        return FIRST if survey_phase == SurveyPhase.PRE else LAST
    return LAST if counting == Counting.LAST else BEST


def choice_of(quiz: Quiz) -> str:
    return choice_for(quiz.kind, quiz.counting, quiz.survey_phase)


def rank_key(choice: str, number: int, percent: float | None) -> tuple:
    """The order of the rule: the attempt with the smallest key counts. `ranked` writes the same in SQL."""
    graded = percent is not None
    score = -percent if graded and choice == BEST else 0.0
    order = number if choice in (BEST, FIRST) else -number
    return (0 if graded else 1, score, order)


def pick(
    attempts: Iterable[T],
    choice: str,
    *,
    number: Callable[[T], int] = attrgetter("number"),
    percent: Callable[[T], float | None] = attrgetter("percent"),
) -> T | None:
    """The counting attempt among one student's attempts at one quiz (all of which count), or None.

    Attempts are anything with a number and a percent: model instances, or rows with `itemgetter` accessors.
    """
    return min(attempts, key=lambda attempt: rank_key(choice, number(attempt), percent(attempt)), default=None)


def counting_attempt(student, quiz: Quiz, *, excluded=REGISTERED) -> Attempt | None:
    """The submitted attempt that counts for the student at the quiz (one student's few rows, picked here)."""
    return pick(counted(Attempt.objects.filter(student=student, quiz=quiz), excluded), choice_of(quiz))


# --- which of them is the result: SQL ------------------------------------------------------------------------


def _rank_order() -> list:
    """`rank_key` over the attempt's and its quiz's columns, for ORDER BY in the window."""
    survey = Q(quiz__kind=QuizKind.SURVEY)
    first = survey & Q(quiz__survey_phase=SurveyPhase.PRE)
    best = ~survey & ~Q(quiz__counting=Counting.LAST)
    ungraded = Case(When(percent__isnull=True, then=Value(1)), default=Value(0), output_field=IntegerField())
    score = Case(
        When(best & Q(percent__isnull=False), then=-F("percent")), default=Value(0.0), output_field=FloatField()
    )
    order = Case(When(best | first, then=F("number")), default=-F("number"), output_field=IntegerField())
    return [ungraded.asc(), score.asc(), order.asc(), F("pk").asc()]


def ranked(attempts: QuerySet, *, excluded=REGISTERED) -> QuerySet:
    """The attempts among `attempts` that count, each annotated with `counting_rank`: 1 for the attempt that
    counts for its student at its quiz, 2 for the next, and so on."""
    window = Window(RowNumber(), partition_by=[F("student_id"), F("quiz_id")], order_by=_rank_order())
    return counted(attempts, excluded).annotate(counting_rank=window)


def counting_attempts(attempts: QuerySet, *, excluded=REGISTERED) -> QuerySet:
    """The counting attempt of every student and quiz among `attempts`, one row each, as a plain queryset of
    attempts (its inner query is a subquery: further filters narrow the result and never re-rank)."""
    return Attempt.objects.filter(pk__in=ranked(attempts, excluded=excluded).filter(counting_rank=1).values("pk"))


# --- passed -------------------------------------------------------------------------------------------------


def passes(percent: float, pass_percent: float) -> bool:
    """The pass mark itself passes."""
    return percent >= pass_percent


def passed_at(quiz: Quiz, percent: float) -> bool | None:
    """What submission stores as `Attempt.passed`: None for a survey (it has no pass mark)."""
    return None if quiz.is_survey else passes(percent, quiz.pass_percent)


def is_pass(percent: float | None, passed: bool | None) -> bool:
    """Whether a counting attempt is a passed result: graded, and stored as passed."""
    return percent is not None and bool(passed)
