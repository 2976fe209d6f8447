"""Drawing a paper for an attempt, and showing it to the student without the answer key.

A paper is drawn once, from the attempt's seed, and stored on the attempt: re-opening the attempt shows the same
questions in the same order even if the bank changes meanwhile. `student_paper` is the only function that turns a
paper into something sent to the browser, and it never reads option weights, feedback or explanations.
"""

import random
from dataclasses import dataclass, field

from wagtail.models import Locale

from .models import DrawRule, Option, Question, QuestionKind, Quiz


@dataclass
class PaperOption:
    id: int
    text: str


@dataclass
class PaperQuestion:
    id: int
    number: int
    kind: str
    text: str
    text_format: str
    points: int
    options: list[PaperOption] = field(default_factory=list)
    chosen: list[int] = field(default_factory=list)

    @property
    def is_multiple(self) -> bool:
        return self.kind == QuestionKind.MULTIPLE


def new_seed() -> int:
    return random.SystemRandom().randrange(1, 2**62)


def _draw(rule: DrawRule, rng: random.Random, taken: set[int], locale_id: int) -> list[int]:
    pool = Question.objects.filter(
        live=True,
        locale_id=locale_id,
        difficulty__gte=rule.min_difficulty,
        difficulty__lte=rule.max_difficulty,
    )
    if rule.category_id:
        pool = pool.filter(category_id=rule.category_id)
    if rule.kind:
        pool = pool.filter(kind=rule.kind)
    if rule.tag:
        pool = pool.filter(tags__name=rule.tag)
    # Sorted ids make the draw depend only on the seed and the pool, not on the database's row order.
    ids = sorted(set(pool.values_list("id", flat=True)) - taken)
    return rng.sample(ids, min(rule.count, len(ids)))


def build_paper(quiz: Quiz, seed: int) -> tuple[list[dict], dict]:
    """Return (paper, answer key) for a new attempt. Draft questions are never drawn, even from the fixed list."""
    # Reproducible on purpose: the same seed must give the same paper. The seed itself comes from SystemRandom.
    rng = random.Random(seed)  # noqa: S311
    chosen: list[tuple[int, int]] = list(
        quiz.fixed_questions.filter(question__live=True).order_by("sort_order").values_list("question_id", "points")
    )
    taken = {question_id for question_id, _ in chosen}
    rules = list(quiz.draw_rules.order_by("sort_order"))
    if rules:
        locale_id = Locale.get_default().pk
        for rule in rules:
            drawn = _draw(rule, rng, taken, locale_id)
            taken.update(drawn)
            chosen.extend((question_id, rule.points_each) for question_id in drawn)
    if quiz.shuffle_questions:
        rng.shuffle(chosen)

    kinds, scorings = {}, {}
    for question_id, kind, scoring in Question.objects.filter(id__in=taken).values_list("id", "kind", "scoring"):
        kinds[question_id], scorings[question_id] = kind, scoring
    options: dict[int, list[tuple[int, int]]] = {}
    for question_id, option_id, weight in (
        Option.objects.filter(question_id__in=taken)
        .order_by("sort_order", "id")
        .values_list("question_id", "id", "weight")
    ):
        options.setdefault(question_id, []).append((option_id, weight))

    paper, key = [], {}
    for question_id, points in chosen:
        order = [option_id for option_id, _ in options.get(question_id, [])]
        # True/false keeps its natural order: 正确 before 错误.
        if quiz.shuffle_options and kinds[question_id] != QuestionKind.TRUE_FALSE:
            rng.shuffle(order)
        paper.append({"q": question_id, "o": order, "p": points})
        key[str(question_id)] = {
            "k": kinds[question_id],
            "s": scorings[question_id],
            "w": {str(option_id): weight for option_id, weight in options.get(question_id, [])},
        }
    return paper, key


def student_paper(attempt, answers: dict[int, list[int]] | None = None) -> list[PaperQuestion]:
    """The questions of an attempt as the student sees them: texts and option ids only."""
    ids = attempt.question_ids
    questions = {
        row["id"]: row for row in Question.objects.filter(id__in=ids).values("id", "kind", "text", "text_format")
    }
    option_text = dict(Option.objects.filter(question_id__in=ids).values_list("id", "text"))
    answers = answers or {}
    paper = []
    for number, item in enumerate(attempt.paper, start=1):
        row = questions.get(item["q"])
        if row is None:  # deleted from the bank after the paper was drawn
            continue
        paper.append(
            PaperQuestion(
                id=row["id"],
                number=number,
                kind=row["kind"],
                text=row["text"],
                text_format=row["text_format"],
                points=item["p"],
                options=[PaperOption(o, option_text[o]) for o in item["o"] if o in option_text],
                chosen=answers.get(row["id"], []),
            )
        )
    return paper
