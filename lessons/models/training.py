"""Teacher-training courses (师资培训): a page teachers read, with a short test from the question bank and the
hours (学时) a pass earns. Teachers' results are classroom.TrainingCompletion (the quiz engine's attempts belong
to students)."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import StreamField
from wagtail.models import Orderable

from ..blocks import LessonStreamBlock
from ..permissions import can_see_teacher_content
from .base import TEACHER_AUDIENCE, BasePage


class TrainingCoursePage(BasePage):
    """A training module for teachers: its body is read first, then its test; a pass earns `hours`."""

    summary = models.TextField(_("summary"), max_length=400, blank=True)
    hours = models.DecimalField(
        _("training hours (学时)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("2.0"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("40"))],
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=80, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    body = StreamField(LessonStreamBlock(), verbose_name=_("body"))

    # Teachers reach courses from their training page; the public menus are the students' curriculum.
    show_in_menus_default = False
    parent_page_types = ["lessons.CurriculumIndexPage"]
    subpage_types = []
    template = "lessons/training_course_page.html"

    content_panels = BasePage.content_panels + [
        FieldPanel("summary"),
        FieldPanel("hours"),
        FieldPanel("pass_mark"),
        FieldPanel("body"),
        InlinePanel("test_questions", label=_("test questions")),
    ]

    class Meta:
        verbose_name = _("teacher-training course")
        verbose_name_plural = _("teacher-training courses")

    def is_readable_by(self, user) -> bool:
        return can_see_teacher_content(user)

    def audience_for(self, request) -> str:
        return TEACHER_AUDIENCE

    def questions(self):
        return [item.question for item in self.test_questions.select_related("question").order_by("sort_order")]


class TrainingQuestion(Orderable):
    page = ParentalKey(TrainingCoursePage, on_delete=models.CASCADE, related_name="test_questions")
    question = models.ForeignKey(
        "quizzes.Question", on_delete=models.PROTECT, related_name="+", verbose_name=_("question")
    )

    panels = [FieldPanel("question")]

    class Meta(Orderable.Meta):
        verbose_name = _("test question")
        verbose_name_plural = _("test questions")
