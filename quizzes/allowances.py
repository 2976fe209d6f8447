"""Extra time and extra attempts for one student at one quiz: a registry of allowance sources.

A source is `source(student, quiz) -> Allowance`; a higher app registers its own in its AppConfig.ready()
(classroom: a teacher's allowance for one student on an assignment, with a reason). Quizzes never import the
apps that register sources. When a student starts an attempt, `allowance_for` takes the largest extra time and
the largest number of extra attempts any source grants (allowances never add up across sources, so two
assignments of one quiz do not double them). The extra minutes go into the attempt's own deadline, stored on
the attempt when it starts; the server keeps that clock (docs/quizzes.md, "Deadlines").
"""

from collections.abc import Callable
from dataclasses import dataclass

from people.models import Student

from .models import Quiz


@dataclass(frozen=True)
class Allowance:
    extra_minutes: int = 0
    extra_attempts: int = 0


NONE = Allowance()

Source = Callable[[Student, Quiz], Allowance]
_sources: dict[str, Source] = {}


def register_source(name: str, source: Source) -> None:
    _sources[name] = source


def unregister_source(name: str) -> None:
    _sources.pop(name, None)


def allowance_for(student: Student, quiz: Quiz) -> Allowance:
    minutes = attempts = 0
    for source in _sources.values():
        allowance = source(student, quiz)
        minutes = max(minutes, allowance.extra_minutes)
        attempts = max(attempts, allowance.extra_attempts)
    return Allowance(minutes, attempts) if minutes or attempts else NONE


def attempts_limit(quiz: Quiz, allowance: Allowance) -> int:
    """How many attempts the student may make: the quiz's, plus his extra ones; 0 means no limit."""
    return quiz.attempts_allowed + allowance.extra_attempts if quiz.attempts_allowed else 0
