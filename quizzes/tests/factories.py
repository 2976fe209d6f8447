"""Builders for quiz tests: real rows, published through Wagtail revisions like the admin does."""

from wagtail.models import Locale

from quizzes.models import Category, DrawRule, Option, Question, QuestionKind, Quiz, QuizQuestion, Scoring


def category(name: str = "识毒") -> Category:
    return Category.objects.get_or_create(name=name)[0]


def question(
    text: str = "冰毒的化学名称是？",
    options=(("甲基苯丙胺", 100), ("氯胺酮", 0), ("二乙酰吗啡", 0)),
    kind: str = QuestionKind.SINGLE,
    cat: Category | None = None,
    difficulty: int = 2,
    live: bool = True,
    scoring: str = Scoring.ALL_OR_NOTHING,
    explanation: str = "冰毒即甲基苯丙胺。",
    tags=(),
) -> Question:
    q = Question(
        category=cat or category(),
        text=text,
        kind=kind,
        difficulty=difficulty,
        scoring=scoring,
        explanation=explanation,
        locale=Locale.get_default(),
        live=live,
    )
    q.options = [
        Option(text=text_, weight=weight, feedback=f"反馈{index}", sort_order=index)
        for index, (text_, weight) in enumerate(options)
    ]
    if tags:
        q.tags.add(*tags)
    q.save()
    revision = q.save_revision()
    if live:
        revision.publish()
    return q


def quiz(questions=(), rules=(), **fields) -> Quiz:
    fields.setdefault("open_to_all_students", True)
    fields.setdefault("shuffle_questions", True)
    quiz = Quiz.objects.create(title=fields.pop("title", "课后小测"), **fields)
    QuizQuestion.objects.bulk_create(
        [QuizQuestion(quiz=quiz, question=q, sort_order=i, points=1) for i, q in enumerate(questions)]
    )
    for i, rule in enumerate(rules):
        DrawRule.objects.create(quiz=quiz, sort_order=i, **rule)
    return quiz


def bank(n: int = 30, cat: Category | None = None, difficulty: int = 2) -> list[Question]:
    return [
        question(
            text=f"第{i}题：下列说法正确的是？",
            options=((f"正确说法{i}", 100), (f"错误说法{i}甲", 0), (f"错误说法{i}乙", 0), (f"错误说法{i}丙", 0)),
            cat=cat,
            difficulty=difficulty,
        )
        for i in range(n)
    ]


def right_options(attempt) -> dict[int, list[int]]:
    return {
        item["q"]: [int(o) for o, w in attempt.answer_key[str(item["q"])]["w"].items() if w > 0]
        for item in attempt.paper
    }


def tokens(attempt, question_id: int) -> list[str]:
    """A question's option tokens in the order its paper shows them: what the browser receives and sends back."""
    item = next(item for item in attempt.paper if item["q"] == question_id)
    names = {option: token for token, option in attempt.answer_key[str(question_id)]["t"].items()}
    return [names[option] for option in item["o"]]


def token(attempt, question_id: int, option_id: int) -> str:
    item = next(item for item in attempt.paper if item["q"] == question_id)
    return tokens(attempt, question_id)[item["o"].index(option_id)]


def right_tokens(attempt) -> dict[int, list[str]]:
    """`right_options` as the browser names them."""
    return {
        question: [token(attempt, question, option) for option in options]
        for question, options in right_options(attempt).items()
    }
