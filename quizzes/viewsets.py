"""The question bank and quizzes in the Wagtail admin: snippets with drafts, revisions, locking and the review
workflow (assigned in migration 0003)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .forms import QuestionAdminForm
from .models import Category, Question, Quiz


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "folder-open-inverse"
    menu_label = _("Categories")
    list_display = ["name", "description"]
    search_fields = ["name"]
    panels = [FieldPanel("name"), FieldPanel("description")]


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Questions")
    list_display = ["__str__", "category", "kind", "difficulty"]
    list_filter = ["category", "kind", "difficulty", "live", "dimension"]
    list_per_page = 50
    edit_handler = ObjectList(
        [
            FieldPanel("category"),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("scoring"), FieldPanel("dimension")]),
            FieldPanel("title"),
            FieldPanel("text"),
            FieldPanel("text_format"),
            InlinePanel("options", label=_("Options"), min_num=2, max_num=8),
            FieldPanel("explanation"),
            FieldRowPanel([FieldPanel("difficulty"), FieldPanel("grade_bands")]),
            FieldPanel("tags"),
        ],
        base_form_class=QuestionAdminForm,
    )


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "tasks"
    menu_label = _("Quizzes")
    list_display = ["title", "kind", "opens_at", "closes_at"]
    list_filter = ["kind", "live"]
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("title"),
                    FieldPanel("kind"),
                    FieldPanel("intro"),
                    InlinePanel("fixed_questions", label=_("Fixed questions")),
                    InlinePanel("draw_rules", label=_("Draw rules")),
                ],
                heading=_("Questions"),
            ),
            ObjectList(
                [
                    FieldRowPanel([FieldPanel("time_limit_minutes"), FieldPanel("pass_percent")]),
                    FieldRowPanel([FieldPanel("attempts_allowed"), FieldPanel("counting")]),
                    FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                    FieldPanel("show_answers"),
                    FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_options")]),
                    FieldPanel("open_to_all_students"),
                    MultiFieldPanel([FieldPanel("survey_phase"), FieldPanel("pre_survey")], heading=_("Survey")),
                ],
                heading=_("Settings"),
            ),
        ]
    )


class QuestionBankGroup(SnippetViewSetGroup):
    items = (QuestionViewSet, QuizViewSet, CategoryViewSet)
    menu_icon = "help"
    menu_label = _("Question bank")
    menu_name = "question-bank"
