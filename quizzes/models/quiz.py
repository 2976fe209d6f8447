"""Quizzes: their settings, a fixed list of questions and/or draw rules."""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import DraftStateMixin, LockableMixin, Orderable, RevisionMixin, WorkflowMixin
from wagtail.search import index

from .bank import Category, Question, QuestionKind


class QuizKind(models.TextChoices):
    LESSON_CHECK = "lesson_check", _("Lesson check")
    TERM_TEST = "term_test", _("Term test")
    CONTEST = "contest", _("Knowledge contest")
    SURVEY = "survey", _("Pre/post survey")


class Counting(models.TextChoices):
    BEST = "best", _("Best attempt")
    LAST = "last", _("Last attempt")


class ShowAnswers(models.TextChoices):
    AFTER_SUBMIT = "after_submit", _("After submitting")
    AFTER_CLOSE = "after_close", _("After the quiz closes")
    NEVER = "never", _("Never")


class SurveyPhase(models.TextChoices):
    NONE = "", _("Not a survey")
    PRE = "pre", _("Pre-survey (before the lessons)")
    POST = "post", _("Post-survey (after the lessons)")


class Quiz(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, index.Indexed, ClusterableModel):
    """A quiz students take. Questions come from the fixed list, then from the draw rules, in that order."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=QuizKind.choices, default=QuizKind.LESSON_CHECK)
    intro = models.TextField(_("introduction"), blank=True)
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), null=True, blank=True, help_text=_("Empty for no limit.")
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=1, help_text=_("0 for unlimited attempts.")
    )
    counting = models.CharField(_("attempt that counts"), max_length=10, choices=Counting.choices, default="best")
    pass_percent = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=60, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    show_answers = models.CharField(
        _("students see the correct answers"),
        max_length=20,
        choices=ShowAnswers.choices,
        default=ShowAnswers.AFTER_SUBMIT,
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    # Graded quizzes shuffle options whatever this says (quizzes.paper): a fixed order would tell where the answer is.
    shuffle_options = models.BooleanField(
        _("shuffle options"),
        default=True,
        help_text=_(
            "Applies to surveys only: a graded quiz always shuffles the options of its choice questions, so that "
            "their place says nothing about the answer. True/false keeps its order in both."
        ),
    )
    open_to_all_students = models.BooleanField(
        _("open to every student"),
        default=False,
        help_text=_("For district-wide contests and surveys. Otherwise a teacher assigns the quiz to classes."),
    )
    survey_phase = models.CharField(_("survey phase"), max_length=4, choices=SurveyPhase.choices, blank=True)
    pre_survey = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="post_surveys",
        verbose_name=_("pre-survey this post-survey is compared with"),
        limit_choices_to={"kind": QuizKind.SURVEY, "survey_phase": SurveyPhase.PRE},
    )

    search_fields = [index.SearchField("title"), index.FilterField("kind"), index.FilterField("live")]

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def __str__(self):
        return self.title

    @property
    def is_survey(self) -> bool:
        return self.kind == QuizKind.SURVEY

    def is_open(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        if not self.live:
            return False
        if self.opens_at and now < self.opens_at:
            return False
        return not (self.closes_at and now >= self.closes_at)

    def is_closed(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return bool(self.closes_at and now >= self.closes_at)

    def deadline_for(self, started_at: datetime.datetime, extra_minutes: int = 0) -> datetime.datetime | None:
        """When an attempt started now must be in: the time limit (with a student's extra minutes, quizzes.
        allowances), but never after the quiz closes. Extra minutes lengthen a time limit only: an untimed quiz
        stays untimed, and the closing time is the same for everyone."""
        ends = [self.closes_at] if self.closes_at else []
        if self.time_limit_minutes:
            ends.append(started_at + datetime.timedelta(minutes=self.time_limit_minutes + max(0, extra_minutes)))
        return min(ends) if ends else None


class QuizQuestion(Orderable):
    """A question every paper of the quiz contains."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="fixed_questions", verbose_name=_("quiz"))
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+", verbose_name=_("question"))
    points = models.PositiveSmallIntegerField(_("points"), default=1)

    class Meta(Orderable.Meta):
        verbose_name = _("fixed question")
        verbose_name_plural = _("fixed questions")

    def __str__(self):
        return str(self.question)


class DrawRule(Orderable):
    """Draw `count` live questions at random, e.g. 6 from 识毒 with difficulty at most 2."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="draw_rules", verbose_name=_("quiz"))
    count = models.PositiveSmallIntegerField(_("number of questions"), validators=[MinValueValidator(1)])
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("category")
    )
    kind = models.CharField(_("question type"), max_length=20, choices=QuestionKind.choices, blank=True)
    min_difficulty = models.PositiveSmallIntegerField(
        _("difficulty at least"), default=1, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    max_difficulty = models.PositiveSmallIntegerField(
        _("difficulty at most"), default=5, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    tag = models.CharField(_("with tag"), max_length=100, blank=True)
    points_each = models.PositiveSmallIntegerField(_("points each"), default=1)

    class Meta(Orderable.Meta):
        verbose_name = _("draw rule")
        verbose_name_plural = _("draw rules")

    def __str__(self):
        return _("%(count)s from %(category)s, difficulty %(low)s–%(high)s") % {
            "count": self.count,
            "category": self.category or _("any category"),
            "low": self.min_difficulty,
            "high": self.max_difficulty,
        }
