from wagtail.snippets.models import register_snippet

from .viewsets import ParentLetterViewSet

register_snippet(ParentLetterViewSet)
