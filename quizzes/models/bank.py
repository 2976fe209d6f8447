"""The question bank: categories, questions and their options.

A question's options carry a weight in percent (GIFT's `%50%`): positive weights are correct or partly correct,
zero or negative ones wrong. Weights and feedback never leave the server before an attempt is submitted; the
paper a student sees is built by `quizzes.paper`, which reads only option ids and texts.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    RevisionMixin,
    TranslatableMixin,
    WorkflowMixin,
)
from wagtail.search import index

from people.grades import GRADE_BAND_CHOICES


class Category(models.Model):
    """A topic of the bank, such as 识毒, 防毒, 拒毒 or 禁毒法; draw rules pick questions by it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        ordering = ["name"]

    def __str__(self):
        return self.name


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")


class Scoring(models.TextChoices):
    ALL_OR_NOTHING = "all", _("All or nothing")
    PARTIAL = "partial", _("Partial credit by option weights")


class Dimension(models.TextChoices):
    KNOWLEDGE = "knowledge", _("Knowledge")
    ATTITUDE = "attitude", _("Attitude")


class TextFormat(models.TextChoices):
    PLAIN = "plain", _("Plain text")
    HTML = "html", _("HTML")
    MARKDOWN = "markdown", _("Markdown")


class QuestionTag(TaggedItemBase):
    content_object = ParentalKey("quizzes.Question", on_delete=models.CASCADE, related_name="tagged_items")


class Question(
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    TranslatableMixin,
    index.Indexed,
    ClusterableModel,
):
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="questions", verbose_name=_("category")
    )
    kind = models.CharField(_("type"), max_length=20, choices=QuestionKind.choices, default=QuestionKind.SINGLE)
    scoring = models.CharField(
        _("scoring of multiple choice"),
        max_length=10,
        choices=Scoring.choices,
        default=Scoring.ALL_OR_NOTHING,
        help_text=_("All or nothing: every correct option and no wrong one. Partial: the sum of the chosen weights."),
    )
    dimension = models.CharField(
        _("measures"),
        max_length=12,
        choices=Dimension.choices,
        default=Dimension.KNOWLEDGE,
        help_text=_("Attitude items are for surveys: their option weights score the wished-for answer."),
    )
    title = models.CharField(_("short title"), max_length=200, blank=True)
    text = models.TextField(_("question"))
    text_format = models.CharField(_("text format"), max_length=10, choices=TextFormat.choices, default="plain")
    explanation = models.TextField(_("explanation"), blank=True)
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (easy) to 5 (hard)."),
    )
    grade_bands = models.JSONField(_("grade bands"), default=list, blank=True)
    tags = ClusterTaggableManager(through=QuestionTag, blank=True, verbose_name=_("topic tags"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    search_fields = [
        index.SearchField("text"),
        index.SearchField("title"),
        index.FilterField("category"),
        index.FilterField("kind"),
        index.FilterField("live"),
        index.FilterField("locale"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [models.Index(fields=["category", "live", "difficulty"])]

    def __str__(self):
        text = self.title or self.text
        return text if len(text) <= 60 else text[:59] + "…"

    @property
    def grade_band_labels(self) -> list[str]:
        labels = dict(GRADE_BAND_CHOICES)
        return [str(labels.get(code, code)) for code in self.grade_bands]


class Option(Orderable):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="options", verbose_name=_("question"))
    text = models.CharField(_("option"), max_length=500)
    weight = models.SmallIntegerField(
        _("credit (%)"),
        default=0,
        validators=[MinValueValidator(-100), MaxValueValidator(100)],
        help_text=_("100 for a correct option, 0 for a wrong one; partial credit in between."),
    )
    feedback = models.CharField(_("feedback for this option"), max_length=500, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self):
        return self.text

    @property
    def is_correct(self) -> bool:
        return self.weight > 0
