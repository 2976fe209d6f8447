from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem, register_nav
from people.scope import roles_of

from .permissions import can_import, can_see_results


def _sees_quizzes(user) -> bool:
    return roles_of(user).is_student or can_import(user) or can_see_results(user)


register_nav(NavItem(key="quizzes", label=_("Quizzes"), url_name="quizzes:index", order=40, visible=_sees_quizzes))
