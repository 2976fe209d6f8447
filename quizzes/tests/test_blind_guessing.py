"""A script that knows nothing scores what chance gives, whatever it reads off the page.

The bank is written as authors write it: the right answer first, so it has the lowest option id of its question,
and the quiz's author turned option shuffling off. Two hundred papers are drawn through the real start (with a
fixed sequence of seeds), each paper is read as the browser receives it (the take page's HTML), and four blind
strategies answer every question: the lowest value, the highest value, the first option on the page and the last.
Each strategy's answers are named back the way the submit view names them and graded by the real grading; every
paper is then really submitted with one of the strategies, and its stored score must be the graded one.

With four options and one right answer, a strategy that cannot see correctness gets each question right with
probability 1/4, independently, so its number right over all questions is Binomial(n, 1/4). The test computes
the exact binomial tails and requires every strategy to land inside the two-sided 99.9 % interval: a strategy
above it has found where the answer is, and one below it has found where the answer is not (which is as good).
The seeds are fixed, so the run is deterministic; with any other seeds, a strategy that really is blind fails
this test less than once in a thousand runs.
"""

import math
import random
import re

from django.urls import reverse

from quizzes import services
from quizzes.models import Attempt

from . import factories as f

PAPERS = 200
QUESTIONS_PER_PAPER = 5
OPTIONS = 4
ALPHA = 0.001  # two-sided


def _value_order(value: str):
    """How a script would sort the values: as numbers when they are numbers, else as text."""
    return (0, int(value), "") if value.isdigit() else (1, 0, value)


STRATEGIES = {
    "lowest value": lambda values: min(values, key=_value_order),
    "highest value": lambda values: max(values, key=_value_order),
    "first in the page": lambda values: values[0],
    "last in the page": lambda values: values[-1],
}


def chance_interval(trials: int, p: float, alpha: float) -> tuple[int, int]:
    """The smallest and largest counts of successes a blind strategy may reach: each tail outside has
    probability below alpha / 2 under Binomial(trials, p)."""
    pmf = [math.comb(trials, k) * p**k * (1 - p) ** (trials - k) for k in range(trials + 1)]
    low, tail = 0, 0.0
    while tail + pmf[low] < alpha / 2:
        tail += pmf[low]
        low += 1
    high, tail = trials, 0.0
    while tail + pmf[high] < alpha / 2:
        tail += pmf[high]
        high -= 1
    return low, high


def test_the_interval_is_the_binomial_one():
    low, high = chance_interval(QUESTIONS_PER_PAPER * PAPERS, 1 / OPTIONS, ALPHA)
    # 1000 questions at 1/4: mean 250, standard deviation 13.7; 99.9 % two-sided is about ±3.3 deviations.
    assert (low, high) == (206, 296)


def _browser_view(html: str) -> dict[int, list[str]]:
    """Per question, the option values in page order, as a script parsing the page finds them."""
    options: dict[int, list[str]] = {}
    for question, value in re.findall(r'<input type="radio" name="q(\d+)" value="([^"]*)"', html):
        options.setdefault(int(question), []).append(value)
    return options


def _input_markup_is_alike(html: str) -> bool:
    """Apart from its value (and `checked`), every option's markup is the same."""
    tags = re.findall(r'<li>\s*<label class="option">\s*<input[^>]*>', html)
    shapes = {re.sub(r'name="q\d+" value="[^"]*"', "", tag) for tag in tags}
    return len(tags) == QUESTIONS_PER_PAPER * OPTIONS and len(shapes) == 1


def test_blind_strategies_score_no_better_than_chance(client, world, monkeypatch):
    pool = f.bank(12)  # the right option written first in every question
    quiz = f.quiz(
        rules=[{"count": QUESTIONS_PER_PAPER, "category": pool[0].category}],
        shuffle_options=False,
        attempts_allowed=0,
        pass_percent=60,
        title="盲猜检验",
    )
    seeds = random.Random(20261201)  # noqa: S311 (a fixed sequence of papers for a reproducible test)
    monkeypatch.setattr(services, "new_seed", lambda: seeds.randrange(1, 2**62))
    client.force_login(world.student.user)

    right = dict.fromkeys(STRATEGIES, 0)
    passed = dict.fromkeys(STRATEGIES, 0)
    for number in range(PAPERS):
        attempt = services.start_or_resume_attempt(world.student, quiz)
        html = client.get(reverse("quizzes:take", args=[attempt.pk])).content.decode()
        page = _browser_view(html)
        assert len(page) == QUESTIONS_PER_PAPER and all(len(values) == OPTIONS for values in page.values())
        assert _input_markup_is_alike(html)
        graded = {}
        for name, pick in STRATEGIES.items():
            answers = {
                question: services.chosen_options(attempt, question, [pick(values)])
                for question, values in page.items()
            }
            results, max_score = services.grade(attempt, answers)
            score = sum(points for _, points in results.values())
            right[name] += sum(1 for credit, _ in results.values() if credit == 1)
            passed[name] += 100 * score / max_score >= quiz.pass_percent
            graded[name] = (answers, score)
        # The real submission of one strategy's answers stores the score the grading gave.
        name = list(STRATEGIES)[number % len(STRATEGIES)]
        answers, score = graded[name]
        submitted = services.submit_attempt(attempt.pk, answers)
        assert submitted.score == score, name
    assert Attempt.objects.filter(quiz=quiz, submitted_at__isnull=False).count() == PAPERS

    low, high = chance_interval(QUESTIONS_PER_PAPER * PAPERS, 1 / OPTIONS, ALPHA)
    for name in STRATEGIES:
        assert low <= right[name] <= high, (
            f"{name!r} answered {right[name]} of {QUESTIONS_PER_PAPER * PAPERS} right; "
            f"blind guessing stays within [{low}, {high}] (p < {ALPHA})"
        )
    # Passing needs 3 of 5 right, which a blind guess reaches on about one paper in ten: no strategy does better.
    needed = math.ceil(QUESTIONS_PER_PAPER * quiz.pass_percent / 100)
    by_chance = sum(
        math.comb(QUESTIONS_PER_PAPER, k) * (1 / OPTIONS) ** k * (1 - 1 / OPTIONS) ** (QUESTIONS_PER_PAPER - k)
        for k in range(needed, QUESTIONS_PER_PAPER + 1)
    )
    _, pass_high = chance_interval(PAPERS, by_chance, ALPHA)
    for name in STRATEGIES:
        assert passed[name] <= pass_high, f"{name!r} passed {passed[name]} of {PAPERS} papers"
