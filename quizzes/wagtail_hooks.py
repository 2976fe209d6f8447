from wagtail.snippets.models import register_snippet

from .viewsets import QuestionBankGroup

register_snippet(QuestionBankGroup)
