"""The repair of text the old sanitiser stored escaped: the exact inverse of what it wrote, nothing more."""

import nh3
import pytest

from core.unescape import unescape_old_text


def old_sanitiser(value: str) -> str:
    """What plain text went through until issue #14 (core.sanitize.clean_text, now gone)."""
    return nh3.clean(value, tags=set(), attributes={}, strip_comments=True).strip()


@pytest.mark.parametrize(
    "typed",
    ["A > B & C", "张三 & 李四", "a<3", "R&D", "x\u00a0y", 'Tom & Jerry\'s "show"', "<>"],
)
def test_it_gives_back_what_was_typed_before_the_old_sanitiser(typed):
    stored = old_sanitiser(typed)
    assert stored != typed  # each of these was stored escaped
    assert unescape_old_text(stored) == typed


@pytest.mark.parametrize("value", ["", None, "R&D", "A < B", "Q&A;", "&copy", "&copy;", "&quot;", "&#38;", "张三"])
def test_text_without_its_entities_is_left_as_it_is(value):
    assert unescape_old_text(value) == value


def test_an_entity_typed_before_reads_as_its_character():
    """The old sanitiser decoded what it parsed: "&lt;" typed and "<" typed were both stored "&lt;"."""
    assert old_sanitiser("&lt;") == old_sanitiser("<") == "&lt;"
    assert unescape_old_text(old_sanitiser("&lt;")) == "<"


def test_one_pass_only():
    assert unescape_old_text("&amp;lt;") == "&lt;"
    assert unescape_old_text("A &gt; B &amp; C") == "A > B & C"
