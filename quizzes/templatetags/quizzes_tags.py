from django import template
from django.utils.html import escape, linebreaks
from django.utils.safestring import mark_safe

from core.sanitize import clean_html

register = template.Library()


@register.filter
def question_html(text: str, text_format: str = "plain"):
    """Question text as safe HTML: HTML imported from GIFT goes through the sanitiser, the rest is escaped."""
    if text_format == "html":
        return mark_safe(clean_html(text))  # noqa: S308 (sanitised just above)
    return mark_safe(linebreaks(escape(text)))  # noqa: S308 (escaped just above)


@register.filter
def contains(collection, item) -> bool:
    return item in (collection or ())
