from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.navigation import HomePanel, NavItem, register_home_panel, register_nav
from people.scope import managed_schools_for, roles_of

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
        key="regions",
        label=_("Regions"),
        url_name="plans:regions",
        order=59,
        visible=lambda user: roles_of(user).is_region_officer,
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


def _rectification_panel(request) -> dict:
    """The school's ledger items returned for rectification (整改), the nearest deadline first."""
    from .models import LedgerItem, LedgerState

    items = (
        LedgerItem.objects.filter(school__in=managed_schools_for(request.user), state=LedgerState.RETURNED)
        .select_related("school", "task", "school_year")
        .order_by("due_on", "school__code", "task__order")
    )
    return {"items": list(items[:20]), "today": timezone.localdate()}


register_home_panel(
    HomePanel(
        key="plans_rectification",
        template="plans/panels/rectification.html",
        order=30,
        visible=lambda user: roles_of(user).is_school_admin,
        context=_rectification_panel,
    )
)


def _bulletins_panel(request) -> dict:
    """The published 通报 that name the school (behind a target, or with an item to rectify), the newest first."""
    from .models import Bulletin

    bulletins = (
        Bulletin.objects.filter(published_at__isnull=False, schools__in=managed_schools_for(request.user))
        .distinct()
        .order_by("-published_at")
    )
    return {"bulletins": list(bulletins[:5])}


register_home_panel(
    HomePanel(
        key="plans_bulletins",
        template="plans/panels/bulletins.html",
        order=29,
        visible=lambda user: roles_of(user).is_school_admin,
        context=_bulletins_panel,
    )
)


def _organisation_items_panel(request) -> dict:
    """A member unit's or social organisation's own ledger items, the unfinished and the nearest deadline first."""
    from .models import LedgerItem, LedgerState

    roles = roles_of(request.user)
    items = (
        LedgerItem.objects.filter(organisation_id__in=roles.organisation_officer)
        .exclude(state__in=(LedgerState.CLOSED, LedgerState.CARRIED))
        .select_related("organisation", "task", "school_year")
        .order_by("due_on", "organisation__name", "task__order")
    )
    from .models import Accountability

    measures = (
        Accountability.objects.filter(item__organisation_id__in=roles.organisation_officer)
        .select_related("item__task")
        .order_by("-at", "-id")
    )
    return {"items": list(items[:30]), "measures": list(measures[:10]), "today": timezone.localdate()}


register_home_panel(
    HomePanel(
        key="plans_organisation_items",
        template="plans/panels/organisation_items.html",
        order=30,
        visible=lambda user: roles_of(user).is_organisation_officer,
        context=_organisation_items_panel,
    )
)
