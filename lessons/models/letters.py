"""告家长书: a letter to parents, written in the CMS, which classroom sends to classes with a link per student.

A snippet, not a page: it is never served at a URL of its own, only through a parent's link (classroom.letters),
which shows it with no child data beyond a first name and a class. Translatable, so a parent can read the English
version; drafts and revisions as for quizzes, and only a live letter can be sent.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.fields import RichTextField, StreamField
from wagtail.models import DraftStateMixin, RevisionMixin, TranslatableMixin

from ..blocks.content import RICH_TEXT_FEATURES


class ParentLetter(TranslatableMixin, DraftStateMixin, RevisionMixin, models.Model):
    title = models.CharField(_("title"), max_length=120)
    body = RichTextField(_("letter"), features=RICH_TEXT_FEATURES)
    activity_intro = models.TextField(
        _("home activity"),
        blank=True,
        help_text=_("What the family does together after reading, e.g. a ten-minute talk at dinner."),
    )
    questions = StreamField(
        [("question", blocks.CharBlock(label=_("Question"), max_length=200))],
        verbose_name=_("home activity questions"),
        blank=True,
        help_text=_("Each question gets a short written answer from the parent; the answers are kept."),
    )

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("letter to parents")
        verbose_name_plural = _("letters to parents")

    def __str__(self):
        return self.title

    @property
    def question_texts(self) -> list[str]:
        return [block.value for block in self.questions if block.block_type == "question"]
