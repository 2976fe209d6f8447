"""Grading as pure functions: no database, so the benchmark and the tests can call them directly."""

from collections.abc import Iterable, Mapping

from .models.bank import QuestionKind, Scoring


def credit_for(kind: str, scoring: str, weights: Mapping[int, int], chosen: Iterable[int]) -> float:
    """The share of a question's points the chosen options earn, in [0, 1].

    Single choice and true/false take the chosen option's weight (GIFT allows partial credit there too).
    Multiple choice is all-or-nothing (exactly the correct set) or partial: the chosen weights, negative ones
    included, over the sum of the positive weights.
    """
    picked = {option for option in chosen if option in weights}
    if not picked:
        return 0.0
    if kind != QuestionKind.MULTIPLE:
        if len(picked) != 1:
            return 0.0
        return max(0, min(100, weights[next(iter(picked))])) / 100
    correct = {option for option, weight in weights.items() if weight > 0}
    if scoring == Scoring.ALL_OR_NOTHING:
        return 1.0 if picked == correct else 0.0
    positive = sum(weights[option] for option in correct) or 100
    earned = sum(weights[option] for option in picked)
    return max(0.0, min(1.0, earned / positive))


def correct_options(weights: Mapping[int, int]) -> set[int]:
    return {option for option, weight in weights.items() if weight > 0}
