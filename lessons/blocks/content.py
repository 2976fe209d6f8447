from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link", "document-link"]
PREVIEW_TEMPLATE = "lessons/blocks/preview.html"


def _latest(model):
    """Previews of chooser blocks show the newest item of the library, if there is one."""
    return model.objects.order_by("-pk").first()


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Text"), max_length=120)
    level = blocks.ChoiceBlock(
        label=_("Level"),
        choices=[("h2", pgettext_lazy("heading level", "Section")), ("h3", _("Subsection"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "lessons/blocks/heading.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("A section heading; it also appears in the lesson's outline.")
        preview_value = {"text": "认识常见毒品", "level": "h2"}


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Text")
        template = "lessons/blocks/paragraph.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("Running text with bold, italic, lists and links.")
        preview_value = "<p>毒品是指鸦片、海洛因、甲基苯丙胺（冰毒）等能够使人形成瘾癖的麻醉药品和精神药品。</p>"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=200,
        help_text=_("Describe what the image shows for readers who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("Caption"), max_length=200, required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "lessons/blocks/image.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("An image with required alternative text and an optional caption.")

    def get_preview_value(self):
        from wagtail.images import get_image_model

        image = _latest(get_image_model())
        return self.to_python({"image": image.pk if image else None, "alt_text": "示意图", "caption": "图1"})


ILLUSTRATION_FOLDER = "qingdun/curriculum"


def illustration_choices() -> list[tuple[str, str]]:
    """The illustrations drawn for the curriculum: the SVG files under site/static/qingdun/curriculum/.

    A callable, so a new drawing needs no migration; the files ship with the code and are served as static files.
    """
    for root in getattr(settings, "STATICFILES_DIRS", []):
        folder = Path(root) / ILLUSTRATION_FOLDER
        if folder.is_dir():
            return [(f"{ILLUSTRATION_FOLDER}/{file.name}", file.stem) for file in sorted(folder.glob("*.svg"))]
    return []


class IllustrationBlock(blocks.StructBlock):
    """One of our own drawings, served from the site's static files, with the alt text a screen reader reads."""

    file = blocks.ChoiceBlock(label=_("Drawing"), choices=illustration_choices)
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=300,
        help_text=_("Say what the drawing shows and teaches, for readers who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("Caption"), max_length=200, required=False)

    class Meta:
        icon = "image"
        label = _("Illustration")
        template = "lessons/blocks/illustration.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("A drawing made for the curriculum, with required alternative text.")

    def get_preview_value(self):
        choices = illustration_choices()
        return self.to_python(
            {"file": choices[0][0] if choices else "", "alt_text": "示意图：三种拒绝方法", "caption": "图1"}
        )


class VideoBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    file = DocumentChooserBlock(
        label=_("Uploaded video file"), required=False, help_text=_("An MP4 file; it works on a closed school network.")
    )
    embed = EmbedBlock(label=_("Embedded video"), required=False, help_text=_("The address of a video page."))
    transcript = blocks.TextBlock(label=_("Transcript or summary"), required=False)
    # The running time counts toward the lesson's self-study time (lessons/reading.py); the server cannot ask an
    # embed for it, so the editor states it.
    running_minutes = blocks.IntegerBlock(
        label=_("Running time (minutes)"),
        required=False,
        min_value=0,
        max_value=180,
        help_text=_("Whole minutes; it is added to the lesson's self-study time."),
    )

    class Meta:
        icon = "media"
        label = _("Video")
        template = "lessons/blocks/video.html"
        preview_template = PREVIEW_TEMPLATE
        description = _(
            "An uploaded video file or an embedded video, with a transcript for readers who cannot play it."
        )
        preview_value = {
            "title": "禁毒宣传短片",
            "transcript": "短片介绍了新型毒品的常见伪装形式和拒绝方法。",
            "running_minutes": 3,
        }

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("file")) == bool(value.get("embed")):
            message = _("Choose either an uploaded file or an embedded video, not both or neither.")
            raise StructBlockValidationError(block_errors={"file": ValidationError(message)})
        return value


class FactBlock(blocks.StructBlock):
    """One fact with the source that states it: a law's article for a legal fact, a health body for a health one."""

    text = blocks.CharBlock(label=_("Fact"), max_length=300)
    source = blocks.CharBlock(
        label=_("Source of this fact"),
        max_length=200,
        required=False,
        help_text=_("Name exactly what says it, e.g. 《中华人民共和国禁毒法》第二条 or 世界卫生组织（WHO）."),
    )

    class Meta:
        icon = "info-circle"
        label = _("Fact")

    # Facts were once plain strings; a stored string reads as a fact without its own source.
    def to_python(self, value):
        return super().to_python({"text": value, "source": ""} if isinstance(value, str) else value)

    def bulk_to_python(self, values):
        return super().bulk_to_python([{"text": v, "source": ""} if isinstance(v, str) else v for v in values])


class KeyFactsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=120, default="要点")
    facts = blocks.ListBlock(FactBlock(), label=_("Facts"), min_num=1)
    source = blocks.CharBlock(label=_("Source for facts without their own"), max_length=200, required=False)

    class Meta:
        icon = "info-circle"
        label = _("Key facts")
        template = "lessons/blocks/key_facts.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("A short list of facts to remember, with their source.")
        preview_value = {
            "title": "要点",
            "facts": [
                {"text": "毒品包括鸦片、海洛因、甲基苯丙胺（冰毒）等。", "source": "《中华人民共和国禁毒法》第二条"},
                {"text": "药物成瘾是一种可以预防、可以治疗的慢性脑部疾病。", "source": "世界卫生组织（WHO）"},
            ],
            "source": "",
        }


class DiscussionQuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"), max_length=300)
    prompts = blocks.ListBlock(
        blocks.CharBlock(label=_("Prompt"), max_length=200), label=_("Prompts to start the discussion"), min_num=0
    )

    class Meta:
        icon = "comment"
        label = _("Discussion question")
        template = "lessons/blocks/discussion.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("A question for the class to discuss, with prompts.")
        preview_value = {"question": "朋友递来一支“电子烟”，你会怎么说？", "prompts": ["想一想对方为什么这样做。"]}


class ScenarioChoiceBlock(blocks.StructBlock):
    choice = blocks.CharBlock(label=_("Choice"), max_length=200)
    is_good = blocks.BooleanBlock(label=_("A good choice"), required=False)
    feedback = blocks.TextBlock(label=_("What happens next"), max_length=500)

    class Meta:
        icon = "radio-full"
        label = _("Choice")


class ScenarioBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    situation = blocks.TextBlock(label=_("Situation"), max_length=1000)
    choices = blocks.ListBlock(ScenarioChoiceBlock(), label=_("Choices"), min_num=2)
    what_to_say = blocks.ListBlock(
        blocks.CharBlock(label=_("Sentence"), max_length=200), label=_("What you can say"), min_num=1
    )

    class Meta:
        icon = "group"
        label = _("Refusal-skills scenario")
        template = "lessons/blocks/scenario.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("A situation (情景) with choices, what follows each, and sentences to practise.")
        preview_value = {
            "title": "聚会上的“饮料”",
            "situation": "周末聚会上，有人拿出一包颜色鲜艳的“奶茶粉”，说喝了会很兴奋。",
            "choices": [
                {"choice": "尝一点试试", "is_good": False, "feedback": "来历不明的东西可能含有毒品，一次也不要尝试。"},
                {"choice": "拒绝并离开，告诉家长", "is_good": True, "feedback": "你保护了自己，也可能帮助了别人。"},
            ],
            "what_to_say": ["不了，谢谢，我不碰来历不明的东西。"],
        }


class DownloadAudience:
    EVERYONE = "everyone"
    TEACHERS = "teachers"


class DownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[
            ("lesson_plan", _("Lesson plan")),
            ("slides", _("Slides")),
            ("handout", _("Handout")),
            ("other", _("Other")),
        ],
        default="lesson_plan",
    )
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    audience = blocks.ChoiceBlock(
        label=_("Who may download it"),
        choices=[(DownloadAudience.TEACHERS, _("Teachers only")), (DownloadAudience.EVERYONE, _("Everyone"))],
        default=DownloadAudience.TEACHERS,
        help_text=_("Lesson plans are for teachers; keep their file in the teachers' collection too."),
    )

    class Meta:
        icon = "download"
        label = _("Download")
        template = "lessons/blocks/download.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("A lesson plan, slides or a handout to download.")

    def get_preview_value(self):
        from wagtail.documents import get_document_model

        document = _latest(get_document_model())
        value = {"document": document.pk if document else None, "kind": "handout", "title": "学生讲义"}
        return self.to_python({**value, "audience": DownloadAudience.EVERYONE})

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["kind_label"] = dict(self.child_blocks["kind"].field.choices).get(value.get("kind"), "")
        return context


class QuizLinkBlock(blocks.StructBlock):
    quiz = SnippetChooserBlock("quizzes.Quiz", label=_("Quiz"))
    intro = blocks.CharBlock(label=_("Introduction"), max_length=200, required=False)

    class Meta:
        icon = "tasks"
        label = _("Quiz link")
        template = "lessons/blocks/quiz_link.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("A link to a quiz from the question bank.")

    def get_preview_value(self):
        quiz = _latest(self.child_blocks["quiz"].target_model)
        return self.to_python({"quiz": quiz.pk if quiz else None, "intro": "学完做个小测。"})


class TeacherNoteBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=120, default="教学提示")
    body = blocks.RichTextBlock(label=_("Note"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "lock"
        label = _("Teacher-only note")
        template = "lessons/blocks/teacher_note.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("Guidance only teachers, editors and reviewers see. It is never sent to students.")
        preview_value = {"title": "教学提示", "body": "<p>讨论时避免描述吸毒方法，重点放在拒绝和求助。</p>"}
