"""The counting attempt and the pass mark: one rule (quizzes/counting.py), its Python and SQL forms agreeing."""

import itertools
from operator import itemgetter

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from people.testing import make_class, make_school, make_student
from quizzes import counting, services
from quizzes.models import Attempt, Counting, Quiz, QuizKind, SurveyPhase

from . import factories as f

pytestmark = pytest.mark.django_db

_seed = itertools.count(1)

# Each case: the quiz's choice, the attempts as (number, percent) in the order they are given, and the number
# of the attempt that counts.
PICK_CASES = [
    ("best: the highest percent", counting.BEST, [(1, 50.0), (2, 90.0), (3, 70.0)], 2),
    ("last: the highest number", counting.LAST, [(1, 50.0), (2, 90.0), (3, 70.0)], 3),
    ("first (a pre-survey): the lowest number", counting.FIRST, [(2, 90.0), (1, 50.0), (3, 70.0)], 1),
    ("best, tied: the earliest of the tied", counting.BEST, [(3, 80.0), (1, 60.0), (2, 80.0)], 2),
    ("best: 0 % is a result and beats an ungraded attempt", counting.BEST, [(1, None), (2, 0.0)], 2),
    ("last: an ungraded last attempt does not hide the graded one", counting.LAST, [(1, 70.0), (2, None)], 1),
    ("first: an ungraded first attempt gives way to a graded one", counting.FIRST, [(1, None), (2, 30.0)], 2),
    ("best, nothing graded: the earliest, with no result", counting.BEST, [(2, None), (1, None)], 1),
    ("last, nothing graded: the latest, with no result", counting.LAST, [(1, None), (2, None)], 2),
    ("no attempt: none", counting.BEST, [], None),
]


@pytest.mark.parametrize(
    ("choice", "attempts", "expected"), [case[1:] for case in PICK_CASES], ids=[case[0] for case in PICK_CASES]
)
def test_pick(choice, attempts, expected):
    rows = [{"number": number, "percent": percent} for number, percent in attempts]
    chosen = counting.pick(rows, choice, number=itemgetter("number"), percent=itemgetter("percent"))
    assert (chosen["number"] if chosen else None) == expected


@pytest.mark.parametrize(
    ("kind", "quiz_counting", "phase", "choice"),
    [
        (QuizKind.LESSON_CHECK, Counting.BEST, "", counting.BEST),
        (QuizKind.TERM_TEST, Counting.LAST, "", counting.LAST),
        (QuizKind.SURVEY, Counting.BEST, SurveyPhase.PRE, counting.FIRST),
        (QuizKind.SURVEY, Counting.BEST, SurveyPhase.POST, counting.LAST),
        (QuizKind.SURVEY, Counting.BEST, "", counting.LAST),
    ],
)
def test_choice_follows_the_quiz_and_a_survey_has_no_best(kind, quiz_counting, phase, choice):
    assert counting.choice_for(kind, quiz_counting, phase) == choice


def test_the_pass_mark_itself_passes():
    assert counting.passes(60, 60) and counting.passes(60.0, 60)
    assert not counting.passes(59.99, 60)
    assert counting.passes(0, 0)
    survey = Quiz(kind=QuizKind.SURVEY, pass_percent=60)
    assert counting.passed_at(survey, 100) is None
    assert counting.is_pass(60.0, True) and not counting.is_pass(None, True) and not counting.is_pass(90.0, None)


def test_a_score_exactly_at_the_pass_mark_passes_on_submission(world):
    """3 of 5 right is 60 %: the pass mark of 60 passes it (the mutant `>` instead of `>=` fails here)."""
    quiz = f.quiz(f.bank(5), pass_percent=60, attempts_allowed=0)
    results = []
    for right_count in (3, 2):
        attempt = services.start_or_resume_attempt(world.student, quiz)
        right = f.right_options(attempt)
        for item in attempt.paper[:right_count]:
            services.save_answer(attempt, item["q"], right[item["q"]])
        submitted = services.submit_attempt(attempt.pk)
        results.append((submitted.percent, submitted.passed))
    assert results == [(60.0, True), (40.0, False)]


def test_services_counting_attempt_and_registered_exclusions(world):
    quiz = Quiz.objects.create(title="小测", counting=Counting.BEST, pass_percent=60)
    low, high = (_attempt(world.student, quiz, n, p) for n, p in ((1, 60.0), (2, 90.0)))
    assert services.counting_attempt(world.student, quiz) == high
    counting.register_exclusion("test", lambda: Attempt.objects.filter(pk=high.pk).values("pk"))
    try:
        assert services.counting_attempt(world.student, quiz) == low
        assert list(counting.counting_attempts(Attempt.objects.all())) == [low]
        # Nothing left out when the caller says so (plans.metrics, for a plan that counts flagged records).
        assert counting.counting_attempt(world.student, quiz, excluded=None) == high
        assert list(counting.counting_attempts(Attempt.objects.all(), excluded=None)) == [high]
        # Or the caller's own list, in place of the registered one.
        assert counting.counting_attempt(world.student, quiz, excluded=[low.pk]) == high
    finally:
        counting.unregister_exclusion("test")
    # An open attempt never counts.
    Attempt.objects.create(
        student=world.student, quiz=quiz, school=world.school, number=3, seed=next(_seed), started_at=timezone.now()
    )
    assert services.counting_attempt(world.student, quiz) == high


def test_filters_after_counting_narrow_and_never_rerank(world):
    quiz = Quiz.objects.create(title="小测", counting=Counting.BEST, pass_percent=60)
    _attempt(world.student, quiz, 1, 40.0)
    best = _attempt(world.student, quiz, 2, 90.0)
    chosen = counting.counting_attempts(Attempt.objects.filter(quiz=quiz))
    assert list(chosen) == [best]
    # The 40 % attempt is never "the counting attempt among those under 50 %".
    assert not chosen.filter(percent__lt=50).exists()


def _attempt(student, quiz, number, percent, when=None) -> Attempt:
    when = when or timezone.now()
    return Attempt.objects.create(
        student=student,
        quiz=quiz,
        school=student.school,
        number=number,
        seed=next(_seed),
        started_at=when,
        submitted_at=when,
        percent=percent,
        passed=None if percent is None else counting.passed_at(quiz, percent),
    )


# --- the Python and the SQL form agree ------------------------------------------------------------------------

QUIZ_SETTINGS = [
    (QuizKind.LESSON_CHECK, Counting.BEST, ""),
    (QuizKind.TERM_TEST, Counting.LAST, ""),
    (QuizKind.SURVEY, Counting.LAST, SurveyPhase.PRE),
    (QuizKind.SURVEY, Counting.BEST, SurveyPhase.POST),
    (QuizKind.SURVEY, Counting.BEST, ""),
]
STUDENTS = 3
# Ties and the pass mark's edges come up often; any other percent a submission can store comes up too.
percents = st.sampled_from([None, 0.0, 59.99, 60.0, 80.0, 100.0]) | st.floats(0, 100).map(lambda p: round(p, 2))


@pytest.fixture
def county(db):
    school = make_school()
    school_class = make_class(school)
    students = [make_student(school_class) for _ in range(STUDENTS)]
    quizzes = [
        Quiz.objects.create(title=f"小测{i}", kind=kind, counting=how, survey_phase=phase, pass_percent=60)
        for i, (kind, how, phase) in enumerate(QUIZ_SETTINGS)
    ]
    return students, quizzes


sittings = st.lists(
    st.tuples(
        st.integers(0, STUDENTS - 1),  # student
        st.integers(0, len(QUIZ_SETTINGS) - 1),  # quiz
        percents,
        st.booleans(),  # submitted
        st.booleans(),  # excluded by the caller
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sittings=sittings, reverse=st.booleans(), as_subquery=st.booleans())
def test_python_and_sql_forms_agree(county, sittings, reverse, as_subquery):
    students, quizzes = county
    numbers: dict[tuple[int, int], int] = {}
    still_open: set[tuple[int, int]] = set()
    rows = []
    now = timezone.now()
    for student_index, quiz_index, percent, submitted, leave_out in sittings:
        key = (student_index, quiz_index)
        numbers[key] = numbers.get(key, 0) + 1
        if not submitted:
            if key in still_open:  # a student has at most one open attempt at a quiz
                submitted = True
            still_open.add(key)
        rows.append((students[student_index], quizzes[quiz_index], numbers[key], percent, submitted, leave_out))
    savepoint = transaction.savepoint()
    try:
        # Insertion order (and so ids) must not matter: the rule reads numbers.
        made = Attempt.objects.bulk_create(
            [
                Attempt(
                    student=student,
                    quiz=quiz,
                    school=student.school,
                    number=number,
                    seed=next(_seed),
                    started_at=now,
                    submitted_at=now if submitted else None,
                    percent=percent,
                )
                for student, quiz, number, percent, submitted, _leave_out in (reversed(rows) if reverse else rows)
            ]
        )
        excluded = {a.pk for a, row in zip(made, reversed(rows) if reverse else rows, strict=True) if row[5]}
        pool = Attempt.objects.filter(pk__in=[a.pk for a in made])
        # The caller's exclusion as ids, or as a subquery the way plans.metrics passes its flagged records.
        leave_out = Attempt.objects.filter(pk__in=excluded).values("pk") if as_subquery else excluded
        sql = {(a.student_id, a.quiz_id): a.pk for a in counting.counting_attempts(pool, excluded=leave_out)}
        python = {}
        for student in students:
            for quiz in quizzes:
                mine = [a for a in made if a.student_id == student.pk and a.quiz_id == quiz.pk]
                chosen = counting.pick(
                    [a for a in mine if a.submitted_at is not None and a.pk not in excluded], counting.choice_of(quiz)
                )
                if chosen is not None:
                    python[(student.pk, quiz.pk)] = chosen.pk
                # The one-student path reads the database and must say the same.
                one = counting.counting_attempt(student, quiz, excluded=excluded)
                assert (one.pk if one else None) == python.get((student.pk, quiz.pk))
        assert sql == python
        ranks = {a.pk: a.counting_rank for a in counting.ranked(pool, excluded=leave_out)}
        assert {pk for pk, rank in ranks.items() if rank == 1} == set(python.values())
    finally:
        transaction.savepoint_rollback(savepoint)
