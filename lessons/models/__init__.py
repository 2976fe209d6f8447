from .base import STUDENT_AUDIENCE, TEACHER_AUDIENCE, BasePage
from .index import CurriculumIndexPage
from .lesson import LessonPage, LessonPageTag
from .letters import ParentLetter
from .module import ModulePage
from .training import TrainingCoursePage, TrainingQuestion

__all__ = [
    "STUDENT_AUDIENCE",
    "TEACHER_AUDIENCE",
    "BasePage",
    "CurriculumIndexPage",
    "LessonPage",
    "LessonPageTag",
    "ModulePage",
    "ParentLetter",
    "TrainingCoursePage",
    "TrainingQuestion",
]
