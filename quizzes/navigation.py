from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.navigation import Landing, NavItem, register_landing, register_nav
from people.scope import roles_of

from .permissions import can_import, can_see_results


def _sees_quizzes(user) -> bool:
    return roles_of(user).is_student or can_import(user) or can_see_results(user)


register_nav(NavItem(key="quizzes", label=_("Quizzes"), url_name="quizzes:index", order=40, visible=_sees_quizzes))


def _exam_landing(request) -> str | None:
    """A student signing in while one exam sitting is open to her lands on it: on the quiz's page, whose button
    starts it, or back on her paper when she had started (a room signing in at once saves the home page's
    request per student, issue #15). Anyone else, or a student with none or several, lands on the home page."""
    from .access import sitting_for

    if not roles_of(request.user).is_student:
        return None
    sitting = sitting_for(request.user.student)
    if sitting is None:
        return None
    quiz_id, attempt_id = sitting
    if attempt_id is not None:
        return reverse("quizzes:take", args=[attempt_id])
    return reverse("quizzes:detail", args=[quiz_id])


register_landing(Landing(key="exam_sitting", url=_exam_landing, order=10))
