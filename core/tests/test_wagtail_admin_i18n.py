"""Every admin screen in zh-Hans: the Wagtail strings its own zh_Hans catalogue leaves untranslated are ours to
translate (core/wagtail_strings.py, core/wagtail_strings.js), and no admin screen our editors use shows one of them
in English ("Privacy and access", "Insert a block")."""

import ast
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import django
import pytest
import wagtail
from babel.messages.pofile import read_po
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from wagtail.snippets.models import get_snippet_models

LANGUAGE = "zh_Hans"
DOMAINS = ("django", "djangojs")


def _key(message) -> str:
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    return f"{message.context}\x04{msgid}" if message.context else msgid


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return bool(message.id) and not message.fuzzy and all(strings)


def _read(path: Path):
    with path.open("rb") as file:
        return read_po(file)


def untranslated_by_wagtail(domain: str) -> dict[str, object]:
    """{key: message} of the installed Wagtail apps' msgids that no zh_Hans catalogue of Django or Wagtail translates.

    Wagtail's English catalogue lists every msgid of its sources; its zh_Hans one only those translated on Transifex.
    """
    known = set()
    for root in (Path(django.__file__).parent, Path(wagtail.__file__).parent):
        for path in root.glob(f"**/locale/{LANGUAGE}/LC_MESSAGES/{domain}.po"):
            known.update(_key(message) for message in _read(path) if _translated(message))
    missing = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("wagtail"):
            continue
        english = Path(config.path) / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"
        if english.exists():
            for message in _read(english):
                if message.id and _key(message) not in known:
                    missing.setdefault(_key(message), message)
    return missing


def _ours(domain: str) -> dict[str, object]:
    path = Path(settings.BASE_DIR) / "locale" / LANGUAGE / "LC_MESSAGES" / f"{domain}.po"
    return {_key(message): message for message in _read(path)} if path.exists() else {}


@pytest.mark.parametrize("domain", DOMAINS)
def test_our_catalogue_translates_what_wagtail_leaves_in_english(domain):
    ours = _ours(domain)
    left = sorted(key for key in untranslated_by_wagtail(domain) if key not in ours or not _translated(ours[key]))
    assert not left, (
        f"Wagtail shows these in English under zh-Hans; list them in core/wagtail_strings.py/.js and translate them"
        f" in i18n/wagtail_admin*.json ({len(left)}):\n" + "\n".join(f"  {key!r}" for key in left[:40])
    )


def _python_msgids(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in {"gettext_noop", "ngettext_lazy"}:
            found.add(node.args[0].value)
    return found


def _javascript_msgids(path: Path) -> set[str]:
    return {
        json.loads(literal) for literal in re.findall(r'^n?gettext\(("(?:[^"\\]|\\.)*")', path.read_text("utf-8"), re.M)
    }


def test_the_strings_stay_in_our_sources_so_makemessages_keeps_them():
    """makemessages --no-obsolete drops every msgid our sources do not contain: these modules contain them."""
    core = Path(settings.BASE_DIR) / "core"
    listed = {
        "django": _python_msgids(core / "wagtail_strings.py"),
        "djangojs": _javascript_msgids(core / "wagtail_strings.js"),
    }
    for domain in DOMAINS:
        assert not set(untranslated_by_wagtail(domain)) - listed[domain], domain


def test_the_translations_to_merge_cover_every_listed_string():
    base = Path(settings.BASE_DIR)
    for domain, name in (("django", "wagtail_admin.json"), ("djangojs", "wagtail_admin_js.json")):
        words = json.loads((base / "i18n" / name).read_text("utf-8"))
        assert not set(untranslated_by_wagtail(domain)) - set(words), name
        assert all(words.values()), name


class _Text(HTMLParser):
    """The words a user reads: text outside scripts and styles, and the labels a screen reader announces."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "aria-label", "placeholder", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _pattern(message) -> re.Pattern | None:
    """A message as it reads once rendered: markup gone, placeholders filled with anything short."""
    text = " ".join(re.sub(r"<[^>]+>", " ", message.id[0] if isinstance(message.id, tuple) else message.id).split())
    pieces = re.split(r"%\(\w+\)[sd]|\{\w+\}", text)
    letters = sum(len(re.findall(r"[A-Za-z]", piece)) for piece in pieces)
    if letters < 2 or (len(pieces) > 1 and letters < 8):
        return None  # "%(field_label)s:" reads the same in every language; "%(action)s at %(at)s" matches anything
    body = r".{1,120}?".join(r"\s*".join(map(re.escape, piece.split(" "))) for piece in pieces)
    return re.compile(rf"(?<![A-Za-z]){body}(?![A-Za-z])")


def english_left(html: str) -> list[str]:
    text = _visible_text(html)
    patterns = {key: _pattern(message) for key, message in untranslated_by_wagtail("django").items()}
    return sorted(key for key, pattern in patterns.items() if pattern and pattern.search(text))


@pytest.fixture
def lesson(db):
    from lessons.tests.factories import make_lesson, make_module

    return make_lesson(make_module())


def _screens(lesson):
    """The admin screens our editors and reviewers use, each as (name, url)."""
    screens = [
        ("dashboard", reverse("wagtailadmin_home")),
        ("page editor", reverse("wagtailadmin_pages:edit", args=[lesson.pk])),
        ("page listing", reverse("wagtailadmin_explore", args=[lesson.get_parent().pk])),
        ("page history", reverse("wagtailadmin_pages:history", args=[lesson.pk])),
        ("privacy dialog", reverse("wagtailadmin_pages:set_privacy", args=[lesson.pk])),
        ("workflows", reverse("wagtailadmin_workflows:index")),
        ("workflow tasks", reverse("wagtailadmin_workflows:task_index")),
        ("workflow report", reverse("wagtailadmin_reports:workflow")),
        ("locked pages", reverse("wagtailadmin_reports:locked_pages")),
        ("account", reverse("wagtailadmin_account")),
    ]
    for model in get_snippet_models():
        if model._meta.app_label in {"quizzes", "lessons", "classroom", "plans", "people"}:
            viewset = model.snippet_viewset
            screens += [
                (f"{model._meta.model_name} list", reverse(viewset.get_url_name("list"))),
                (f"{model._meta.model_name} add", reverse(viewset.get_url_name("add"))),
            ]
    for name in ("people_schools", "people_classes", "people_students", "people_roles"):
        screens.append((name, reverse(f"{name}:index")))
    return screens


def _html(response) -> str:
    if response["Content-Type"].startswith("application/json"):  # a modal workflow: the dialog's HTML inside JSON
        return response.json().get("html", "")
    return response.content.decode()


@pytest.mark.django_db
def test_no_admin_screen_shows_wagtail_english_under_zh_hans(client, world, lesson):
    from wagtail.models import Page

    from people.testing import make_user

    # A page in moderation: the dashboard's review panels and the editor's workflow status show.
    client.force_login(world.editor)
    page = Page.objects.get(pk=lesson.pk).specific
    workflow = page.get_workflow()
    assert workflow is not None
    workflow.start(page, world.editor)

    found = {}
    for user in (world.reviewer, make_user("cms-admin", is_superuser=True, is_staff=True)):
        client.force_login(user)
        for name, url in _screens(lesson):
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
            if response.status_code in (302, 403) and user is world.reviewer:  # not hers to see
                continue
            assert response.status_code == 200, (name, url, response.status_code)
            left = english_left(_html(response))
            if left:
                found[f"{name} ({user.username})"] = left
    assert not found, found


@pytest.mark.django_db
def test_the_admin_javascript_catalogue_speaks_chinese(client, world):
    client.force_login(world.editor)
    response = client.get(reverse("wagtailadmin_javascript_catalog"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    body = response.content.decode()
    catalogue = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", body, re.S).group(1))
    assert catalogue["Insert a block"] == "插入块"
    left = sorted(key for key in untranslated_by_wagtail("djangojs") if not catalogue.get(key))
    assert not left, left


@pytest.mark.django_db
def test_the_cms_menu_and_the_workflow_button_read_chinese(client, lesson):
    """Our pager's "Pages" (分页) once replaced Wagtail's menu item; the review workflow's name was English data."""
    from people.testing import make_user

    client.force_login(make_user("cms-admin", is_superuser=True, is_staff=True))
    editor = client.get(reverse("wagtailadmin_pages:edit", args=[lesson.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = editor.content.decode()
    props = re.search(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', html, re.S)
    menu = json.dumps(json.loads(props.group(1)), ensure_ascii=False)
    assert '"页面"' in menu
    assert "分页" not in menu
    assert "提交给课程审核" in html
    assert "Curriculum review" not in html
