"""Taking a quiz: start or resume, save an answer, submit, and close attempts past their deadline.

These are the public functions other apps (classroom, the benchmark) call. The server keeps the clock: any call
that finds an attempt past its deadline submits it first. Submission is idempotent: the attempt row is locked
(SELECT … FOR UPDATE on PostgreSQL; SQLite's transactions are serialised), and an attempt already submitted is
returned as it is, so a double tap, a retry or a second tab yields one attempt and one score.
"""

import datetime
import hashlib

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from people.models import Enrollment, SchoolYear, Student

from . import access, counting, integrity
from .grading import credit_for
from .models import Answer, Attempt, Flag, Quiz
from .paper import TOKEN_LENGTH, build_paper, new_seed, option_ids

# Saves that left the browser just before the deadline may arrive a little after it.
GRACE = datetime.timedelta(seconds=getattr(settings, "QINGDUN", {}).get("QUIZ_GRACE_SECONDS", 10))


class QuizError(Exception):
    """A refusal fit to show the student (the message is translated)."""

    code = "refused"

    def __init__(self, message=None):
        super().__init__(message or self.default_message)

    default_message = _("This quiz cannot be taken now.")


class NotAvailable(QuizError):
    code = "not_available"
    default_message = _("This quiz is not open to you.")


class NoAttemptsLeft(QuizError):
    code = "no_attempts_left"
    default_message = _("You have used all your attempts at this quiz.")


class AttemptClosed(QuizError):
    code = "closed"
    default_message = _("This attempt has been submitted; answers can no longer be changed.")


class InvalidAnswer(QuizError):
    code = "invalid"
    default_message = _("That answer does not belong to this paper.")


def user_agent_hash(user_agent: str) -> str:
    return hashlib.sha256((user_agent or "").encode()).hexdigest()[:32]


def attempts_used(student: Student, quiz: Quiz) -> int:
    return Attempt.objects.filter(student=student, quiz=quiz).count()


def start_or_resume_attempt(
    student: Student,
    quiz: Quiz,
    *,
    device_id: str = "",
    network: str = "",
    user_agent: str = "",
    now=None,
    check_access: bool = True,
) -> Attempt:
    """Return the student's open attempt at the quiz, or start a new one if the rules allow.

    `device_id` and `network` are core.clientid's for the request that started it (never a raw address); the
    rules about devices and networks shared by several students react to the saved attempt (classroom).
    `check_access=False` is for callers that have already decided availability (e.g. a classroom assignment view).
    """
    now = now or timezone.now()
    current = Attempt.objects.filter(student=student, quiz=quiz, submitted_at__isnull=True).first()
    if current is not None:
        if not finalise_if_expired(current, now):
            return current
    if check_access and not access.can_start(student, quiz, now):
        raise NotAvailable
    used = attempts_used(student, quiz)
    if quiz.attempts_allowed and used >= quiz.attempts_allowed:
        raise NoAttemptsLeft
    seed = new_seed()
    paper, key = build_paper(quiz, seed)
    year = SchoolYear.for_date(timezone.localdate(now))
    class_id = (
        Enrollment.objects.filter(student=student, school_year=year).values_list("school_class_id", flat=True).first()
    )
    attempt = Attempt(
        student=student,
        quiz=quiz,
        school_id=student.school_id,
        school_class_id=class_id,
        number=used + 1,
        seed=seed,
        paper=paper,
        answer_key=key,
        started_at=now,
        deadline_at=quiz.deadline_for(now),
        device_id=device_id[:64],
        network=network[:32],
        user_agent_hash=user_agent_hash(user_agent),
    )
    try:
        with transaction.atomic():
            attempt.save()
    except IntegrityError:
        # Another request (a second tab, a double tap) started one first: resume that one.
        existing = Attempt.objects.filter(student=student, quiz=quiz, submitted_at__isnull=True).first()
        if existing is None:
            raise NoAttemptsLeft from None
        return existing
    return attempt


def _check_choice(attempt: Attempt, question_id: int, option_ids) -> list[int]:
    entry = attempt.answer_key.get(str(question_id))
    if entry is None:
        raise InvalidAnswer
    chosen = parse_choice(option_ids)
    if any(str(option) not in entry["w"] for option in chosen):
        raise InvalidAnswer
    if entry["k"] != "multiple" and len(chosen) > 1:
        raise InvalidAnswer
    return chosen


def chosen_options(attempt: Attempt, question_id: int, tokens) -> list[int]:
    """The option ids a browser's tokens name on the attempt's paper; InvalidAnswer for anything else.

    The browser only ever names options by the attempt's tokens (quizzes.paper): views pass what it sends
    through here, and the functions below speak option ids.
    """
    chosen = option_ids(attempt.answer_key, question_id, tokens)
    if chosen is None:
        raise InvalidAnswer
    return chosen


def _ensure_open(attempt: Attempt, now) -> None:
    """AttemptClosed for a submitted attempt, and for one past its deadline (which is submitted first)."""
    if attempt.is_submitted:
        raise AttemptClosed
    if attempt.deadline_at and now > attempt.deadline_at + GRACE:
        submit_attempt(attempt.pk, now=now, auto=True)
        raise AttemptClosed


def save_tokens(attempt: Attempt, question_id: int, tokens, *, now=None) -> Answer:
    """What a browser's save does: `save_answer` with the options named by the paper's tokens."""
    now = now or timezone.now()
    _ensure_open(attempt, now)
    return save_answer(attempt, question_id, chosen_options(attempt, question_id, tokens), now=now)


def save_answer(attempt: Attempt, question_id: int, option_ids, *, now=None) -> Answer:
    """Upsert one answer: one INSERT … ON CONFLICT UPDATE, validated against the stored paper (no read).

    `option_ids` are ids (from `chosen_options` when they came from a browser)."""
    now = now or timezone.now()
    _ensure_open(attempt, now)
    chosen = _check_choice(attempt, question_id, option_ids)
    answer = Answer(attempt_id=attempt.pk, question_id=question_id, chosen=chosen, saved_at=now)
    Answer.objects.bulk_create(
        [answer],
        update_conflicts=True,
        unique_fields=["attempt", "question"],
        update_fields=["chosen", "saved_at"],
    )
    return answer


def parse_choice(option_ids) -> list[int]:
    """The chosen option ids, sorted and without repeats; InvalidAnswer when one is not an integer."""
    try:
        return sorted({int(option) for option in option_ids})
    except (TypeError, ValueError):
        raise InvalidAnswer from None


# One statement, one round trip, committed on its own: the attempt is the signed-in student's, open, within its
# deadline (plus grace), the question is on its paper, every token names an option of that question on this
# paper, and only a multiple-choice question takes more than one. The tokens become option ids inside the
# statement, from the answer key's token map. FOR KEY SHARE waits for a submission holding the attempt FOR
# UPDATE and then re-checks `submitted_at`, so an answer can never land on an attempt that was just graded.
_QUICK_SAVE_SQL = """
WITH target AS (
    SELECT a.id, a.deadline_at, a.answer_key -> %(question_key)s -> 't' AS names
    FROM quizzes_attempt a JOIN people_student s ON s.id = a.student_id
    WHERE a.id = %(attempt)s AND s.user_id = %(user)s AND a.submitted_at IS NULL
      AND (a.deadline_at IS NULL OR a.deadline_at >= %(earliest_deadline)s)
      AND (a.answer_key -> %(question_key)s -> 't') ?& %(tokens)s::text[]
      {multiple}
    FOR KEY SHARE OF a
), saved AS (
    INSERT INTO quizzes_answer (attempt_id, question_id, chosen, saved_at, credit, points)
    SELECT id, %(question)s,
        COALESCE((SELECT jsonb_agg(c.option ORDER BY c.option) FROM (
            SELECT DISTINCT (names ->> token)::bigint AS option FROM unnest(%(tokens)s::text[]) AS token
        ) AS c), '[]'::jsonb),
        %(now)s, NULL, NULL
    FROM target
    ON CONFLICT (attempt_id, question_id) DO UPDATE SET chosen = EXCLUDED.chosen, saved_at = EXCLUDED.saved_at
    RETURNING 1
)
SELECT deadline_at, (SELECT count(*) FROM saved) FROM target
"""
_MULTIPLE_SQL = "AND a.answer_key -> %(question_key)s ->> 'k' = 'multiple'"
BIGINT = 2**63


def save_answer_quickly(user_id: int, attempt_id: int, question_id: int, tokens: list[str], *, now):
    """The answer-save hot path on PostgreSQL: what `chosen_options` and `save_answer` do for the signed-in
    student's own attempt, in one statement. Returns (True, the attempt's deadline) when saved, (False, None) when
    a rule refused it (the caller then takes the general path, which finds the reason and, past the deadline,
    submits the attempt), and None on other databases."""
    if connection.vendor != "postgresql":
        return None
    if not -BIGINT <= question_id < BIGINT or not all(
        isinstance(token, str) and len(token) == TOKEN_LENGTH for token in tokens
    ):
        return False, None  # no such question or option: the general path says so without asking the database
    tokens = sorted(set(tokens))
    params = {
        "attempt": attempt_id,
        "user": user_id,
        "earliest_deadline": now - GRACE,
        "question_key": str(question_id),
        "tokens": tokens,
        "question": question_id,
        "now": now,
    }
    sql = _QUICK_SAVE_SQL.format(multiple=_MULTIPLE_SQL if len(tokens) > 1 else "")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None or not row[1]:
        return False, None
    return True, row[0]


def grade(attempt: Attempt, chosen_by_question: dict[int, list[int]]) -> tuple[dict[int, tuple[float, float]], float]:
    """Return ({question id: (credit, points earned)}, max score) for the attempt's paper."""
    results, max_score = {}, 0.0
    for item in attempt.paper:
        entry = attempt.answer_key[str(item["q"])]
        weights = {int(option): weight for option, weight in entry["w"].items()}
        credit = credit_for(entry["k"], entry["s"], weights, chosen_by_question.get(item["q"], []))
        results[item["q"]] = (credit, credit * item["p"])
        max_score += item["p"]
    return results, max_score


def submit_attempt(attempt_id: int, answers: dict[int, list[int]] | None = None, *, now=None, auto: bool = False):
    """Grade and close an attempt; idempotent. `answers` (from a form posted without JavaScript) win over saves.

    Queries: lock the attempt, read its answers, upsert every answer with its credit, update the attempt —
    the same four for 3 or 300 questions.
    """
    now = now or timezone.now()
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt_id)
        if attempt.is_submitted:
            return attempt
        late = attempt.deadline_at is not None and now > attempt.deadline_at + GRACE
        saved = {
            question_id: (chosen, saved_at)
            for question_id, chosen, saved_at in Answer.objects.filter(attempt=attempt).values_list(
                "question_id", "chosen", "saved_at"
            )
        }
        if answers and not late:
            for question_id, option_ids in answers.items():
                try:
                    chosen = _check_choice(attempt, question_id, option_ids)
                except InvalidAnswer:
                    continue
                if saved.get(question_id, (None,))[0] != chosen:
                    saved[question_id] = (chosen, now)
        chosen_by_question = {question_id: chosen for question_id, (chosen, _) in saved.items()}
        results, max_score = grade(attempt, chosen_by_question)
        Answer.objects.bulk_create(
            [
                Answer(
                    attempt_id=attempt.pk,
                    question_id=question_id,
                    chosen=saved.get(question_id, ([], None))[0],
                    saved_at=saved.get(question_id, ([], None))[1],
                    credit=credit,
                    points=points,
                )
                for question_id, (credit, points) in results.items()
            ],
            update_conflicts=True,
            unique_fields=["attempt", "question"],
            update_fields=["chosen", "saved_at", "credit", "points"],
        )
        submitted_at = min(now, attempt.deadline_at) if late else now
        score = round(sum(points for _, points in results.values()), 4)
        attempt.submitted_at = submitted_at
        attempt.score = score
        attempt.max_score = max_score
        attempt.percent = round(100 * score / max_score, 2) if max_score else 0.0
        attempt.passed = counting.passed_at(attempt.quiz, attempt.percent)
        flags = list(attempt.flags)
        if auto or late:
            flags.append(Flag.AUTO_SUBMITTED)
        flags += integrity.quiz_flags(attempt, submitted_at, chosen_by_question)
        attempt.flags = sorted(set(flags))
        attempt.save(update_fields=["submitted_at", "score", "max_score", "percent", "passed", "flags"])
    return attempt


def finalise_if_expired(attempt: Attempt, now=None) -> bool:
    """Submit the attempt if its deadline has passed; return True if it is (now) submitted."""
    now = now or timezone.now()
    if attempt.is_submitted:
        return True
    if attempt.deadline_at and now > attempt.deadline_at + GRACE:
        submitted = submit_attempt(attempt.pk, now=now, auto=True)
        attempt.submitted_at, attempt.score, attempt.percent = (
            submitted.submitted_at,
            submitted.score,
            submitted.percent,
        )
        attempt.passed, attempt.flags, attempt.max_score = submitted.passed, submitted.flags, submitted.max_score
        return True
    return False


def close_expired_attempts(now=None) -> int:
    """Submit every open attempt past its deadline (the worker runs this; requests also do it lazily)."""
    now = now or timezone.now()
    ids = list(
        Attempt.objects.filter(submitted_at__isnull=True, deadline_at__lt=now - GRACE).values_list("id", flat=True)
    )
    for attempt_id in ids:
        submit_attempt(attempt_id, now=now, auto=True)
    return len(ids)


def counting_attempt(student: Student, quiz: Quiz) -> Attempt | None:
    """The submitted attempt that counts for the student: best or last, as the quiz says (quizzes.counting)."""
    return counting.counting_attempt(student, quiz)


def answers_visible(attempt: Attempt, now=None) -> bool:
    """May the student see the correct answers and explanations of this submitted attempt?"""
    if not attempt.is_submitted:
        return False
    quiz = attempt.quiz
    if quiz.show_answers == "after_submit":
        return True
    if quiz.show_answers == "after_close":
        return quiz.is_closed(now)
    return False
