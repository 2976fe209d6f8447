"""Drawing a paper for an attempt, and showing it to the student without the answer key.

A paper is drawn once, from the attempt's seed, and stored on the attempt: re-opening the attempt shows the same
questions in the same order even if the bank changes meanwhile. `student_paper` is the only function that turns a
paper into something sent to the browser, and it never reads option weights, feedback or explanations.

Nothing the browser receives may say which option is right (docs/quizzes.md, "Option tokens"):
- each option is named by a token of the attempt, never by its database id (authors write the right answer
  first, so the lowest id is usually the right one). All tokens have the same length and alphabet; they are kept
  in the answer key (`"t"`: token → option id) and mapped back by `option_ids` when an answer arrives;
- the options of a graded question are shuffled on every paper, whatever the quiz's setting, so the right
  option's position is uniformly random. Only an order that carries meaning stays: true/false (正确 before 错误),
  "all/none of the above" options (kept last, where their text says they belong), and a survey whose author
  turned shuffling off (a scale reads in order; a survey has no pass mark to win).
"""

import base64
import random
import re
from dataclasses import dataclass, field

from django.utils.crypto import salted_hmac
from django.utils.html import strip_tags
from django.utils.translation import gettext, ngettext
from wagtail.models import Locale

from .models import DrawRule, Option, Question, QuestionKind, Quiz, TextFormat

TOKEN_LENGTH = 16  # characters of URL-safe base64: 96 bits, the same for every option
_TOKEN_SALT = "qingdun.quizzes.option-token"  # noqa: S105 (an HMAC salt, public by design)
# Options whose text refers to the others: shuffling them into the middle would make them read wrong.
_REFERS_TO_OTHERS = re.compile(r"^\s*(以上|上述|前面)|\b(all|none|both|neither) of (the|these) (above|options)\b", re.I)


@dataclass
class PaperOption:
    id: int  # for the server's own use (the result page); templates sent before submission show `token` only
    token: str
    text: str
    checked: bool = False  # the student's saved answer includes it


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

    # The paper's labels, translated here rather than by a {% blocktrans %} per question: a 30-question paper
    # rendered sixty of them, a third of its template's time (issue #15). The same messages as the template's.
    @property
    def label(self) -> str:
        return gettext("Question %(number)s") % {"number": self.number}

    @property
    def points_label(self) -> str:
        return ngettext("%(points)s point", "%(points)s points", self.points) % {"points": self.points}


def option_token(seed: int, option_id: int) -> str:
    """The option's name on one attempt's paper: a keyed hash of the attempt's secret seed and the option.

    Unguessable without the server's key and the seed (which never leaves the server), unrelated between
    attempts, and reproducible from the seed, so a paper can be drawn again for a test or the benchmark.
    """
    digest = salted_hmac(_TOKEN_SALT, f"{seed}:{option_id}", algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest[:12]).decode()


def reading_characters(text: str, text_format: str) -> int:
    """Characters a student has to read: markup does not count."""
    if text_format == TextFormat.HTML:
        text = strip_tags(text)
    return len("".join(text.split()))


def new_seed() -> int:
    return random.SystemRandom().randrange(1, 2**62)


def _draw(rule: DrawRule, rng: random.Random, taken: set[int], locale_id: int, grade_band: str | None) -> list[int]:
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
    # A question written for other grade bands is not drawn for this one; a question naming no band suits every
    # band. Compared here rather than in SQL: a JSON list's "contains" has no SQLite lookup, and a rule's pool is
    # one bank category's questions, not the bank.
    ids = {
        question_id
        for question_id, bands in pool.values_list("id", "grade_bands")
        if grade_band is None or not bands or grade_band in bands
    }
    # Sorted ids make the draw depend only on the seed and the pool, not on the database's row order.
    ids = sorted(ids - taken)
    return rng.sample(ids, min(rule.count, len(ids)))


def build_paper(quiz: Quiz, seed: int, grade_band: str | None = None) -> tuple[list[dict], dict]:
    """Return (paper, answer key) for a new attempt. Draft questions are never drawn, even from the fixed list.

    With `grade_band` (people.grades: the student's class's band), draw rules take only questions of that band
    or of no band; the fixed questions are the author's choice and stay. None draws from every band (a preview).
    """
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
            drawn = _draw(rule, rng, taken, locale_id, grade_band)
            taken.update(drawn)
            chosen.extend((question_id, rule.points_each) for question_id in drawn)
    if quiz.shuffle_questions:
        rng.shuffle(chosen)

    questions = {
        row["id"]: row
        for row in Question.objects.filter(id__in=taken).values("id", "kind", "scoring", "text", "text_format")
    }
    options: dict[int, list[tuple[int, int, str]]] = {}
    for question_id, option_id, weight, text in (
        Option.objects.filter(question_id__in=taken)
        .order_by("sort_order", "id")
        .values_list("question_id", "id", "weight", "text")
    ):
        options.setdefault(question_id, []).append((option_id, weight, text))

    paper, key = [], {}
    for question_id, points in chosen:
        question = questions[question_id]
        rows = options.get(question_id, [])
        fixed = question["kind"] == QuestionKind.TRUE_FALSE or (quiz.is_survey and not quiz.shuffle_options)
        if fixed:
            order = [option_id for option_id, _, _ in rows]
        else:
            free = [option_id for option_id, _, text in rows if not _REFERS_TO_OTHERS.search(text)]
            rng.shuffle(free)
            order = free + [option_id for option_id, _, text in rows if _REFERS_TO_OTHERS.search(text)]
        item = {
            "q": question_id,
            "o": order,
            "p": points,
            "c": reading_characters(question["text"], question["text_format"])
            + sum(reading_characters(text, TextFormat.PLAIN) for _, _, text in rows),
        }
        if fixed:
            item["f"] = 1  # the order is the author's: it says nothing about a student's pattern of answers
        paper.append(item)
        key[str(question_id)] = {
            "k": question["kind"],
            "s": question["scoring"],
            "w": {str(option_id): weight for option_id, weight, _ in rows},
            "t": {option_token(seed, option_id): option_id for option_id, _, _ in rows},
        }
    return paper, key


def option_ids(answer_key: dict, question_id: int, tokens) -> list[int] | None:
    """The option ids the tokens name on this paper, sorted and without repeats; None when the question is not
    on the paper or a token is not one of its options (anything but a string of the paper's is refused)."""
    entry = answer_key.get(str(question_id))
    if entry is None or not isinstance(tokens, list | tuple):
        return None
    names = entry.get("t", {})
    if not all(isinstance(token, str) and token in names for token in tokens):
        return None
    return sorted({names[token] for token in tokens})


def student_paper(attempt, answers: dict[int, list[int]] | None = None) -> list[PaperQuestion]:
    """The questions of an attempt as the student sees them: texts and option tokens only."""
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
        tokens = {option: token for token, option in attempt.answer_key.get(str(item["q"]), {}).get("t", {}).items()}
        chosen = answers.get(row["id"], [])
        paper.append(
            PaperQuestion(
                id=row["id"],
                number=number,
                kind=row["kind"],
                text=row["text"],
                text_format=row["text_format"],
                points=item["p"],
                options=[
                    PaperOption(o, tokens.get(o, ""), option_text[o], o in chosen)
                    for o in item["o"]
                    if o in option_text
                ],
                chosen=chosen,
            )
        )
    return paper
