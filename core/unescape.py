"""Undo what the old sanitiser wrote into plain-text fields, for the data migrations that repair them (issue #14).

Until plain text was stored as typed (core.sanitize.clean_plain), names, titles and notes went through nh3 with no
tag allowed, which stored them escaped: "A > B & C" became "A &gt; B &amp; C", and the page escaped it again. nh3
writes exactly four entities into text (&amp; &lt; &gt; &nbsp;), so replacing those four, in one pass, is its
inverse ("&amp;lt;" becomes "&lt;", not "<"). html.unescape would also turn "&copy" (no semicolon) or "&quot;"
into characters nobody escaped.

What this cannot tell apart: nh3 decoded entities it read, so an entity typed before the change ("&lt;") was stored
as the character's escape and now reads as the character ("<"); and text typed after the change that holds one of
the four entities ("&amp;" typed literally into a name) loses it once. Nobody types entities into a student's name
or an activity title, and the text stays readable either way, so this is accepted. A value with none of the four
entities is left exactly as it is, so text stored as typed since the change is untouched.

Migrations call this module rather than a copy of it: the rule is the old sanitiser's inverse, which never changes.
"""

import re

from django.db.models import Q

_ENTITY = re.compile(r"&(amp|lt|gt|nbsp);")
_CHARACTERS = {"amp": "&", "lt": "<", "gt": ">", "nbsp": "\u00a0"}
BATCH = 500


def unescape_old_text(value: str | None) -> str | None:
    """The text as typed, from the text the old sanitiser stored; text with none of its entities comes back as it is."""
    if not value or "&" not in value:
        return value
    return _ENTITY.sub(lambda match: _CHARACTERS[match.group(1)], value)


def unescape_fields(apps, app_label: str, fields: dict[str, list[str]]) -> int:
    """Unescape the named text fields of each model ({"Activity": ["title"]}) where one holds an entity.

    Writes through bulk_update, so no model's save() (nor the ledger's append-only guard, nor a timestamp) runs:
    the rows keep what they said, only its spelling changes. Returns the number of rows changed.
    """
    changed_rows = 0
    for model_name, names in fields.items():
        model = apps.get_model(app_label, model_name)
        has_entity = Q()
        for name in names:
            has_entity |= Q(**{f"{name}__contains": "&"})
        pending = []
        for row in model._base_manager.filter(has_entity).only("pk", *names).iterator(chunk_size=2000):
            changed = False
            for name in names:
                old = getattr(row, name)
                new = unescape_old_text(old)
                if new != old:
                    setattr(row, name, new)
                    changed = True
            if changed:
                pending.append(row)
            if len(pending) >= BATCH:
                model._base_manager.bulk_update(pending, names)
                changed_rows += len(pending)
                pending = []
        if pending:
            model._base_manager.bulk_update(pending, names)
            changed_rows += len(pending)
    return changed_rows
