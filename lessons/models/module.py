from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.search import index

from people.grades import GradeBand, grade_label

from .base import BasePage


class ModulePage(BasePage):
    """A module (专题) for one grade band, with objectives; its lessons are its children."""

    grade_band = models.CharField(_("grade band"), max_length=20, choices=GradeBand.choices)
    grade = models.PositiveSmallIntegerField(
        _("grade"),
        null=True,
        blank=True,
        choices=[(number, grade_label(number)) for number in range(5, 13)],
        help_text=_("The grade the module is written for; leave empty for a module that serves the whole band."),
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=10, help_text=_("Modules are listed from the smallest number.")
    )
    summary = models.TextField(_("summary"), max_length=400, blank=True)
    objectives = RichTextField(_("objectives"), features=["bold", "ol", "ul"])
    is_public = models.BooleanField(
        _("open to the public web"),
        default=False,
        help_text=_("When ticked, visitors who are not signed in may read this module's lessons."),
    )

    parent_page_types = ["lessons.CurriculumIndexPage"]
    subpage_types = ["lessons.LessonPage"]
    template = "lessons/module_page.html"

    content_panels = BasePage.content_panels + [
        MultiFieldPanel(
            [FieldPanel("grade_band"), FieldPanel("grade"), FieldPanel("order")], heading=_("Place in the curriculum")
        ),
        FieldPanel("summary"),
        FieldPanel("objectives"),
    ]
    settings_panels = BasePage.settings_panels + [FieldPanel("is_public")]
    search_fields = BasePage.search_fields + [
        index.FilterField("is_public"),
        index.FilterField("grade_band"),
        index.FilterField("grade"),
    ]

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def is_open_to_public(self) -> bool:
        return self.is_public

    def lessons_for(self, user):
        from .lesson import LessonPage

        return LessonPage.objects.child_of(self).live().order_by("path")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["lessons"] = self.lessons_for(request.user)
        return context
