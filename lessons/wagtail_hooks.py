from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .page_cache import note_served_page
from .viewsets import ParentLetterViewSet

register_snippet(ParentLetterViewSet)
hooks.register("before_serve_page", note_served_page)
