from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from .content import (
    DiscussionQuestionBlock,
    DownloadAudience,
    DownloadBlock,
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

# Block types whose content is for teachers. A download is teacher-only when its audience says so.
TEACHER_ONLY_TYPES = frozenset({"teacher_note"})


def is_teacher_only(block_type: str, value) -> bool:
    """Judge one block from its raw JSON value or its Python value (both are mappings)."""
    if block_type in TEACHER_ONLY_TYPES:
        return True
    if block_type == "download":
        return (value or {}).get("audience", DownloadAudience.TEACHERS) != DownloadAudience.EVERYONE
    return False


class LessonStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = ImageBlock()
    illustration = IllustrationBlock()
    video = VideoBlock()
    key_facts = KeyFactsBlock()
    discussion = DiscussionQuestionBlock()
    scenario = ScenarioBlock()
    download = DownloadBlock()
    quiz_link = QuizLinkBlock()
    teacher_note = TeacherNoteBlock()

    class Meta:
        label = _("Lesson body")
