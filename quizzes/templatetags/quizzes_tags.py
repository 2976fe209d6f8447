from django import template
from django.template.defaultfilters import linebreaks_filter

from core.sanitize import safe_html

register = template.Library()


@register.filter
def question_html(text: str, text_format: str = "plain"):
    """Question text as safe HTML: HTML imported from GIFT goes through the sanitiser, the rest is escaped."""
    if text_format == "html":
        return safe_html(text)
    return linebreaks_filter(text, autoescape=True)
