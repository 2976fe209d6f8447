"""Who may take which quiz: a registry of availability rules.

A rule is `rule(student) -> Q` over `Quiz`; a student may take a live, open quiz when any rule's Q matches it.
This app registers one rule (`open_to_all_students`); a higher app adds its own in its AppConfig.ready(), e.g.
classroom's "assigned to the student's class":

    from quizzes.access import register_rule
    register_rule("assigned_to_class", lambda student: Q(assignments__school_class__enrollments__student=student))

Quizzes never import the apps that register rules.
"""

from collections.abc import Callable

from django.db.models import Q, QuerySet
from django.utils import timezone

from people.models import Student

from .models import Quiz

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


def is_available(student: Student, quiz: Quiz) -> bool:
    return available_quizzes(student).filter(pk=quiz.pk).exists()


def can_start(student: Student, quiz: Quiz, now=None) -> bool:
    return quiz.is_open(now) and is_available(student, quiz)


register_rule("open_to_all_students", lambda student: Q(open_to_all_students=True))
