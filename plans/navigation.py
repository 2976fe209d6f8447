from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem, register_nav
from people.scope import roles_of

register_nav(
    NavItem(
        key="audit",
        label=_("Audit"),
        url_name="plans:dashboard",
        order=60,
        visible=lambda user: roles_of(user).is_bureau,
    )
)
register_nav(
    NavItem(
        key="school_figures",
        label=_("School figures"),
        url_name="plans:my_school",
        order=61,
        visible=lambda user: roles_of(user).is_school_admin,
    )
)
