from django.db import models
from django.utils.translation import gettext_lazy as _


class QuizKind(models.TextChoices):
    LESSON_CHECK = "lesson_check", _("Lesson check")
    TERM_TEST = "term_test", _("Term test")
    CONTEST = "contest", _("Knowledge contest")
    SURVEY = "survey", _("Pre/post survey")


class Quiz(models.Model):
    """A quiz students take. The quiz engine (question selection, attempts, grading) builds on this row."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=QuizKind.choices, default=QuizKind.LESSON_CHECK)

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def __str__(self):
        return self.title
