"""Demo curriculum for `seed_demo`: four published modules of three lessons each, one also in English.

Idempotent: pages are found by slug under their parent and documents by title, and nothing existing is
rewritten, so an editor's changes to the demo survive another run.
"""

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, Locale, Site

from core.seeding import SeedContext

from .demo_content import MODULES, DemoLesson, DemoModule
from .demo_content_en import PRIMARY_EN
from .docx import build_docx
from .models import CurriculumIndexPage, LessonPage, ModulePage

TEACHER_COLLECTION = "教师资源（仅教师可下载）"
TEACHER_GROUPS = ["Teachers", "Content editors", "Content reviewers"]


def teacher_collection() -> Collection:
    """The private collection for lesson plans: only teachers, editors and reviewers may download from it."""
    root = Collection.get_first_root_node()
    collection = root.get_children().filter(name=TEACHER_COLLECTION).first()
    if collection is None:
        collection = root.add_child(name=TEACHER_COLLECTION)
    restriction = CollectionViewRestriction.objects.filter(collection=collection).first()
    if restriction is None:
        restriction = CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=CollectionViewRestriction.GROUPS
        )
    restriction.groups.set(Group.objects.filter(name__in=TEACHER_GROUPS))
    return collection


def curriculum_index(locale: Locale) -> CurriculumIndexPage:
    index = CurriculumIndexPage.objects.filter(locale=locale).first()
    if index is not None:
        return index
    source = CurriculumIndexPage.objects.get(locale=Locale.get_default())
    index = source.copy_for_translation(locale)
    index.title = "Drug-prevention curriculum" if locale.language_code == "en" else source.title
    index.intro = "<p>Know drugs, guard against drugs, refuse drugs: prevention lessons for every school stage.</p>"
    index.save_revision().publish()
    return index


def _lesson_plan(lesson: DemoLesson, english: bool) -> bytes:
    if english:
        return build_docx(
            f"Lesson plan: {lesson.title}",
            [
                ("Aims", [lesson.summary]),
                ("Steps", [f"{number}. {heading}" for number, (heading, _) in enumerate(lesson.sections, 1)]),
                ("Discussion", [lesson.question, *lesson.prompts]),
                ("Scenario", [lesson.scenario.title, lesson.scenario.situation]),
                ("Notes", lesson.teacher_note),
            ],
        )
    return build_docx(
        f"《{lesson.title}》教案",
        [
            ("教学目标", [lesson.summary]),
            ("课时与时长", [f"{lesson.class_hours} 课时，约 {lesson.minutes} 分钟"]),
            ("教学过程", [f"{number}. {heading}" for number, (heading, _) in enumerate(lesson.sections, 1)]),
            ("讨论", [lesson.question, *lesson.prompts]),
            ("情景练习", [lesson.scenario.title, lesson.scenario.situation]),
            ("注意事项", lesson.teacher_note),
        ],
    )


def _document(lesson: DemoLesson, collection: Collection, english: bool):
    Document = get_document_model()
    title = f"Lesson plan: {lesson.title}" if english else f"《{lesson.title}》教案"
    document = Document.objects.filter(title=title, collection=collection).first()
    if document is None:
        suffix = "en" if english else "zh"
        document = Document(title=title, collection=collection)
        document.file = ContentFile(_lesson_plan(lesson, english), name=f"{lesson.slug}-{suffix}.docx")
        document._set_document_file_metadata()
        document.save()
    return document


def lesson_body(lesson: DemoLesson, document, english: bool = False) -> list[dict]:
    body: list[dict] = []
    for heading, paragraphs in lesson.sections:
        body.append({"type": "heading", "value": {"text": heading, "level": "h2"}})
        body.append({"type": "paragraph", "value": "".join(f"<p>{text}</p>" for text in paragraphs)})
    body.append(
        {
            "type": "key_facts",
            "value": {"title": "Key facts" if english else "要点", "facts": lesson.facts, "source": lesson.fact_source},
        }
    )
    body.append({"type": "discussion", "value": {"question": lesson.question, "prompts": lesson.prompts}})
    scenario = lesson.scenario
    body.append(
        {
            "type": "scenario",
            "value": {
                "title": scenario.title,
                "situation": scenario.situation,
                "choices": [
                    {"choice": choice, "is_good": good, "feedback": feedback}
                    for choice, good, feedback in scenario.choices
                ],
                "what_to_say": scenario.what_to_say,
            },
        }
    )
    body.append(
        {
            "type": "teacher_note",
            "value": {
                "title": "Teaching notes" if english else "教学提示",
                "body": "".join(f"<p>{text}</p>" for text in lesson.teacher_note),
            },
        }
    )
    body.append(
        {
            "type": "download",
            "value": {
                "document": document.pk,
                "kind": "lesson_plan",
                "title": "Lesson plan (DOCX)" if english else "教案（DOCX）",
                "audience": "teachers",
            },
        }
    )
    return body


def _module_fields(module: DemoModule) -> dict:
    return {
        "title": module.title,
        "slug": module.slug,
        "grade_band": module.grade_band,
        "order": module.order,
        "summary": module.summary,
        "objectives": "<ul>" + "".join(f"<li>{text}</li>" for text in module.objectives) + "</ul>",
        "is_public": module.is_public,
    }


def _lesson_fields(lesson: DemoLesson, module: DemoModule, document, english: bool) -> dict:
    return {
        "title": lesson.title,
        "slug": lesson.slug,
        "summary": lesson.summary,
        "grade_bands": [module.grade_band],
        "goals": lesson.goals,
        "class_hours": lesson.class_hours,
        "estimated_minutes": lesson.minutes,
        "activity_type": lesson.activity,
        "body": lesson_body(lesson, document, english),
    }


def _publish(page, tags=None):
    if tags is not None:
        page.tags.set(tags)
    page.save_revision().publish()


def seed_chinese(index: CurriculumIndexPage, collection: Collection) -> dict[str, ModulePage]:
    created = {}
    for module in MODULES:
        page = ModulePage.objects.child_of(index).filter(slug=module.slug).first()
        if page is None:
            page = index.add_child(instance=ModulePage(**_module_fields(module)))
            _publish(page)
        created[module.slug] = page
        for lesson in module.lessons:
            if LessonPage.objects.child_of(page).filter(slug=lesson.slug).exists():
                continue
            document = _document(lesson, collection, english=False)
            lesson_page = page.add_child(instance=LessonPage(**_lesson_fields(lesson, module, document, False)))
            _publish(lesson_page, lesson.tags)
    return created


def seed_english(source_module: ModulePage, collection: Collection) -> None:
    english = Locale.objects.get_or_create(language_code="en")[0]
    curriculum_index(english)
    module_page = source_module.get_translation_or_none(english)
    if module_page is None:
        module_page = source_module.copy_for_translation(english)
        for name, value in _module_fields(PRIMARY_EN).items():
            setattr(module_page, name, value)
        _publish(module_page)
    for lesson in PRIMARY_EN.lessons:
        source = LessonPage.objects.child_of(source_module).filter(slug=lesson.slug).first()
        if source is None or source.has_translation(english):
            continue
        translated = source.copy_for_translation(english)
        document = _document(lesson, collection, english=True)
        for name, value in _lesson_fields(lesson, PRIMARY_EN, document, True).items():
            setattr(translated, name, value)
        _publish(translated, lesson.tags)


def seed_curriculum(ctx: SeedContext) -> None:
    chinese = Locale.get_default()
    index = curriculum_index(chinese)
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None and site.root_page_id != index.pk:
        site.root_page = index
        site.save(update_fields=["root_page"])
    collection = teacher_collection()
    modules = seed_chinese(index, collection)
    seed_english(modules["primary"], collection)
    ctx.shared["curriculum_index"] = index
    ctx.shared["modules"] = modules
    ctx.say(f"  {LessonPage.objects.live().count()} lessons in {len(modules)} modules (one also in English).")
