"""Plain text and HTML from users (not CMS editors): plain text is stored as typed, HTML is cleaned where allowed.

Plain text (names, titles, comments, file names) is stored as typed, less control characters and edge
whitespace, and escaped once, at output, by Django's autoescape; exports write it raw. Running it through an HTML
sanitiser would store entities ("A > B" saved as "A &gt; B"), which the page then escapes a second time.

HTML is cleaned by nh3 (Rust's ammonia; bleach's maintainers declared it unmaintained in June 2026, security fixes
included) only for fields that allow it, and before validation, so "required" judges what will be saved. Everything
not on the allow-list goes: scripts, event handlers, style attributes, and any URL scheme other than http, https
and mailto (so `javascript:` links are dropped).
"""

import re
import unicodedata

import nh3
from django import forms
from django.core.exceptions import ValidationError
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "a", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# Direction overrides and isolates let a name display as something other than what it is ("evil\u202egpj.exe").
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Something a browser would read as a tag or comment: "<b>", "</p", "<!--", "<?xml"; "A < B" and "a<3" are text.
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!?]")
MARKUP_MESSAGE = _("A name cannot contain markup such as <b> or <script>. Type the name as plain text.")


def clean_html(value: str | None) -> str:
    if not value:
        return ""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def safe_html(value: str | None) -> SafeString:
    """HTML from outside, cleaned and ready for a template: the one place that marks such HTML safe."""
    return mark_safe(clean_html(value))  # noqa: S308  # nosec B308, B703  # nh3 has just cleaned it


def clean_plain(value: str | None, *, multiline: bool = False) -> str:
    """Plain text as typed: control and direction-override characters dropped, edge whitespace trimmed.

    Line breaks and tabs are kept only in multi-line fields (comments, notes); "<", ">" and "&" are kept as typed.
    """
    if not value:
        return ""
    kept = "\n\t" if multiline else ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        text = text.replace("\n", " ").replace("\t", " ")
    return "".join(
        char for char in text if char in kept or (unicodedata.category(char) != "Cc" and char not in _BIDI_CONTROLS)
    ).strip()


def has_markup(value: str | None) -> bool:
    return bool(value) and _MARKUP.search(value) is not None


def refuse_markup(value: str) -> None:
    """A validator for names: a tag in a name is a mistake or an attack, never part of the name."""
    if has_markup(value):
        raise ValidationError(MARKUP_MESSAGE, code="markup")


class PlainTextField(forms.CharField):
    """A form field for plain text: cleaned before validation, so "required" sees what will be saved."""

    def __init__(self, *, multiline: bool = False, **kwargs):
        self.multiline = multiline
        super().__init__(**kwargs)

    def to_python(self, value):
        return clean_plain(super().to_python(value), multiline=self.multiline)


class NameField(PlainTextField):
    """A person's name: plain text that refuses markup with a clear message instead of saving it empty."""

    default_validators = [refuse_markup]


class HtmlField(forms.CharField):
    """A form field for HTML: nh3 runs before validation, so markup that is all script counts as empty."""

    def to_python(self, value):
        return clean_html(super().to_python(value))
