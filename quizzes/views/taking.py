"""The student's side: the quiz list, starting, the paper, saving answers, submitting and the result."""

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.admission import CRITICAL, NORMAL, admission, first_sent
from core.clientid import device_of, network_of
from core.ratelimit import ratelimit
from people.scope import roles_of

from .. import access, services
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


@admission(NORMAL)  # the way into an exam: with the start and the paper, ahead of the site's other pages
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
    left = None if not quiz.attempts_allowed else max(0, quiz.attempts_allowed - len(attempts))
    return render(
        request,
        "quizzes/detail.html",
        {
            "quiz": quiz,
            "attempts": [a for a in attempts if a.is_submitted],
            "open_attempt": open_attempt,
            "attempts_left": left,
            "can_start": quiz.is_open() and (open_attempt is not None or left is None or left > 0),
        },
    )


@admission(NORMAL)
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
        from django.contrib import messages

        messages.error(request, str(error))
        if _wants_json(request):
            return JsonResponse({"url": reverse("quizzes:detail", args=[quiz.pk])})
        return redirect("quizzes:detail", pk=quiz.pk)
    if _wants_json(request):
        return JsonResponse({"url": reverse("quizzes:take", args=[attempt.pk])})
    return redirect("quizzes:take", pk=attempt.pk)


@admission(NORMAL)
@never_cache
@login_required
def take(request, pk: int):
    attempt = _own_attempt(request, pk)
    if services.finalise_if_expired(attempt):
        return redirect("quizzes:result", pk=attempt.pk)
    answers = dict(attempt.answers.values_list("question_id", "chosen"))
    remaining = None
    if attempt.deadline_at:
        remaining = max(0, int((attempt.deadline_at - timezone.now()).total_seconds()))
    return render(
        request,
        "quizzes/take.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "questions": student_paper(attempt, answers),
            "answered": len([c for c in answers.values() if c]),
            "remaining": remaining,
        },
    )


def _json_error(error: services.QuizError, status: int, attempt: Attempt | None = None) -> JsonResponse:
    body = {"error": error.code, "message": str(error)}
    if attempt is not None and error.code == "closed":
        body["result_url"] = reverse("quizzes:result", args=[attempt.pk])
    return JsonResponse(body, status=status)


@admission(CRITICAL)
@require_POST
@ratelimit("quiz-save", limit=240, window=60, shared=False)
def save(request, pk: int):
    """Save one answer: {"question": id, "options": [tokens]} → {"saved": true, "remaining": seconds}.

    Options are named by the attempt's tokens (quizzes.paper), never by database ids.

    The hot path (on PostgreSQL) is one statement that checks ownership, the deadline and the paper and writes
    the answer. When it writes nothing, the general path below runs the same checks one by one to give the
    reason: 404 for an attempt that is not the student's, 400 for an answer not on the paper, 409 (after
    submitting it) for an attempt past its deadline or already submitted. An answer the admission gate refused
    earlier counts from when it was first sent (core.admission.first_sent).
    """
    if not request.user.is_authenticated:
        return JsonResponse({"error": "signed_out"}, status=401)
    now = first_sent(request) or timezone.now()
    try:
        payload = json.loads(request.body or b"{}")
        question_id = int(payload["question"])
        tokens = payload.get("options") or []
        if not isinstance(tokens, list):
            raise ValueError
    except (ValueError, KeyError, TypeError):
        payload = None
    else:
        quick = services.save_answer_quickly(request.user.pk, pk, question_id, tokens, now=now)
        if quick is not None and quick[0]:
            return _saved(question_id, quick[1])
    attempt = _own_attempt(request, pk)
    if payload is None:
        return _json_error(services.InvalidAnswer(), 400)
    try:
        services.save_tokens(attempt, question_id, tokens, now=now)
    except services.AttemptClosed as error:
        return _json_error(error, 409, attempt)
    except services.InvalidAnswer as error:
        return _json_error(error, 400)
    return _saved(question_id, attempt.deadline_at)


def _saved(question_id: int, deadline_at) -> JsonResponse:
    body = {"saved": True, "question": question_id}
    if deadline_at:
        body["remaining"] = max(0, int((deadline_at - timezone.now()).total_seconds()))
    return JsonResponse(body)


def _posted_answers(request, attempt: Attempt) -> dict[int, list[int]]:
    """The posted form's answers as option ids; a question whose tokens are not of this paper is left out."""
    answers = {}
    for question_id in attempt.question_ids:
        tokens = request.POST.getlist(f"q{question_id}")
        if tokens:
            try:
                answers[question_id] = services.chosen_options(attempt, question_id, tokens)
            except services.InvalidAnswer:
                continue
    return answers


@admission(CRITICAL)
@login_required
@require_POST
@ratelimit("quiz-submit", limit=30, window=60)
def submit(request, pk: int):
    """Grade the attempt with the posted answers. A submission the admission gate refused earlier counts from when
    it was first sent, so a refusal at the deadline does not make its answers late."""
    attempt = _own_attempt(request, pk)
    services.submit_attempt(attempt.pk, _posted_answers(request, attempt), now=first_sent(request) or timezone.now())
    if _wants_json(request):
        return JsonResponse({"submitted": True, "result_url": reverse("quizzes:result", args=[attempt.pk])})
    return redirect("quizzes:result", pk=attempt.pk)


@admission(NORMAL)
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
