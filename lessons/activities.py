"""Curriculum vocabularies other apps share: lesson goals and the 五个一 activities.

classroom and plans import these (they may import lessons); lessons never imports them back. Grade bands are
people's (`people.grades.GradeBand`): a class and a lesson name a band with the same code.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Goal(models.TextChoices):
    KNOW = "know", _("Know drugs")
    PREVENT = "prevent", _("Guard against drugs")
    REFUSE = "refuse", _("Refuse drugs")
    LAW = "law", _("Drug law")
    HEALTH = "health", _("Health")
    SKILLS = "skills", _("Refusal skills")


class ActivityType(models.TextChoices):
    """The national 五个一 list of 2021 (禁毒办通〔2021〕36号), the default activity set of a plan."""

    EXHIBITION = "exhibition", _("Exhibition visit")
    CLASS_MEETING = "class_meeting", _("Theme class meeting")
    QUIZ = "quiz", _("Knowledge quiz")
    WORKS = "works", _("Works collection")
    FILM = "film", _("Film or performance")
