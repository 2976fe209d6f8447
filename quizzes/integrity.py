"""Quiz-intrinsic integrity signals: what an attempt's own paper, clock and answers say about it.

Pure functions of an attempt and its answers (they read the stored paper, never the database), so the classroom's
integrity rules (classroom/integrity/rules.py) can call them and the tests can reason about them exactly. What
several attempts say together (one device or one network for several students) is not decided here.
`submit_attempt` writes the codes these return into `Attempt.flags`; a flag is shown to teachers, never a
penalty by itself.

Settings (QINGDUN): QUIZ_READING_CHARS_PER_SECOND (default 15, a fast reader's pace through Chinese text) and
QUIZ_MIN_SECONDS_PER_QUESTION (default 2, the least time to choose and tap an option).
"""

import datetime

from django.conf import settings

from .models import Attempt, Flag

SAME_POSITION_MIN_ANSWERS = 4
# A repeating pattern counts only when it forces at least this many answers: a student who knows the answers
# picks uniformly random positions (options are shuffled), and with four options three forced repeats happen
# by chance about once in 64 papers.
_FORCED_REPEATS = 3


def _setting(name: str, default):
    return getattr(settings, "QINGDUN", {}).get(name, default)


def minimum_seconds(attempt: Attempt) -> float:
    """The least time a student needs for the whole paper: reading every question and its options at a generous
    pace, plus a floor per question for choosing."""
    speed = _setting("QUIZ_READING_CHARS_PER_SECOND", 15)
    floor = _setting("QUIZ_MIN_SECONDS_PER_QUESTION", 2)
    return sum(floor + item.get("c", 0) / speed for item in attempt.paper)


def too_fast(attempt: Attempt, submitted_at: datetime.datetime, answered: int) -> bool:
    """Submitted sooner than the answered share of the paper can be read, by the server's clock.

    However short the quiz: one question answered in a fraction of a second is flagged.
    """
    if answered <= 0 or not attempt.paper:
        return False
    seconds = (submitted_at - attempt.started_at).total_seconds()
    share = min(1.0, answered / len(attempt.paper))
    return seconds < minimum_seconds(attempt) * share


def _answered(answers: dict[int, list[int]]) -> dict[int, list[int]]:
    return {question: chosen for question, chosen in answers.items() if chosen}


def empty_answers(attempt: Attempt, answers: dict[int, list[int]]) -> bool:
    """None, or almost none (at most one in ten), of the paper's questions answered."""
    if not attempt.paper:
        return False
    on_paper = {item["q"] for item in attempt.paper}
    answered = sum(1 for question in _answered(answers) if question in on_paper)
    return answered <= len(attempt.paper) // 10


def _positions(attempt: Attempt, answers: dict[int, list[int]]) -> list[tuple[int, ...]]:
    """The displayed positions chosen, question by question in the paper's order, for questions whose options
    were shuffled: an author's fixed order (true/false, a survey's scale) makes a repeated position natural."""
    answered = _answered(answers)
    positions = []
    for item in attempt.paper:
        chosen = answered.get(item["q"])
        if not chosen or item.get("f") or attempt.answer_key.get(str(item["q"]), {}).get("k") == "true_false":
            continue
        order = item["o"]
        positions.append(tuple(sorted(order.index(option) for option in chosen if option in order)))
    return positions


def same_position(attempt: Attempt, answers: dict[int, list[int]]) -> bool:
    """Every answer at the same displayed position, or a strictly repeating pattern of positions (ABAB…,
    ABCABC…), over at least four answered questions with shuffled options."""
    positions = _positions(attempt, answers)
    count = len(positions)
    if count < SAME_POSITION_MIN_ANSWERS:
        return False
    for period in range(1, count // 2 + 1):
        if count - period < _FORCED_REPEATS:
            break
        if all(positions[index] == positions[index - period] for index in range(period, count)):
            return True
    return False


def quiz_flags(attempt: Attempt, submitted_at: datetime.datetime, answers: dict[int, list[int]]) -> list[str]:
    """The quiz-intrinsic flag codes of a submission."""
    flags = []
    if too_fast(attempt, submitted_at, answered=len(_answered(answers))):
        flags.append(Flag.TOO_FAST)
    if empty_answers(attempt, answers):
        flags.append(Flag.EMPTY_ANSWERS)
    if same_position(attempt, answers):
        flags.append(Flag.SAME_POSITION)
    return flags
