"""Our catalogue wins over Django's and Wagtail's (LOCALE_PATHS comes first), so a msgid we share with them must
carry their translation, or a context of ours: otherwise our word replaces theirs on their screens (our pager's
"Pages" made Wagtail's menu say 分页)."""

from pathlib import Path

import django
import pytest
import wagtail
from babel.messages.pofile import read_po
from django.conf import settings

LANGUAGE = "zh_Hans"


def _catalogue(path: Path) -> dict[str, str]:
    """{msgid: translation} for the entries without a context that are translated (plural forms by their first)."""
    with path.open("rb") as file:
        catalogue = read_po(file)
    entries = {}
    for message in catalogue:
        if not message.id or message.context or message.fuzzy:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        string = message.string[0] if isinstance(message.string, tuple) else message.string
        if string:
            entries[msgid] = string
    return entries


def _framework_catalogues(domain: str = "django") -> list[Path]:
    roots = [Path(django.__file__).parent, Path(wagtail.__file__).parent]
    return sorted(path for root in roots for path in root.glob(f"**/locale/{LANGUAGE}/LC_MESSAGES/{domain}.po"))


def collisions(domain: str = "django") -> list[tuple[str, str, str]]:
    """(msgid, ours, theirs) for each shared msgid whose translation is none of the frameworks' own.

    Where Django's and Wagtail's catalogues already disagree among themselves ("Add": 增加 or 新增), adopting one
    of their words is as good as leaving the msgid to them; any other word of ours needs a context.
    """
    path = Path(settings.BASE_DIR) / "locale" / LANGUAGE / "LC_MESSAGES" / f"{domain}.po"
    ours = _catalogue(path) if path.exists() else {}
    theirs: dict[str, set[str]] = {}
    for path in _framework_catalogues(domain):
        for msgid, string in _catalogue(path).items():
            if msgid in ours:
                theirs.setdefault(msgid, set()).add(string)
    return sorted(
        (msgid, ours[msgid], " / ".join(sorted(words))) for msgid, words in theirs.items() if ours[msgid] not in words
    )


def test_framework_catalogues_are_found():
    paths = {str(path) for path in _framework_catalogues()}
    assert any("/django/conf/locale/" in path for path in paths)
    assert any("/wagtail/admin/locale/" in path for path in paths)


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_no_project_msgid_overrides_a_framework_translation(domain):
    """djangojs: Wagtail's admin scripts read our JavaScript catalogue too (core/wagtail_strings.js)."""
    clashes = collisions(domain)
    assert not clashes, "Give these a pgettext context or adopt the framework's word:\n" + "\n".join(
        f"  {msgid!r}: ours {ours!r}, theirs {theirs!r}" for msgid, ours, theirs in clashes
    )
