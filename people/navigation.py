from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem, register_nav

from .scope import roles_of

register_nav(
    NavItem(
        key="admin",
        label=_("Administration"),
        url_name="wagtailadmin_home",
        order=900,
        visible=lambda user: roles_of(user).is_staff_role,
    )
)
