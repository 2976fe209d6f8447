"""Item statistics and quiz summaries as plain functions over querysets of attempts.

Callers pass attempts already limited to what the user may see (classroom and plans bring their own scope);
these functions only count. Each runs one or two aggregate queries however many students there are.

- facility: the share of answers fully correct (credit 1);
- discrimination: the point-biserial correlation between getting the item right and the attempt's percent;
- the most-chosen wrong option;
- survey gain: the paired pre/post difference per dimension (knowledge, attitude).
"""

import math
from collections import Counter
from dataclasses import dataclass

from django.db.models import Avg, Case, Count, F, FloatField, Q, QuerySet, Sum, When

from . import counting
from .models import Answer, Attempt, Option, Question, Quiz

GROUPS = {
    "class": "attempt__school_class_id",
    "school": "attempt__school_id",
    "district": "attempt__school__district_id",
    "quiz": "attempt__quiz_id",
}


@dataclass
class ItemStat:
    question_id: int
    group: int | None
    answered: int
    facility: float | None
    discrimination: float | None
    common_wrong_option_id: int | None = None
    common_wrong_share: float | None = None


def _right():
    return Case(When(credit__gte=1, then=1.0), default=0.0, output_field=FloatField())


def item_statistics(attempts: QuerySet, by: str | None = None) -> list[ItemStat]:
    """Per question (and per class, school or district with `by`) for submitted attempts."""
    answers = Answer.objects.filter(attempt__in=attempts.filter(submitted_at__isnull=False))
    keys = ["question_id"] + ([GROUPS[by]] if by else [])
    rows = (
        answers.values(*keys)
        .annotate(
            n=Count("id"),
            right=Sum(_right()),
            total=Sum("attempt__percent"),
            total_sq=Sum(F("attempt__percent") * F("attempt__percent"), output_field=FloatField()),
            total_right=Sum(
                Case(When(credit__gte=1, then=F("attempt__percent")), default=0.0, output_field=FloatField())
            ),
        )
        .order_by(*keys)
    )
    stats = {}
    for row in rows:
        n, right = row["n"], row["right"] or 0.0
        group = row.get(GROUPS[by]) if by else None
        stats[(row["question_id"], group)] = ItemStat(
            question_id=row["question_id"],
            group=group,
            answered=n,
            facility=round(right / n, 4) if n else None,
            discrimination=_point_biserial(
                n, right, row["total"] or 0.0, row["total_sq"] or 0.0, row["total_right"] or 0.0
            ),
        )
    _add_common_wrong(answers, by, stats)
    return list(stats.values())


def _point_biserial(n: int, right: float, total: float, total_sq: float, total_right: float) -> float | None:
    if n < 2 or right in (0, n):
        return None
    mean = total / n
    variance = total_sq / n - mean * mean
    if variance <= 1e-9:
        return None
    mean_right = total_right / right
    mean_wrong = (total - total_right) / (n - right)
    p = right / n
    return round((mean_right - mean_wrong) / math.sqrt(variance) * math.sqrt(p * (1 - p)), 4)


def _add_common_wrong(answers: QuerySet, by: str | None, stats: dict) -> None:
    """The wrong option chosen most often; chosen ids are a JSON list, so they are counted here, in one pass."""
    wrong_options = set(
        Option.objects.filter(question__answers__in=answers, weight__lte=0).values_list("id", flat=True)
    )
    counters: dict = {}
    keys = ["question_id", "chosen"] + ([GROUPS[by]] if by else [])
    for row in answers.filter(credit__lt=1).values_list(*keys).iterator(chunk_size=5000):
        group = row[2] if by else None
        counter = counters.setdefault((row[0], group), Counter())
        counter.update(option for option in row[1] or [] if option in wrong_options)
    for key, counter in counters.items():
        if key in stats and counter:
            option_id, count = counter.most_common(1)[0]
            stats[key].common_wrong_option_id = option_id
            stats[key].common_wrong_share = round(count / stats[key].answered, 4)


def counting_attempts(attempts: QuerySet, quiz: Quiz | None = None) -> QuerySet:
    """The one attempt per student (and quiz) that counts among `attempts` (quizzes.counting)."""
    return counting.counting_attempts(attempts if quiz is None else attempts.filter(quiz=quiz))


def quiz_summary(attempts: QuerySet) -> dict:
    """Submitted attempts (how many, how many flagged) and the results they make, in two queries.

    The results are the counting attempts (one per student and quiz, quizzes.counting): students with one,
    their mean percent, and the pass and full-score rates over those with a percent.
    """
    submitted = attempts.filter(submitted_at__isnull=False)
    row = submitted.aggregate(attempts=Count("id"), flagged=Count("id", filter=~Q(flags=[])))
    graded = Q(percent__isnull=False)
    row |= counting.counting_attempts(submitted).aggregate(
        students=Count("student_id", distinct=True),
        results=Count("id", filter=graded),
        mean_percent=Avg("percent", filter=graded),
        passed=Count("id", filter=graded & Q(passed=True)),
        full=Count("id", filter=graded & Q(percent__gte=100)),
    )
    n = row["results"] or 0
    row["pass_rate"] = round(row["passed"] / n, 4) if n else None
    row["full_rate"] = round(row["full"] / n, 4) if n else None
    if row["mean_percent"] is not None:
        row["mean_percent"] = round(row["mean_percent"], 2)
    return row


@dataclass
class SurveyGain:
    dimension: str
    students: int
    pre_percent: float | None
    post_percent: float | None

    @property
    def gain(self) -> float | None:
        if self.pre_percent is None or self.post_percent is None:
            return None
        return round(self.post_percent - self.pre_percent, 2)


def survey_gain(post_quiz: Quiz, attempts: QuerySet | None = None) -> list[SurveyGain]:
    """Pre → post change per dimension, over students who submitted both surveys (first pre, last post)."""
    pre_quiz_id = post_quiz.pre_survey_id
    if pre_quiz_id is None:
        return []
    attempts = attempts if attempts is not None else Attempt.objects.all()
    # The counting attempt of each survey: a pre-survey's first, a post-survey's last (quizzes.counting).
    chosen = counting.counting_attempts(attempts.filter(quiz_id__in=[pre_quiz_id, post_quiz.pk]))
    pre, post = {}, {}
    for student_id, quiz_id, attempt_id in chosen.values_list("student_id", "quiz_id", "id"):
        (pre if quiz_id == pre_quiz_id else post)[student_id] = attempt_id
    paired = pre.keys() & post.keys()
    pre_ids = [pre[s] for s in paired]
    post_ids = [post[s] for s in paired]
    rows = (
        Answer.objects.filter(attempt_id__in=pre_ids + post_ids)
        .values("question__dimension", "attempt__quiz_id")
        .annotate(mean=Avg("credit"))
    )
    means = {(row["question__dimension"], row["attempt__quiz_id"]): row["mean"] for row in rows}
    dimensions = sorted({dimension for dimension, _quiz in means})
    return [
        SurveyGain(
            dimension=dimension,
            students=len(paired),
            pre_percent=_percent(means.get((dimension, pre_quiz_id))),
            post_percent=_percent(means.get((dimension, post_quiz.pk))),
        )
        for dimension in dimensions
    ]


def _percent(mean: float | None) -> float | None:
    return None if mean is None else round(100 * mean, 2)


def question_labels(question_ids) -> dict[int, str]:
    return {q.pk: str(q) for q in Question.objects.filter(pk__in=question_ids).only("id", "title", "text")}
