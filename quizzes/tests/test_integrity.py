"""The quiz-intrinsic integrity signals, on attempts built in memory: they are pure functions of the paper."""

import datetime

from django.utils import timezone

from quizzes.integrity import empty_answers, minimum_seconds, quiz_flags, same_position, too_fast
from quizzes.models import Attempt, Flag

START = timezone.make_aware(datetime.datetime(2026, 5, 11, 9, 0))


def _attempt(questions: int, characters: int = 40, options: int = 4, kind: str = "single", fixed=False) -> Attempt:
    paper, key = [], {}
    for number in range(questions):
        question = 100 + number
        ids = [1000 + 10 * number + index for index in range(options)]
        item = {"q": question, "o": ids, "p": 1, "c": characters}
        if fixed:
            item["f"] = 1
        paper.append(item)
        key[str(question)] = {"k": kind, "s": "all", "w": {str(i): 0 for i in ids}, "t": {}}
    return Attempt(paper=paper, answer_key=key, started_at=START)


def _at(attempt: Attempt, positions) -> dict[int, list[int]]:
    """Answers choosing the option at each displayed position, question by question (None: unanswered)."""
    return {
        item["q"]: [item["o"][position]] if position is not None else []
        for item, position in zip(attempt.paper, positions, strict=False)
    }


def _after(seconds: float) -> datetime.datetime:
    return START + datetime.timedelta(seconds=seconds)


def test_one_question_answered_in_a_fifth_of_a_second_is_too_fast():
    contest = _attempt(1)
    assert too_fast(contest, _after(0.2), answered=1)
    assert not too_fast(contest, _after(30), answered=1)


def test_three_seconds_a_question_no_longer_escapes():
    # The old rule flagged under 3 s per question and only from 3 answers up.
    paper = _attempt(5, characters=60)
    assert too_fast(paper, _after(5 * 3.2), answered=5)
    assert too_fast(_attempt(2, characters=60), _after(2 * 3.2), answered=2)
    assert not too_fast(paper, _after(5 * 8), answered=5)  # 2 s to choose + 60 characters at 15 a second = 6 s


def test_the_minimum_grows_with_the_text_and_with_the_answered_share():
    short, long = _attempt(4, characters=20), _attempt(4, characters=600)
    assert minimum_seconds(long) > minimum_seconds(short) * 5
    assert too_fast(long, _after(60), answered=4) and not too_fast(short, _after(60), answered=4)
    # Half the paper answered needs half the time; nothing answered is for `empty_answers` to say.
    assert not too_fast(long, _after(90), answered=2) and too_fast(long, _after(90), answered=4)
    assert not too_fast(long, _after(0.1), answered=0)


def test_a_paper_drawn_before_reading_counts_falls_back_to_the_floor():
    old = _attempt(3)
    for item in old.paper:
        del item["c"]
    assert minimum_seconds(old) == 3 * 2
    assert too_fast(old, _after(5), answered=3) and not too_fast(old, _after(7), answered=3)


def test_empty_answers_are_none_or_almost_none():
    ten = _attempt(10)
    assert empty_answers(ten, {})
    assert empty_answers(ten, _at(ten, [None] * 10))  # cleared answers are not answers
    assert empty_answers(ten, _at(ten, [0]))
    assert not empty_answers(ten, _at(ten, [0, 1]))
    one = _attempt(1)
    assert empty_answers(one, {}) and not empty_answers(one, _at(one, [2]))
    assert not empty_answers(_attempt(0), {})


def test_every_answer_at_one_position_over_four_questions():
    paper = _attempt(6)
    assert same_position(paper, _at(paper, [0, 0, 0, 0]))
    assert same_position(paper, _at(paper, [3, 3, 3, 3, 3, 3]))
    assert not same_position(paper, _at(paper, [0, 0, 0]))  # three are too few
    assert not same_position(paper, _at(paper, [0, 0, None, 0]))
    assert not same_position(paper, _at(paper, [0, 0, 0, 1]))


def test_a_strictly_repeating_pattern():
    paper = _attempt(8)
    assert same_position(paper, _at(paper, [0, 1, 0, 1, 0]))
    assert same_position(paper, _at(paper, [0, 1, 2, 0, 1, 2]))
    assert same_position(paper, _at(paper, [0, 1, 2, 3, 0, 1, 2, 3]))
    # Too short to be more than chance: ABAB happens to one honest student in sixteen.
    assert not same_position(paper, _at(paper, [0, 1, 0, 1]))
    assert not same_position(paper, _at(paper, [0, 1, 2, 0, 1, 3]))
    assert not same_position(paper, _at(paper, [2, 0, 3, 1, 1, 0, 2, 3]))


def test_orders_the_author_fixed_say_nothing():
    for paper in (_attempt(6, options=2, kind="true_false"), _attempt(6, fixed=True)):
        assert not same_position(paper, _at(paper, [0] * 6))


def test_submission_codes():
    paper = _attempt(5)
    assert quiz_flags(paper, _after(600), _at(paper, [0, 1, 3, 2, 0])) == []
    assert quiz_flags(paper, _after(600), {}) == [Flag.EMPTY_ANSWERS]
    assert quiz_flags(paper, _after(3), _at(paper, [1] * 5)) == [Flag.TOO_FAST, Flag.SAME_POSITION]
