"""The abstract page every curriculum page type extends: access rule, audience and preview modes."""

from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from ..permissions import can_read_curriculum, can_see_teacher_content

STUDENT_AUDIENCE = "student"
TEACHER_AUDIENCE = "teacher"


class BasePage(Page):
    """Curriculum pages are for signed-in readers unless their module is public.

    The audience ("student" or "teacher") decides whether teacher-only blocks are rendered; it is decided on
    the server for each request, and the preview can show either.
    """

    preview_modes = [("", _("Student view")), (TEACHER_AUDIENCE, _("Teacher view"))]
    show_in_menus_default = True

    class Meta:
        abstract = True

    def is_open_to_public(self) -> bool:
        """Readable by anonymous visitors. Modules decide; the index and lessons follow their module."""
        return False

    def is_readable_by(self, user) -> bool:
        return can_read_curriculum(user) or self.is_open_to_public()

    def audience_for(self, request) -> str:
        forced = getattr(request, "qingdun_audience", None)
        if forced:
            return forced
        return TEACHER_AUDIENCE if can_see_teacher_content(request.user) else STUDENT_AUDIENCE

    def serve(self, request, *args, **kwargs):
        if not self.is_readable_by(request.user):
            return redirect_to_login(request.get_full_path())
        response = super().serve(request, *args, **kwargs)
        # The page differs by reader (teacher notes): never let a shared cache keep one reader's copy.
        response["Cache-Control"] = "private, no-cache"
        return response

    def serve_preview(self, request, mode_name):
        request.qingdun_audience = TEACHER_AUDIENCE if mode_name == TEACHER_AUDIENCE else STUDENT_AUDIENCE
        return super().serve_preview(request, mode_name)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        audience = self.audience_for(request)
        context["audience"] = audience
        context["show_teacher_content"] = audience == TEACHER_AUDIENCE
        return context
