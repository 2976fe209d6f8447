"""Plain text of a lesson body, read from the StreamField's raw JSON (no database queries).

Used for the search index and for search snippets. Teacher-only blocks are skipped unless asked for, so
their words never reach the index a student's search runs against.
"""

import html

from django.utils.html import strip_tags

from .blocks import is_teacher_only


def _html_text(value: str) -> str:
    return html.unescape(strip_tags(value or ""))


def _strings(value) -> list[str]:
    """Every human-written string inside a raw block value; ids and flags are skipped."""
    if isinstance(value, str):
        return [_html_text(value)] if not value.isdigit() else []
    if isinstance(value, dict):
        if "value" in value and "type" in value:  # a ListBlock item in its raw form
            return _strings(value["value"])
        out = []
        for key, item in value.items():
            if key in {"document", "image", "file", "quiz", "level", "kind", "audience", "is_good", "id", "embed"}:
                continue
            out.extend(_strings(item))
        return out
    if isinstance(value, list):
        out = []
        for item in value:
            out.extend(_strings(item))
        return out
    return []


def body_text(raw_blocks, include_teacher_only: bool = False) -> str:
    parts = []
    for block in raw_blocks or []:
        block_type, value = block.get("type"), block.get("value")
        if not include_teacher_only and is_teacher_only(block_type, value):
            continue
        parts.extend(text for text in _strings(value) if text.strip())
    return "\n".join(parts)
