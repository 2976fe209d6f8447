"""Teachers', editors' and reviewers' side: previewing a paper, results with item statistics, import, export."""

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core import audit
from core.ratelimit import ratelimit
from core.uploads import check_upload, pending
from people.models import SchoolClass
from people.scope import students_for

from .. import exporting, stats
from ..formats import parse_file
from ..forms import ConfirmImportForm, ImportForm
from ..importer import ImportRefused, import_questions
from ..models import Attempt, Option, Question, Quiz
from ..paper import build_paper, new_seed
from ..permissions import can_export, can_import, can_preview, can_see_results, imports_need_review

IMPORT_AREA = "quiz-imports"  # core.uploads.pending keeps previewed files under MEDIA_ROOT, outside public media


@login_required
def preview(request, pk: int):
    """A freshly drawn paper with its key, for staff; no attempt is recorded."""
    if not can_preview(request.user):
        raise PermissionDenied
    quiz = get_object_or_404(Quiz, pk=pk)
    paper, key = build_paper(quiz, new_seed())
    questions = {q.pk: q for q in Question.objects.filter(pk__in=[item["q"] for item in paper])}
    options = {o.pk: o for o in Option.objects.filter(question_id__in=questions)}
    rows = [
        {
            "number": number,
            "question": questions[item["q"]],
            "points": item["p"],
            "options": [options[o] for o in item["o"]],
        }
        for number, item in enumerate(paper, start=1)
        if item["q"] in questions
    ]
    return render(request, "quizzes/preview.html", {"quiz": quiz, "rows": rows})


@login_required
def results(request, pk: int):
    """Attempts of the students the user may see, their flags, and item statistics by class."""
    if not can_see_results(request.user):
        raise PermissionDenied
    quiz = get_object_or_404(Quiz, pk=pk)
    attempts = Attempt.objects.filter(quiz=quiz, student__in=students_for(request.user))
    rows = attempts.filter(submitted_at__isnull=False).select_related("student__user", "school_class__school")
    items = sorted(stats.item_statistics(attempts), key=lambda item: item.facility if item.facility is not None else 1)
    labels = stats.question_labels([item.question_id for item in items])
    wrong_text = dict(
        Option.objects.filter(pk__in=[i.common_wrong_option_id for i in items if i.common_wrong_option_id]).values_list(
            "pk", "text"
        )
    )
    classes = {
        c.pk: c for c in SchoolClass.objects.filter(pk__in=rows.values("school_class_id")).select_related("school")
    }
    return render(
        request,
        "quizzes/results.html",
        {
            "quiz": quiz,
            "attempts": rows.order_by("school_class_id", "student__student_number", "number")[:2000],
            "summary": stats.quiz_summary(attempts),
            "items": [
                {
                    "stat": item,
                    "label": labels.get(item.question_id, ""),
                    "wrong": wrong_text.get(item.common_wrong_option_id),
                }
                for item in items
            ],
            "gains": stats.survey_gain(quiz, Attempt.objects.filter(student__in=students_for(request.user))),
            "classes": classes,
        },
    )


IMPORT_KINDS = frozenset({"csv", "xlsx"})  # "csv" is any UTF-8 or GBK text: GIFT, Aiken and CSV alike


@login_required
@ratelimit("quiz-import", limit=20, window=600)
def import_page(request):
    """Upload → preview (nothing saved) → confirm (all or nothing).

    The file goes through the upload inspector first; only a file whose preview can be confirmed (questions and
    no errors) is kept for the confirmation, under core.uploads.pending, and for two hours at most: a refused
    file, a file with errors and an abandoned preview leave nothing in media."""
    if not can_import(request.user):
        raise PermissionDenied
    reviewer = not imports_need_review(request.user)
    if request.method == "POST":
        pending.purge()
    if request.method == "POST" and "token" in request.POST:
        return _confirm_import(request, reviewer)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "reviewer": reviewer}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        limit = settings.QINGDUN.get("MAX_IMPORT_BYTES", 5 * 1024 * 1024)
        # Reading one byte past the limit is enough for the inspector to refuse an oversized file.
        data = upload.read(limit + 1)
        try:
            check_upload(data, IMPORT_KINDS, limit, name=upload.name)
        except ValidationError as error:
            form.add_error("file", error)
            return render(request, "quizzes/import.html", context)
        result = parse_file(upload.name, data, form.cleaned_data["format"] or None)
        category = form.cleaned_data["category"]
        context.update({"result": result, "category": category})
        if result.ok and result.questions:
            token = pending.keep(IMPORT_AREA, data)
            request.session[f"quiz-import-{token}"] = {
                "name": upload.name,
                "format": form.cleaned_data["format"],
                "sha": hashlib.sha256(data).hexdigest(),
            }
            context["confirm"] = ConfirmImportForm(initial={"token": token, "category": category})
    return render(request, "quizzes/import.html", context)


def _confirm_import(request, reviewer: bool):
    form = ConfirmImportForm(request.POST)
    if not form.is_valid():
        return redirect("quizzes:import")
    token = form.cleaned_data["token"]
    info = request.session.pop(f"quiz-import-{token}", None)
    # Taken from the disk whoever asks: a token is single-use, and one not in this user's session is refused.
    data = pending.take(IMPORT_AREA, token)
    if info is None or data is None:
        messages.error(request, _("The uploaded file has expired. Please upload it again."))
        return redirect("quizzes:import")
    if hashlib.sha256(data).hexdigest() != info["sha"]:
        raise PermissionDenied
    result = parse_file(info["name"], data, info["format"] or None)
    category = form.cleaned_data["category"]
    publish = reviewer and form.cleaned_data["publish"]
    try:
        report = import_questions(
            result,
            user=request.user,
            category=category.name if category else None,
            publish=publish,
            skip_unsupported=form.cleaned_data["skip_unsupported"],
        )
    except ImportRefused as error:
        messages.error(request, str(error))
        return redirect("quizzes:import")
    audit.record("quizzes.import", request=request, target=info["name"], created=report.created, published=publish)
    if publish:
        messages.success(request, _("%(count)s questions imported and published.") % {"count": report.created})
    else:
        messages.success(request, _("%(count)s questions imported as drafts for review.") % {"count": report.created})
    return redirect("quizzes:import")


@login_required
def export(request):
    if not can_export(request.user):
        raise PermissionDenied
    questions = Question.objects.filter(live=True)
    category = request.GET.get("category")
    if category and category.isdigit():
        questions = questions.filter(category_id=int(category))
    fmt = request.GET.get("format", "gift")
    audit.record("quizzes.export", request=request, target=fmt, category=category or "")
    if fmt == "xlsx":
        response = HttpResponse(
            exporting.to_xlsx(questions),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="questions.xlsx"'
        return response
    response = HttpResponse(exporting.to_gift(questions), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="questions.gift.txt"'
    return response
