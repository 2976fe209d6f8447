"""Letters to parents in the Wagtail admin, next to the curriculum their editors already write."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import ParentLetter


class ParentLetterViewSet(SnippetViewSet):
    model = ParentLetter
    icon = "mail"
    menu_label = _("Letters to parents")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["title", "locale", "live"]
    search_fields = ["title"]
    panels = [FieldPanel("title"), FieldPanel("body"), FieldPanel("activity_intro"), FieldPanel("questions")]
