from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.search import index

from people.grades import GradeBand

from .. import render_cache
from ..activities import ActivityType, Goal
from ..blocks import LessonStreamBlock, is_teacher_only
from ..fields import ChoiceListField
from ..reading import ReadingTime, explain, lesson_reading_time
from ..segment import segment
from ..text import body_text
from .base import STUDENT_AUDIENCE, BasePage


class LessonPageTag(TaggedItemBase):
    """Topic tags of a lesson: drug names (冰毒, 笑气) and themes (网络安全, 求助)."""

    content_object = ParentalKey("lessons.LessonPage", related_name="tagged_items", on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("lesson tag")
        verbose_name_plural = _("lesson tags")


class LessonPage(BasePage):
    """One lesson of a module. classroom and plans read class_hours, estimated_minutes, grade_bands and goals."""

    summary = models.TextField(_("summary"), max_length=400)
    grade_bands = ChoiceListField(_("grade bands"), choices=GradeBand.choices, blank=False)
    class_hours = models.DecimalField(
        _("class hours"),
        max_digits=3,
        decimal_places=1,
        default=Decimal("1.0"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("9.5"))],
        help_text=_("课时 this lesson counts for, e.g. 1 or 0.5."),
    )
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"),
        default=40,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
        help_text=_(
            "The length of the class when a teacher delivers it. Self-study time is computed from the text and "
            "videos instead."
        ),
    )
    goals = ChoiceListField(_("goals"), choices=Goal.choices, blank=False)
    activity_type = models.CharField(
        _("五个一 activity it can serve"), max_length=20, choices=ActivityType.choices, blank=True
    )
    tags = ClusterTaggableManager(_("topic tags"), through=LessonPageTag, blank=True)
    quiz = models.ForeignKey(
        "quizzes.Quiz",
        verbose_name=_("quiz"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The quiz students take after this lesson."),
    )
    body = StreamField(LessonStreamBlock(), verbose_name=_("body"))
    # Jieba-segmented words of everything a student may read; filled on save, indexed for search.
    search_text = models.TextField(editable=False, blank=True, default="")

    parent_page_types = ["lessons.ModulePage"]
    subpage_types: list[str] = []
    template = "lessons/lesson_page.html"

    content_panels = BasePage.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("grade_bands"),
                FieldRowPanel([FieldPanel("class_hours"), FieldPanel("estimated_minutes")]),
                FieldPanel("goals"),
                FieldPanel("activity_type"),
                FieldPanel("tags"),
                FieldPanel("quiz"),
            ],
            heading=_("Teaching facts"),
        ),
        FieldPanel("body"),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("search_text"),
        index.FilterField("grade_bands"),
    ]

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            self.search_text = self.build_search_text()
            if update_fields is not None:
                kwargs["update_fields"] = [*update_fields, "search_text"]
        return super().save(*args, **kwargs)

    def build_search_text(self) -> str:
        tag_names = [tag.name for tag in self.tags.all()]
        raw = self.body.raw_data if self.body else []
        return segment("\n".join([self.title, self.summary, " ".join(tag_names), body_text(raw)]))

    @cached_property
    def module(self):
        """The module this lesson sits in. Wagtail's walk (`Page.route`) hands each page the parent it came
        through, so a routed lesson gets its module without a query."""
        parent = self.get_parent()
        return parent.specific if parent is not None else None

    def module_stamp(self) -> tuple:
        """(title, pk) of the module as the breadcrumb shows it: part of the render cache's key."""
        module = self.module
        return (module.title, module.pk) if module else ("", None)

    def quiz_stamp(self) -> str:
        """The quiz's title as the article shows it: part of the render cache's key."""
        return self.quiz.title if self.quiz_id and self.quiz else ""

    def is_open_to_public(self) -> bool:
        return bool(self.module and self.module.is_public)

    @cached_property
    def reading_time(self) -> ReadingTime:
        """Self-study time from the text a student reads and the videos' running time (lessons/reading.py)."""
        return lesson_reading_time(self)

    def reading_explanation(self) -> str:
        return explain(self.reading_time)

    def goal_labels(self) -> list[str]:
        return [str(Goal(code).label) for code in self.goals if code in Goal.values]

    def grade_band_labels(self) -> list[str]:
        return [str(GradeBand(code).label) for code in self.grade_bands if code in GradeBand.values]

    def get_quiz(self):
        return self.quiz

    def blocks_for_audience(self, audience: str) -> list:
        """The body's blocks a reader of this audience may receive; teacher-only ones are dropped here."""
        if audience != STUDENT_AUDIENCE:
            return list(self.body)
        keep = [index for index, raw in enumerate(self.body.raw_data) if not is_teacher_only(raw["type"], raw["value"])]
        # Judged on the raw JSON, so the decision does not depend on how blocks convert (a missing document).
        return [self.body[index] for index in keep]

    def teacher_blocks(self) -> list:
        return [block for block in self.body if is_teacher_only(block.block_type, block.value)]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        audience = context["audience"]

        def article_context():
            # Only what the article shows: the lesson, this audience's blocks, the module and the quiz.
            return {
                "page": self,
                "self": self,
                "request": request,
                "audience": audience,
                "show_teacher_content": context["show_teacher_content"],
                "blocks": self.blocks_for_audience(audience),
                "module": self.module,
                "quiz": self.quiz,
            }

        context["lesson_article"] = render_cache.article(self, audience, request, article_context)
        return context
