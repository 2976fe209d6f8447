"""Taking a quiz: start or resume, save answers, submit, and close attempts past their deadline.

These are the public functions other apps (classroom, the benchmark) call. The server keeps the clock
(docs/quizzes.md, "Deadlines"): before the deadline every answer counts; after it the attempt is *overdue* for
LATE, refuses saves and waits for one submission, whose answers count when a lease (quizzes.lease) proves they
were chosen before the deadline; past LATE any call that finds the attempt open grades it with what it holds.
Submission is idempotent: the attempt row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite's transactions
are serialised), and an attempt already submitted is returned as it is, so a double tap, a retry or a second tab
yields one attempt and one score.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from people.models import Enrollment, SchoolYear, Student

from . import access, allowances, counting, integrity
from .grading import credit_for
from .lease import Lease
from .models import Answer, Attempt, Flag, Quiz
from .paper import TOKEN_LENGTH, build_paper, new_seed, option_ids

# How long after its deadline an attempt waits for the one submission that may still bring answers chosen before
# the deadline (delayed by an outage, a refusal at the edge or the network). Long enough for a database restart or
# a computer room's Wi-Fi to come back; every second of it is a second a tampered page could use, so it is bounded.
LATE = datetime.timedelta(seconds=getattr(settings, "QINGDUN", {}).get("QUIZ_LATE_SECONDS", 300))
# The most answers one request may carry: a paper's worth, so a page back from an outage sends all it kept at once.
MAX_BATCH = 200


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


class Overdue(AttemptClosed):
    """Past the deadline, not graded yet: no more saves; the page's submission is still awaited (LATE)."""

    code = "overdue"
    default_message = _("Time is up: your answers are being submitted.")


class InvalidAnswer(QuizError):
    code = "invalid"
    default_message = _("That answer does not belong to this paper.")


# Why an answer in a request did not count (the JSON answers name them; docs/quizzes.md, "Deadlines").
REFUSAL_MESSAGES = {
    InvalidAnswer.code: InvalidAnswer.default_message,
    "after_deadline": _("This answer was chosen after the deadline and does not count."),
    "no_lease": _("This answer reached the server after the deadline without proof that it was chosen before it."),
    AttemptClosed.code: _("The attempt had already been graded with another answer to this question."),
}


@dataclass(frozen=True)
class Choice:
    """One answer as a page sends it: the question, the paper's option tokens, and when the student chose it (on
    the server's clock, by the page's lease), if the page said."""

    question_id: int
    tokens: tuple[str, ...]
    at: datetime.datetime | None = None


@dataclass
class Outcome:
    """What became of each answer in one request: `done` (saved, or weighed in the grade) and `refused`
    ({question id: reason code}); `attempt` after a submission."""

    done: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)
    attempt: Attempt | None = None

    @property
    def complete(self) -> bool:
        """Every answer of the request counted: only then may a response say "saved" or "submitted"."""
        return not self.refused


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
    allowance = allowances.allowance_for(student, quiz)
    limit = allowances.attempts_limit(quiz, allowance)
    if limit and used >= limit:
        raise NoAttemptsLeft
    year = SchoolYear.for_date(timezone.localdate(now))
    enrollment = (
        Enrollment.objects.filter(student=student, school_year=year)
        .select_related("school_class__school")
        .order_by("pk")
        .first()
    )
    class_id = enrollment.school_class_id if enrollment else None
    seed = new_seed()
    # The paper is drawn at the student's grade band (his class's): an upper-primary pupil draws no question
    # written for secondary school (quizzes.paper).
    paper, key = build_paper(quiz, seed, grade_band=enrollment.school_class.grade_band if enrollment else None)
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
        deadline_at=quiz.deadline_for(now, allowance.extra_minutes),
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
    """AttemptClosed for a submitted attempt and for one past its late window (which is submitted first), Overdue
    for one past its deadline but within the window: the page must submit now."""
    if attempt.is_submitted:
        raise AttemptClosed
    if attempt.deadline_at and now > attempt.deadline_at:
        if now > attempt.deadline_at + LATE:
            submit_attempt(attempt.pk, now=now, auto=True)
            raise AttemptClosed
        raise Overdue


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


def latest_choices(choices) -> list[Choice]:
    """One choice per question, the last one sent winning (a page sends them in the order they were made)."""
    latest: dict[int, Choice] = {}
    for choice in choices:
        latest.pop(choice.question_id, None)
        latest[choice.question_id] = choice
    return list(latest.values())


def _option_ids_of(attempt: Attempt, choice: Choice) -> list[int] | None:
    """The option ids a choice names on the attempt's paper, or None when it names anything else (a question not
    on the paper, a token not of its options, two options for a single-choice question)."""
    try:
        return _check_choice(attempt, choice.question_id, chosen_options(attempt, choice.question_id, choice.tokens))
    except InvalidAnswer:
        return None


def save_choices(attempt: Attempt, choices, *, now=None) -> Outcome:
    """What a browser's save does, for any number of answers in one upsert: each valid one is saved (done), each
    that names anything but this paper's options is refused as `invalid`. Overdue or AttemptClosed (nothing saved)
    when the attempt no longer takes saves."""
    now = now or timezone.now()
    _ensure_open(attempt, now)
    outcome, rows = Outcome(), []
    for choice in latest_choices(choices):
        chosen = _option_ids_of(attempt, choice)
        if chosen is None:
            outcome.refused[choice.question_id] = InvalidAnswer.code
            continue
        rows.append(Answer(attempt_id=attempt.pk, question_id=choice.question_id, chosen=chosen, saved_at=now))
        outcome.done.append(choice.question_id)
    if rows:
        Answer.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["attempt", "question"], update_fields=["chosen", "saved_at"]
        )
    return outcome


# One statement, one round trip, committed on its own, for a whole batch: the attempt is the signed-in student's,
# open and not past its deadline, each question is on its paper, every token names an option of that question on
# this paper, and only a multiple-choice question takes more than one. The tokens become option ids inside the
# statement, from the answer key's token map; an answer failing a rule is left out and the rest are saved. FOR KEY
# SHARE waits for a submission holding the attempt FOR UPDATE and then re-checks `submitted_at`, so an answer can
# never land on an attempt that was just graded.
_QUICK_SAVE_SQL = """
WITH target AS (
    SELECT a.id, a.deadline_at, a.answer_key
    FROM quizzes_attempt a JOIN people_student s ON s.id = a.student_id
    WHERE a.id = %(attempt)s AND s.user_id = %(user)s AND a.submitted_at IS NULL
      AND (a.deadline_at IS NULL OR a.deadline_at >= %(now)s)
    FOR KEY SHARE OF a
), posted AS (
    SELECT item ->> 'q' AS question_key, (item ->> 'q')::bigint AS question,
        ARRAY(SELECT jsonb_array_elements_text(item -> 't')) AS tokens
    FROM jsonb_array_elements(%(items)s::jsonb) AS item
), valid AS (
    SELECT target.id AS attempt_id, posted.question, posted.tokens,
        target.answer_key -> posted.question_key -> 't' AS names
    FROM target JOIN posted ON (target.answer_key -> posted.question_key -> 't') ?& posted.tokens
    WHERE cardinality(posted.tokens) <= 1 OR target.answer_key -> posted.question_key ->> 'k' = 'multiple'
), saved AS (
    INSERT INTO quizzes_answer (attempt_id, question_id, chosen, saved_at, credit, points)
    SELECT valid.attempt_id, valid.question,
        COALESCE((SELECT jsonb_agg(c.option ORDER BY c.option) FROM (
            SELECT DISTINCT (valid.names ->> token)::bigint AS option FROM unnest(valid.tokens) AS token
        ) AS c), '[]'::jsonb),
        %(now)s, NULL, NULL
    FROM valid
    ON CONFLICT (attempt_id, question_id) DO UPDATE SET chosen = EXCLUDED.chosen, saved_at = EXCLUDED.saved_at
    RETURNING question_id
)
SELECT deadline_at, ARRAY(SELECT question_id FROM saved) FROM target
"""
BIGINT = 2**63


def save_choices_quickly(user_id: int, attempt_id: int, choices, *, now):
    """The answer-save hot path on PostgreSQL: what `save_choices` does for the signed-in student's own attempt, in
    one statement. Returns (True, the attempt's deadline, the ids of the questions saved) when the attempt took
    saves, (False, None, []) when it did not (not the student's, graded, past its deadline: the caller then takes
    the general path, which finds the reason), and None on other databases. Answers left out were refused by a rule: the
    general path, given them alone, says which and why."""
    if connection.vendor != "postgresql":
        return None
    items = [
        {"q": str(choice.question_id), "t": sorted(set(choice.tokens))}
        for choice in latest_choices(choices)
        # No such question or option: the general path says so without asking the database.
        if -BIGINT <= choice.question_id < BIGINT
        and all(isinstance(token, str) and len(token) == TOKEN_LENGTH for token in choice.tokens)
    ]
    params = {"attempt": attempt_id, "user": user_id, "now": now, "items": json.dumps(items)}
    with connection.cursor() as cursor:
        cursor.execute(_QUICK_SAVE_SQL, params)
        row = cursor.fetchone()
    if row is None:
        return False, None, []
    return True, row[0], list(row[1])


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
    """Grade and close an attempt; idempotent. `answers` (option ids) win over saves when they arrive by the
    deadline; after it only what was saved counts (a browser's late answers go through `submit_choices`).

    Queries: lock the attempt, read its answers, upsert every answer with its credit, update the attempt —
    the same four for 3 or 300 questions.
    """
    now = now or timezone.now()
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt_id)
        if attempt.is_submitted:
            return attempt
        late = _is_late(attempt, now)
        saved = _saved_answers(attempt)
        if answers and not late:
            for question_id, option_ids in answers.items():
                try:
                    chosen = _check_choice(attempt, question_id, option_ids)
                except InvalidAnswer:
                    continue
                if saved.get(question_id, (None,))[0] != chosen:
                    saved[question_id] = (chosen, now)
        return _grade_and_close(attempt, saved, now, late=late, auto=auto)


def submit_choices(attempt_id: int, choices, *, lease: Lease | None = None, now=None) -> Outcome:
    """What a browser's submission does: weigh each answer it carries, grade and close the attempt, and say what
    became of every answer (docs/quizzes.md, "Deadlines").

    An answer equal to the one the server holds is weighed as it is. Another one counts when it arrives by the
    deadline, or, arriving later but within LATE, when `lease` is this attempt's, issued by the deadline, and the
    answer's `at` (when it was chosen, on the server's clock) is not after the deadline; else it is refused
    (`after_deadline`, `no_lease`). The first submission closes the attempt, so a lease serves one late request.
    Sent again after the attempt was graded (a retry whose answer was lost, a second tab), nothing changes: each
    answer is weighed if the graded attempt holds it and refused (`closed`) if not, so the answer tells the truth.
    """
    now = now or timezone.now()
    outcome = Outcome()
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt_id)
        saved = _saved_answers(attempt)
        closed = attempt.is_submitted or (attempt.deadline_at is not None and now > attempt.deadline_at + LATE)
        late = _is_late(attempt, now)
        proven = (
            lease is not None
            and lease.attempt_id == attempt.pk
            and attempt.deadline_at is not None
            and lease.issued_at <= attempt.deadline_at
        )
        late_answers = 0  # changed answers that arrived after the deadline and counted on their stamps
        for choice in latest_choices(choices):
            chosen = _option_ids_of(attempt, choice)
            if chosen is None:
                outcome.refused[choice.question_id] = InvalidAnswer.code
            elif saved.get(choice.question_id, ([],))[0] == chosen:
                outcome.done.append(choice.question_id)
            elif closed:
                outcome.refused[choice.question_id] = AttemptClosed.code
            elif not late:
                saved[choice.question_id] = (chosen, now)
                outcome.done.append(choice.question_id)
            elif not proven:
                outcome.refused[choice.question_id] = "no_lease"
            elif choice.at is None or choice.at > attempt.deadline_at:
                outcome.refused[choice.question_id] = "after_deadline"
            else:
                saved[choice.question_id] = (chosen, now)
                outcome.done.append(choice.question_id)
                late_answers += 1
        if attempt.is_submitted:
            outcome.attempt = attempt
        else:
            outcome.attempt = _grade_and_close(attempt, saved, now, late=late, auto=closed, late_answers=late_answers)
    return outcome


def _is_late(attempt: Attempt, now) -> bool:
    return attempt.deadline_at is not None and now > attempt.deadline_at


def _saved_answers(attempt: Attempt) -> dict[int, tuple[list[int], datetime.datetime | None]]:
    return {
        question_id: (chosen, saved_at)
        for question_id, chosen, saved_at in Answer.objects.filter(attempt=attempt).values_list(
            "question_id", "chosen", "saved_at"
        )
    }


def _grade_and_close(attempt: Attempt, saved: dict, now, *, late: bool, auto: bool, late_answers: int = 0) -> Attempt:
    """Grade the locked attempt on `saved` ({question id: (option ids, saved at)}), store every answer with its
    credit and close the attempt. A late one is stamped as submitted at its deadline."""
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
    if late_answers:
        # Counted, and shown for review: only the page vouches that these were chosen in time.
        flags.append(Flag.LATE_ANSWERS)
    flags += integrity.quiz_flags(attempt, submitted_at, chosen_by_question)
    attempt.flags = sorted(set(flags))
    attempt.save(update_fields=["submitted_at", "score", "max_score", "percent", "passed", "flags"])
    return attempt


def finalise_if_expired(attempt: Attempt, now=None) -> bool:
    """Submit the attempt if its late window has passed; return True if it is (now) submitted. An overdue attempt
    (past its deadline, within LATE) stays open for the page's submission."""
    now = now or timezone.now()
    if attempt.is_submitted:
        return True
    if attempt.deadline_at and now > attempt.deadline_at + LATE:
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
    """Submit every open attempt past its late window (the worker runs this; requests also do it lazily)."""
    now = now or timezone.now()
    ids = list(
        Attempt.objects.filter(submitted_at__isnull=True, deadline_at__lt=now - LATE).values_list("id", flat=True)
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
