"""A registry of navigation items and home-page panels.

Apps register what they offer in their AppConfig.ready(); the site shell shows each item only to users the
item's predicate accepts. This keeps `core` free of domain knowledge and lets lower apps stay ignorant of
higher ones (a student's home panel lives in `classroom`, the audit link in `plans`).

A landing is where a sign-in goes when nothing asked for a page (no `next`): the first registered landing that
names a page for the user wins, else the home page. quizzes sends a student to the one exam open to her.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str  # a lazy translation
    url_name: str
    order: int = 100
    visible: Callable = field(default=lambda user: True)
    # A number shown beside the label (e.g. unread messages), or None; asked only for items the user sees.
    badge: Callable | None = None


@dataclass(frozen=True)
class HomePanel:
    key: str
    template: str
    order: int = 100
    visible: Callable = field(default=lambda user: True)
    context: Callable | None = None


@dataclass(frozen=True)
class Landing:
    key: str
    # request -> a URL, or None when this landing has nothing for the user; asked right after sign-in.
    url: Callable
    order: int = 100


_nav: dict[str, NavItem] = {}
_panels: dict[str, HomePanel] = {}
_landings: dict[str, Landing] = {}


def register_nav(item: NavItem) -> None:
    _nav[item.key] = item


def register_home_panel(panel: HomePanel) -> None:
    _panels[panel.key] = panel


def register_landing(landing: Landing) -> None:
    _landings[landing.key] = landing


def landing_for(request) -> str | None:
    """Where a user just signed in should land, or None for the home page."""
    for landing in sorted(_landings.values(), key=lambda item: item.order):
        url = landing.url(request)
        if url:
            return url
    return None


def nav_for(user) -> list[dict]:
    items = []
    for item in sorted(_nav.values(), key=lambda i: i.order):
        if not item.visible(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        badge = item.badge(user) if item.badge else None
        items.append({"key": item.key, "label": item.label, "url": url, "badge": badge})
    return items


def panels_for(request) -> list[dict]:
    panels = []
    for panel in sorted(_panels.values(), key=lambda p: p.order):
        if not panel.visible(request.user):
            continue
        context = panel.context(request) if panel.context else {}
        panels.append({"template": panel.template, "context": context})
    return panels
