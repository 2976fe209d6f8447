"""Who may take which quiz: a registry of availability rules.

A rule is `rule(student) -> Q` over `Quiz`; a student may take a live, open quiz when any rule's Q matches it.
This app registers one rule (`open_to_all_students`); a higher app adds its own in its AppConfig.ready(), e.g.
classroom's "assigned to the student's class":

    from quizzes.access import register_rule
    register_rule("assigned_to_class", lambda student: Q(assignments__school_class__enrollments__student=student))

Quizzes never import the apps that register rules.
"""

from collections.abc import Callable

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from people.models import Student

from .models import Attempt, Quiz

Rule = Callable[[Student], Q]
_rules: dict[str, Rule] = {}


def register_rule(name: str, rule: Rule) -> None:
    _rules[name] = rule


def unregister_rule(name: str) -> None:
    _rules.pop(name, None)


def rules() -> dict[str, Rule]:
    return dict(_rules)


def _rules_q(student: Student) -> Q:
    q = Q(pk__in=[])
    for rule in _rules.values():
        q |= rule(student)
    return q


def available_quizzes(student: Student) -> QuerySet:
    """Live quizzes some rule offers to the student, open or not (the list shows closed ones with results)."""
    return Quiz.objects.filter(live=True).filter(_rules_q(student)).distinct()


def open_quizzes(student: Student, now=None) -> QuerySet:
    now = now or timezone.now()
    return (
        available_quizzes(student)
        .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now))
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
    )


def sitting_for(student: Student, now=None) -> tuple[int, int | None] | None:
    """The one exam sitting open to the student now, as (quiz id, her open attempt's id or None); None unless
    there is exactly one.

    A sitting is an open quiz with a closing time (a window the class takes together) that she has not
    submitted yet. Quizzes open with no closing time (practice, revision) are never one: a student signing in
    to read a lesson must not be sent into a quiz. Two sittings at once are hers to choose between on the home
    page.
    """
    now = now or timezone.now()
    own = Attempt.objects.filter(student=student, quiz=OuterRef("pk"))
    rows = list(
        open_quizzes(student, now)
        .filter(closes_at__isnull=False)
        .exclude(pk__in=Attempt.objects.filter(student=student, submitted_at__isnull=False).values("quiz_id"))
        .annotate(open_attempt=Subquery(own.filter(submitted_at__isnull=True).order_by("-number").values("pk")[:1]))
        .values_list("pk", "open_attempt")[:2]
    )
    return rows[0] if len(rows) == 1 else None


def is_available(student: Student, quiz: Quiz) -> bool:
    """Whether some rule offers the quiz to the student (`available_quizzes`' rule, for one quiz): the rules are
    asked in turn and the first that offers it ends the question, so a quiz open to all students (a county's
    contest) never pays for the class rules' lookups on the quiz page and at start."""
    if not quiz.live:
        return False
    for rule in _rules.values():
        if Quiz.objects.filter(pk=quiz.pk, live=True).filter(rule(student)).exists():
            return True
    return False


def can_start(student: Student, quiz: Quiz, now=None) -> bool:
    return quiz.is_open(now) and is_available(student, quiz)


register_rule("open_to_all_students", lambda student: Q(open_to_all_students=True))
