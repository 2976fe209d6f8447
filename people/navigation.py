from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.navigation import NavItem, register_nav

from .scope import may_manage_api_keys, roles_of

register_nav(
    NavItem(
        key="admin",
        label=pgettext_lazy("navigation", "Administration"),
        url_name="wagtailadmin_home",
        order=900,
        visible=lambda user: roles_of(user).is_staff_role,
    )
)
register_nav(
    NavItem(
        key="my_school",
        label=_("My school"),
        url_name="people:school_list",
        order=200,
        visible=lambda user: roles_of(user).is_school_admin,
    )
)
register_nav(
    NavItem(
        key="my_classes",
        label=_("My classes"),
        url_name="people:class_list",
        order=210,
        visible=lambda user: roles_of(user).is_teacher,
    )
)
register_nav(
    NavItem(
        key="staff_accounts",
        label=_("School administrators"),
        url_name="people:staff_accounts",
        order=220,
        visible=lambda user: bool(roles_of(user).bureau_admin_districts),
    )
)
register_nav(
    NavItem(
        key="audit_log",
        label=_("Audit log"),
        url_name="people:audit_log",
        order=950,
        visible=lambda user: bool(roles_of(user).bureau_admin_districts),
    )
)
register_nav(
    NavItem(
        key="api_keys",
        label=_("API keys"),
        url_name="people:api_keys",
        order=940,
        visible=may_manage_api_keys,
    )
)


def _unread_badge(user):
    """The count kept on the user row (people.notifications), so the badge costs no query."""
    return user.unread_notifications or None


register_nav(
    NavItem(
        key="inbox",
        label=pgettext_lazy("notifications", "Inbox"),
        url_name="people:inbox",
        order=890,
        visible=lambda user: user.is_authenticated,
        badge=lambda user: _unread_badge(user),
    )
)
