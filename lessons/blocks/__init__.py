"""StreamField blocks of a lesson body. Each has an icon, a template under lessons/blocks/ and a preview."""

from .content import (
    DiscussionQuestionBlock,
    DownloadBlock,
    FactBlock,
    HeadingBlock,
    IllustrationBlock,
    ImageBlock,
    KeyFactsBlock,
    ParagraphBlock,
    QuizLinkBlock,
    ScenarioBlock,
    TeacherNoteBlock,
    VideoBlock,
)
from .stream import TEACHER_ONLY_TYPES, LessonStreamBlock, is_teacher_only

__all__ = [
    "DiscussionQuestionBlock",
    "DownloadBlock",
    "FactBlock",
    "HeadingBlock",
    "IllustrationBlock",
    "ImageBlock",
    "KeyFactsBlock",
    "LessonStreamBlock",
    "ParagraphBlock",
    "QuizLinkBlock",
    "ScenarioBlock",
    "TEACHER_ONLY_TYPES",
    "TeacherNoteBlock",
    "VideoBlock",
    "is_teacher_only",
]
