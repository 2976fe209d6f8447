"""Every block renders in a lesson, and each has an icon, a template, a description and a preview."""

import pytest
from django.apps import apps
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

from lessons.blocks import LessonStreamBlock

from .factories import make_document, make_image, make_lesson, make_module

pytestmark = pytest.mark.django_db

EMBED_URL = "https://video.example.edu.cn/jindu/1"


def full_body():
    image = make_image()
    video = make_document("禁毒短片", b"\x00\x00\x00\x18ftypmp42")
    handout = make_document("学生讲义", b"handout")
    quiz = apps.get_model("quizzes", "Quiz").objects.create(title="课后小测：拒绝的技巧")
    # A cached embed, so rendering needs no network.
    Embed.objects.create(
        url=EMBED_URL, hash=get_embed_hash(EMBED_URL), type="video", html='<iframe title="禁毒宣传片"></iframe>'
    )
    return [
        {"type": "heading", "value": {"text": "认识新型毒品", "level": "h2"}},
        {"type": "paragraph", "value": "<p>新型毒品常伪装成<b>零食</b>。</p>"},
        {
            "type": "image",
            "value": {"image": image.pk, "alt_text": "伪装成奶茶的毒品示意图", "caption": "图1 常见伪装"},
        },
        {
            "type": "illustration",
            "value": {
                "file": "qingdun/curriculum/g6-three-ways.svg",
                "alt_text": "三种拒绝方法的台阶图",
                "caption": "图2",
            },
        },
        {
            "type": "video",
            "value": {
                "title": "禁毒短片",
                "file": video.pk,
                "embed": None,
                "transcript": "短片文字稿",
                "running_minutes": 4,
            },
        },
        {"type": "video", "value": {"title": "嵌入视频", "file": None, "embed": EMBED_URL, "transcript": ""}},
        # A fact stored as a plain string (as older versions saved them) beside one with its own source.
        {
            "type": "key_facts",
            "value": {
                "title": "要点",
                "facts": [
                    "一次也不尝试。",
                    {"text": "禁毒是全社会的共同责任。", "source": "《中华人民共和国禁毒法》第三条"},
                ],
                "source": "禁毒法",
            },
        },
        {"type": "discussion", "value": {"question": "为什么试一次也不行？", "prompts": ["想一想成瘾。"]}},
        {
            "type": "scenario",
            "value": {
                "title": "聚会上的饮料",
                "situation": "有人递来没有标签的饮料。",
                "choices": [
                    {"choice": "喝一口", "is_good": False, "feedback": "有风险。"},
                    {"choice": "拒绝并离开", "is_good": True, "feedback": "做得好。"},
                ],
                "what_to_say": ["我不喝，谢谢。"],
            },
        },
        {
            "type": "download",
            "value": {"document": handout.pk, "kind": "handout", "title": "学生讲义", "audience": "everyone"},
        },
        {"type": "quiz_link", "value": {"quiz": quiz.pk, "intro": "学完做个小测。"}},
        {"type": "teacher_note", "value": {"title": "教学提示", "body": "<p>用角色扮演。</p>"}},
    ]


def test_every_block_renders_for_a_teacher(client, world):
    lesson = make_lesson(make_module(), body=full_body())
    client.force_login(world.teacher)
    html = client.get(lesson.get_url()).content.decode()
    for block_type in LessonStreamBlock.base_blocks:
        assert f"block-{block_type}" in html, block_type
    for text in [
        "认识新型毒品",
        "<b>零食</b>",
        'alt="伪装成奶茶的毒品示意图"',
        "图1 常见伪装",
        "<video",
        '<iframe title="禁毒宣传片">',
        "短片文字稿",
        'alt="三种拒绝方法的台阶图"',
        "/static/qingdun/curriculum/g6-three-ways.svg",
        "一次也不尝试。",
        "禁毒是全社会的共同责任。",
        "《中华人民共和国禁毒法》第三条",
        "为什么试一次也不行？",
        "拒绝并离开",
        "我不喝，谢谢。",
        "学生讲义",
        "课后小测：拒绝的技巧",
        "用角色扮演。",
    ]:
        assert text in html, text


def test_video_needs_exactly_one_source():
    from django.core.exceptions import ValidationError

    block = LessonStreamBlock().child_blocks["video"]
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"title": "空", "file": None, "embed": None, "transcript": ""}))


def test_image_alt_text_is_required():
    from django.core.exceptions import ValidationError

    block = LessonStreamBlock().child_blocks["image"]
    image = make_image()
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"image": image.pk, "alt_text": "", "caption": ""}))


@pytest.mark.parametrize("name", list(LessonStreamBlock.base_blocks))
def test_block_has_icon_template_description_and_preview(name):
    block = LessonStreamBlock().child_blocks[name]
    assert block.meta.icon not in ("", "placeholder")
    assert block.meta.template.startswith("lessons/blocks/")
    assert block.get_description()
    assert block.is_previewable
    assert block.render(block.get_preview_value()) is not None


def test_block_previews_render_in_the_admin(client, world):
    from django.urls import reverse

    client.force_login(world.editor)
    full_body()  # an image, documents and a quiz for the chooser blocks' previews
    stream = LessonStreamBlock()
    for name, block in stream.child_blocks.items():
        response = client.get(reverse("wagtailadmin_block_preview"), {"id": block.definition_prefix})
        assert response.status_code == 200, name
        assert "lessons.css" in response.content.decode()
