from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from wagtail.models import Locale

from core.ratelimit import ratelimit
from people.scope import roles_of

from .blocks import is_teacher_only
from .models import CurriculumIndexPage, LessonPage
from .permissions import can_see_teacher_content
from .rendering import lesson_data
from .search import search_lessons


@require_safe
def curriculum_home(request):
    """The curriculum index of the reader's language (the navigation link points here)."""
    index = CurriculumIndexPage.objects.live().filter(locale=Locale.get_active()).first()
    index = index or CurriculumIndexPage.objects.live().first()
    if index is None:
        raise Http404
    return redirect(index.get_url(request))


@require_safe
@ratelimit("lesson-search", limit=60, window=60, methods=("GET",))
def search(request):
    query = request.GET.get("q", "").strip()[:100]
    results = search_lessons(query, request) if query else []
    return render(request, "lessons/search.html", {"query": query, "results": results})


def _live_lesson(pk: int) -> LessonPage:
    lesson = LessonPage.objects.live().filter(pk=pk).first()
    if lesson is None:
        raise Http404
    return lesson


@require_safe
def teacher_view(request, pk: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_see_teacher_content(request.user):
        raise PermissionDenied
    lesson = _live_lesson(pk)
    downloads = [block for block in lesson.body if block.block_type == "download"]
    notes = [block for block in lesson.body if is_teacher_only(block.block_type, block.value)]
    notes = [block for block in notes if block.block_type != "download"]
    roles = roles_of(request.user)
    # Editors and reviewers read the teacher view too, but only people who teach classes can assign.
    can_assign = roles.is_teacher or roles.is_school_admin
    return render(
        request,
        "lessons/teacher_view.html",
        {"lesson": lesson, "downloads": downloads, "notes": notes, "can_assign": can_assign},
    )


@never_cache
@require_safe
def lesson_json(request, pk: int):
    lesson = _live_lesson(pk)
    if not lesson.is_readable_by(request.user):
        return redirect_to_login(request.get_full_path())
    return JsonResponse(lesson_data(lesson, request.user), json_dumps_params={"ensure_ascii": False})
