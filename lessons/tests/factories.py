"""Builders for curriculum tests: real pages in the real test database."""

import io

from django.core.files.base import ContentFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale

from lessons.models import CurriculumIndexPage, LessonPage, ModulePage

TEACHER_SECRET = "教学提示：本课不要描述任何吸食方式TEACHERONLY"
TEACHER_FILE_TITLE = "仅教师教案TEACHERFILE"
STUDENT_SENTENCE = "同学们在聚会上遇到有人递来冰毒时，要坚决拒绝并及时告诉老师。"


def chinese_index() -> CurriculumIndexPage:
    return CurriculumIndexPage.objects.get(locale=Locale.get_default())


def make_module(index=None, slug="junior", is_public=False, live=True, **extra) -> ModulePage:
    index = index or chinese_index()
    module = ModulePage(
        title=extra.pop("title", "拒绝诱惑 守护成长"),
        slug=slug,
        grade_band=extra.pop("grade_band", "junior"),
        objectives="<ul><li>理解成瘾。</li></ul>",
        is_public=is_public,
        live=live,
        **extra,
    )
    index.add_child(instance=module)
    if live:
        module.save_revision().publish()
    return module


def make_document(title="讲义", content=b"handout"):
    Document = get_document_model()
    document = Document(title=title)
    document.file = ContentFile(content, name="file.docx")
    document._set_document_file_metadata()
    document.save()
    return document


def make_image(title="示意图"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (16, 12), "#1f6f5c").save(buffer, "PNG")
    image = get_image_model()(title=title, file=ContentFile(buffer.getvalue(), name="diagram.png"))
    image._set_image_file_metadata() if hasattr(image, "_set_image_file_metadata") else None
    image.save()
    return image


def standard_body(teacher_doc=None, public_doc=None) -> list[dict]:
    teacher_doc = teacher_doc or make_document(TEACHER_FILE_TITLE, b"teacher plan")
    body = [
        {"type": "heading", "value": {"text": "认识新型毒品", "level": "h2"}},
        {"type": "paragraph", "value": f"<p>{STUDENT_SENTENCE}</p>"},
        {"type": "teacher_note", "value": {"title": "教学提示", "body": f"<p>{TEACHER_SECRET}</p>"}},
        {
            "type": "download",
            "value": {
                "document": teacher_doc.pk,
                "kind": "lesson_plan",
                "title": TEACHER_FILE_TITLE,
                "audience": "teachers",
            },
        },
    ]
    if public_doc is not None:
        body.append(
            {
                "type": "download",
                "value": {"document": public_doc.pk, "kind": "handout", "title": "学生讲义", "audience": "everyone"},
            }
        )
    return body


def pad_to_reading_minutes(body: list[dict], minutes: int, grade_bands, title: str) -> list[dict]:
    """The body with filler text appended so the lesson's self-study time is exactly `minutes` (lessons/reading.py)."""
    from lessons.reading import CHINESE_PER_MINUTE, band_of, measure

    wanted = minutes * CHINESE_PER_MINUTE[band_of(grade_bands)]
    missing = wanted - measure(body, grade_bands, title=title).characters
    if missing < 0:
        raise ValueError("the body is already longer than that")
    return [*body, {"type": "paragraph", "value": "<p>" + "读" * missing + "</p>"}]


def make_lesson(module, slug="lesson", body=None, live=True, tags=(), reading_minutes=None, **extra) -> LessonPage:
    """A lesson page; `reading_minutes` pads its text so its self-study time is exactly that many minutes."""
    title = extra.pop("title", "拒绝的技巧")
    grade_bands = extra.pop("grade_bands", ["junior"])
    body = body if body is not None else standard_body()
    if reading_minutes is not None:
        body = pad_to_reading_minutes(body, reading_minutes, grade_bands, title)
    lesson = LessonPage(
        title=title,
        slug=slug,
        summary=extra.pop("summary", "练习拒绝的方法。"),
        grade_bands=grade_bands,
        goals=extra.pop("goals", ["refuse", "skills"]),
        body=body,
        live=live,
        **extra,
    )
    module.add_child(instance=lesson)
    if tags:
        lesson.tags.set(list(tags))
    revision = lesson.save_revision()
    if live:
        revision.publish()
    lesson.refresh_from_db()
    return lesson
