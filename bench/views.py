"""The baseline of the lesson-page benchmark: a plain, uncached Wagtail page of the same blocks.

It does what a stock Wagtail page does on every request (load the page, take its specific instance, render
every StreamField block through the template) with none of Qingdun's per-reader work (audience, teacher-only
filtering, module lookup, quiz link), so the lesson page's figure can be read against it.
"""

from django.http import Http404
from django.template.response import TemplateResponse
from wagtail.models import Page


def baseline(request, pk: int):
    page = Page.objects.live().filter(pk=pk).first()
    if page is None:
        raise Http404
    page = page.specific
    return TemplateResponse(request, "bench/baseline.html", {"page": page, "self": page})
