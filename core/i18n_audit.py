"""Find every translatable string of the project, without GNU gettext.

Templates go through Django's own `templatize` (what makemessages feeds to xgettext), and Python source
through Babel's extractor, with the gettext keywords Django uses.
"""

from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

from babel.messages.extract import extract
from babel.messages.pofile import read_po
from django.utils.translation.template import templatize

KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
SKIP_DIRS = {".venv", "node_modules", "migrations", "tests", "staticfiles", "media", "bench", "__pycache__", ".git"}
APP_DIRS = ["config", "core", "people", "lessons", "quizzes", "classroom", "plans", "site"]


def _files(root: Path, suffix: str) -> Iterator[Path]:
    for top in APP_DIRS:
        for path in (root / top).rglob(f"*{suffix}"):
            if not SKIP_DIRS.intersection(path.relative_to(root).parts):
                yield path


def _messages(code: str, where: str) -> Iterator[tuple[str, str]]:
    """Each msgid in the code; a pgettext string as "context\x04msgid", the key gettext itself looks it up by."""
    for _lineno, messages, _comments, context in extract(
        "python", BytesIO(code.encode()), KEYWORDS, strip_comment_tags=True
    ):
        for message in messages if isinstance(messages, tuple) else (messages,):
            if message:
                yield (f"{context}\x04{message}" if context else message), where


def project_messages(root: Path) -> dict[str, str]:
    """Return {msgid: first place it is used}."""
    found: dict[str, str] = {}
    for path in _files(root, ".py"):
        for message, where in _messages(path.read_text("utf-8"), str(path.relative_to(root))):
            found.setdefault(message, where)
    for path in _files(root, ".html"):
        code = templatize(path.read_text("utf-8"), origin=str(path))
        for message, where in _messages(code, str(path.relative_to(root))):
            found.setdefault(message, where)
    for path in _files(root, ".txt"):
        if "templates" in path.parts:
            code = templatize(path.read_text("utf-8"), origin=str(path))
            for message, where in _messages(code, str(path.relative_to(root))):
                found.setdefault(message, where)
    return found


def translated_messages(po_path: Path) -> set[str]:
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    done = set()
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if all(strings):
            done.update(f"{message.context}\x04{msgid}" if message.context else msgid for msgid in ids)
    return done
