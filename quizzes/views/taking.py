"""The student's side: the quiz list, starting, the paper, saving answers, submitting and the result."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.clientid import device_of, network_of
from core.ratelimit import ratelimit
from people.scope import roles_of

from .. import access, allowances, lease, services
from ..models import Attempt, Option, Question, Quiz
from ..paper import student_paper
from ..permissions import can_preview, can_see_results


def _student(request):
    roles = roles_of(request.user)
    if not roles.is_student:
        raise PermissionDenied
    return request.user.student


def _wants_json(request) -> bool:
    """The quiz's script posts with fetch and asks for JSON; a form posted without JavaScript gets redirects."""
    return "application/json" in request.headers.get("Accept", "")


def _own_attempt(request, pk: int) -> Attempt:
    """The signed-in student's attempt, or 404: another student's attempt does not exist for him."""
    try:
        return Attempt.objects.select_related("quiz").get(pk=pk, student__user=request.user)
    except Attempt.DoesNotExist:
        raise Http404 from None


@login_required
def index(request):
    roles = roles_of(request.user)
    context = {"is_student": roles.is_student, "can_preview": can_preview(request.user)}
    if roles.is_student:
        student = request.user.student
        quizzes = list(access.available_quizzes(student).order_by("closes_at", "title"))
        attempts: dict[int, list[Attempt]] = {}
        for attempt in Attempt.objects.filter(student=student, quiz__in=quizzes).order_by("number"):
            attempts.setdefault(attempt.quiz_id, []).append(attempt)
        now = timezone.now()
        context["rows"] = [
            {"quiz": quiz, "attempts": attempts.get(quiz.pk, []), "open": quiz.is_open(now)} for quiz in quizzes
        ]
    if context["can_preview"] or can_see_results(request.user):
        context["staff_quizzes"] = Quiz.objects.filter(live=True).order_by("-pk")[:50]
        context["can_see_results"] = can_see_results(request.user)
    return render(request, "quizzes/index.html", context)


@login_required
def detail(request, pk: int):
    student = _student(request)
    quiz = get_object_or_404(Quiz, pk=pk, live=True)
    if not access.is_available(student, quiz):
        raise Http404
    attempts = list(Attempt.objects.filter(student=student, quiz=quiz).order_by("number"))
    open_attempt = next((a for a in attempts if not a.is_submitted), None)
    if open_attempt is not None and services.finalise_if_expired(open_attempt):
        open_attempt = None
    allowance = allowances.allowance_for(student, quiz)
    limit = allowances.attempts_limit(quiz, allowance)
    left = None if not limit else max(0, limit - len(attempts))
    return render(
        request,
        "quizzes/detail.html",
        {
            "quiz": quiz,
            "attempts": [a for a in attempts if a.is_submitted],
            "open_attempt": open_attempt,
            "attempts_left": left,
            "allowance": allowance,
            "can_start": quiz.is_open() and (open_attempt is not None or left is None or left > 0),
        },
    )


@login_required
@require_POST
@ratelimit("quiz-start", limit=30, window=60)
def start(request, pk: int):
    student = _student(request)
    quiz = get_object_or_404(Quiz, pk=pk, live=True)
    try:
        attempt = services.start_or_resume_attempt(
            student,
            quiz,
            device_id=device_of(request),
            network=network_of(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except services.NotAvailable:
        raise Http404 from None
    except services.QuizError as error:
        messages.error(request, str(error))
        if _wants_json(request):
            return JsonResponse({"url": reverse("quizzes:detail", args=[quiz.pk])})
        return redirect("quizzes:detail", pk=quiz.pk)
    if _wants_json(request):
        return JsonResponse({"url": reverse("quizzes:take", args=[attempt.pk])})
    return redirect("quizzes:take", pk=attempt.pk)


@never_cache
@login_required
def take(request, pk: int):
    attempt = _own_attempt(request, pk)
    if services.finalise_if_expired(attempt):
        return redirect("quizzes:result", pk=attempt.pk)
    now = timezone.now()
    answers = dict(attempt.answers.values_list("question_id", "chosen"))
    remaining = None
    if attempt.deadline_at:
        remaining = max(0, int((attempt.deadline_at - now).total_seconds()))
    # Overdue (past the deadline, within the late window): the paper is shown locked, and no lease is handed out,
    # since one issued now proves nothing; the page submits what it kept, with the lease it kept (docs/quizzes.md).
    overdue = attempt.deadline_at is not None and now > attempt.deadline_at
    return render(
        request,
        "quizzes/take.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "questions": student_paper(attempt, answers),
            "answered": len([c for c in answers.values() if c]),
            "remaining": remaining,
            "overdue": overdue,
            "lease": None if overdue else lease.issue(attempt.pk, now),
            "server_time": lease.milliseconds(now),
        },
    )


def _json_error(error: services.QuizError, status: int, attempt: Attempt | None = None, **extra) -> JsonResponse:
    body = {"error": error.code, "message": str(error), **extra}
    if attempt is not None and error.code == services.AttemptClosed.code:
        body["result_url"] = reverse("quizzes:result", args=[attempt.pk])
    if attempt is not None and error.code == services.Overdue.code:
        body["submit_url"] = reverse("quizzes:submit", args=[attempt.pk])
    return JsonResponse(body, status=status)


class _Unreadable(ValueError):
    """A request body that is not the protocol's (docs/quizzes.md, "Saving and submitting")."""


def _choice(item) -> services.Choice:
    if not isinstance(item, dict):
        raise _Unreadable
    try:
        question_id = int(item["question"])
    except (KeyError, TypeError, ValueError):
        raise _Unreadable from None
    tokens = item.get("options") or []
    if not isinstance(tokens, list) or not all(isinstance(token, str) for token in tokens):
        raise _Unreadable
    return services.Choice(question_id, tuple(tokens), lease.from_milliseconds(item.get("at")))


def _json_choices(request) -> tuple[list[services.Choice], str | None, bool]:
    """(choices, lease, single) from a JSON body: {"lease": …, "answers": [{"question", "options", "at"}, …]} or
    the single answer of earlier versions, {"question": id, "options": [tokens]} (single = True)."""
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        raise _Unreadable from None
    if not isinstance(payload, dict):
        raise _Unreadable
    if "answers" not in payload:
        return [_choice(payload)], payload.get("lease"), True
    items = payload["answers"]
    if not isinstance(items, list) or len(items) > services.MAX_BATCH:
        raise _Unreadable
    return [_choice(item) for item in items], payload.get("lease"), False


def _refusals(refused: dict[int, str]) -> list[dict]:
    return [
        {"question": question_id, "reason": reason, "message": str(services.REFUSAL_MESSAGES[reason])}
        for question_id, reason in refused.items()
    ]


@require_POST
@ratelimit("quiz-save", limit=240, window=60, shared=False)
def save(request, pk: int):
    """Save answers: {"lease", "answers": [{"question", "options": [tokens], "at"}]} → {"saved": [ids], "refused":
    [...], "lease", "server_time", "remaining"} (docs/quizzes.md, "Saving and submitting").

    Options are named by the attempt's tokens (quizzes.paper), never by database ids.

    The hot path (on PostgreSQL) is one statement that checks ownership, the deadline and the paper and writes
    every valid answer of the batch. Whatever it did not write goes to the general path, which runs the same
    checks one by one to give the reason: 404 for an attempt that is not the student's, 409 `overdue` past the
    deadline (the page must submit, with its lease), 409 `closed` for a graded attempt, and a refusal per answer
    not on the paper (400 for the single answer of earlier versions).
    """
    if not request.user.is_authenticated:
        return JsonResponse({"error": "signed_out"}, status=401)
    now = timezone.now()
    try:
        choices, _lease, single = _json_choices(request)
    except _Unreadable:
        _own_attempt(request, pk)
        return _json_error(services.InvalidAnswer(), 400)
    choices = services.latest_choices(choices)
    saved: list[int] = []
    deadline_at = None
    quick = services.save_choices_quickly(request.user.pk, pk, choices, now=now)
    if quick is not None:
        took, deadline_at, saved = quick
        if took and len(saved) == len(choices):
            return _saved(pk, now, deadline_at, saved, {}, single)
    attempt = _own_attempt(request, pk)
    rest = [choice for choice in choices if choice.question_id not in saved]
    try:
        outcome = services.save_choices(attempt, rest, now=now)
    except services.Overdue as error:
        return _json_error(error, 409, attempt, saved=saved)
    except services.AttemptClosed as error:
        return _json_error(error, 409, attempt, saved=saved)
    if single and outcome.refused:
        return _json_error(services.InvalidAnswer(), 400)
    return _saved(pk, now, attempt.deadline_at, saved + outcome.done, outcome.refused, single)


def _saved(attempt_id: int, now, deadline_at, saved: list[int], refused: dict[int, str], single: bool):
    """The answer to a save: what was saved and refused, and a fresh lease (the server's clock as of now)."""
    body = {"saved": True, "question": saved[0]} if single else {"saved": saved, "refused": _refusals(refused)}
    body["lease"] = lease.issue(attempt_id, now)
    body["server_time"] = lease.milliseconds(now)
    if deadline_at:
        body["remaining"] = max(0, int((deadline_at - now).total_seconds()))
    return JsonResponse(body)


def _posted_choices(request, attempt: Attempt) -> list[services.Choice]:
    """A form posted without JavaScript: `q<id>=<token>` per chosen option, `at<id>` if a page stamped it."""
    choices = []
    for question_id in attempt.question_ids:
        tokens = request.POST.getlist(f"q{question_id}")
        if tokens:
            at = lease.from_milliseconds(request.POST.get(f"at{question_id}"))
            choices.append(services.Choice(question_id, tuple(tokens), at))
    return choices


@require_POST
@ratelimit("quiz-submit", limit=30, window=60)
def submit(request, pk: int):
    """Weigh the posted answers, grade and close the attempt, and say what became of each answer.

    The quiz's script posts JSON (the save's batch shape) and gets {"closed": true, "submitted": every answer
    weighed, "weighed": n, "refused": [...], "result_url"}; a form posted without JavaScript gets a redirect to
    the result, with a message naming the answers that did not count. Past the deadline an answer that differs
    from the saved one counts only with the page's lease and a stamp not after the deadline (services)."""
    if not request.user.is_authenticated:
        # The script keeps the answers and says so; a redirect to the sign-in page would read as a success to it.
        if _wants_json(request):
            return JsonResponse({"error": "signed_out"}, status=401)
        return redirect_to_login(request.get_full_path())
    attempt = _own_attempt(request, pk)
    if request.content_type == "application/json":
        try:
            choices, presented, _single = _json_choices(request)
        except _Unreadable:
            return _json_error(services.InvalidAnswer(), 400)
    else:
        choices, presented = _posted_choices(request, attempt), request.POST.get("lease")
    outcome = services.submit_choices(attempt.pk, choices, lease=lease.read(presented, attempt.pk), now=timezone.now())
    result_url = reverse("quizzes:result", args=[attempt.pk])
    if _wants_json(request):
        return JsonResponse(
            {
                "closed": True,
                "submitted": outcome.complete,
                "weighed": len(outcome.done),
                "refused": _refusals(outcome.refused),
                "result_url": result_url,
            }
        )
    # Tokens of another paper were ignored before too; what the student must hear about is answers that came late.
    late = [reason for reason in outcome.refused.values() if reason != services.InvalidAnswer.code]
    if late:
        messages.warning(
            request,
            _("Submitted. %(count)s answers did not count: they were chosen or sent after the deadline.")
            % {"count": len(late)},
        )
    return redirect(result_url)


@never_cache
@login_required
def result(request, pk: int):
    attempt = _own_attempt(request, pk)
    if not services.finalise_if_expired(attempt):
        return redirect("quizzes:take", pk=attempt.pk)
    attempt.refresh_from_db()
    show = services.answers_visible(attempt)
    rows = []
    if show:
        answers = dict(attempt.answers.values_list("question_id", "credit"))
        chosen = dict(attempt.answers.values_list("question_id", "chosen"))
        paper = student_paper(attempt, chosen)
        questions = {q.id: q for q in Question.objects.filter(id__in=attempt.question_ids).only("id", "explanation")}
        options = {o.id: o for o in Option.objects.filter(question_id__in=attempt.question_ids)}
        for item in paper:
            rows.append(
                {
                    "question": item,
                    "credit": answers.get(item.id) or 0,
                    "explanation": questions[item.id].explanation if item.id in questions else "",
                    "options": [
                        {
                            "text": option.text,
                            "chosen": option.id in item.chosen,
                            "correct": options[option.id].is_correct,
                            "feedback": options[option.id].feedback if option.id in item.chosen else "",
                        }
                        for option in item.options
                    ],
                }
            )
    return render(
        request, "quizzes/result.html", {"attempt": attempt, "quiz": attempt.quiz, "show_answers": show, "rows": rows}
    )
