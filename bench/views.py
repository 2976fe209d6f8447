"""The baseline of the lesson-page benchmark: a plain, uncached Wagtail page of the same blocks, found the way
Wagtail finds every page it serves.

It does what stock Wagtail does for a page request (`wagtail.views.serve`: the site for the request, the page
routed from the site's root one path segment at a time, the `before_serve_page` hooks such as view
restrictions) and then renders every StreamField block through a plain template, with none of Qingdun's
per-reader work (audience, teacher-only filtering, the reading clock, the quiz link) and none of its caches.
Only Wagtail's public APIs are used. (Until issue #14 the baseline loaded the page by its id, which no Wagtail
page request does; a stock page pays for routing as the lesson page does.)
"""

from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from wagtail import hooks
from wagtail.models import Site


def baseline(request, path: str):
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    components = [component for component in path.split("/") if component]
    page, args, kwargs = site.root_page.localized.specific.route(request, components)
    for hook in hooks.get_hooks("before_serve_page"):
        result = hook(page, request, args, kwargs)
        if isinstance(result, HttpResponse):
            return result
    return TemplateResponse(request, "bench/baseline.html", {"page": page, "self": page})
