"""The curriculum for `seed_demo`: one module per grade from 五年级 to 高二 and 中职, written in lessons/curriculum/.

Each lesson becomes a page with its illustration, key facts, discussion and scenario, its own 课后小测 (a quiz of
fixed questions marked with the module's grade band, linked as the lesson's quiz) and a 教案 DOCX with timed
steps. The 初二 lessons are also translated into English as Wagtail translations (copy_for_translation).

Idempotent: pages are found by slug under their parent, quizzes and documents by title, questions by text, and
nothing existing is rewritten, so an editor's changes to the seeded curriculum survive another run.
"""

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, Locale, ReferenceIndex, Site
from wagtail.search import index as search_index
from wagtail.signal_handlers import disable_reference_index_auto_update

from core.seeding import SeedContext
from quizzes.models import Category, Option, Question, QuestionKind, Quiz, QuizKind, QuizQuestion, Scoring

from .blocks.content import ILLUSTRATION_FOLDER
from .curriculum import STEP_NAMES, STEP_NAMES_EN, Lesson, Module, english_modules, modules
from .docx import Table, build_docx
from .models import CurriculumIndexPage, LessonPage, ModulePage

TEACHER_COLLECTION = "教师资源（仅教师可下载）"
TEACHER_GROUPS = ["Teachers", "Content editors", "Content reviewers"]
QUIZ_KINDS = {"single": QuestionKind.SINGLE, "multiple": QuestionKind.MULTIPLE, "true_false": QuestionKind.TRUE_FALSE}


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


# --- 课后小测 -------------------------------------------------------------------------------------------


def quiz_title(lesson: Lesson, english: bool) -> str:
    return f"Quiz: {lesson.title}" if english else f"课后小测：{lesson.title}"


def question_band(module: Module) -> str:
    # One vocabulary (people.grades.GradeBand) for lessons and the question bank.
    return module.grade_band


def _questions(lesson: Lesson, module: Module, locale: Locale) -> dict[str, Question]:
    """The lesson's questions by text, created when missing: live, marked with the module's grade band.

    Created in bulk rather than through the importer's save → revision → publish of each question, which made
    the curriculum's hundred questions the slowest part of `seed_demo`; each is still indexed for search.
    """
    texts = [question.text for question in lesson.quiz]
    found: dict[str, Question] = {}
    band = question_band(module)
    for question in Question.objects.filter(text__in=texts).order_by("pk"):
        # The same words at another grade band are another question: a quiz draws only its own band's.
        if question.grade_bands == [band] and question.locale_id == locale.pk:
            found.setdefault(question.text, question)
    missing = [question for question in lesson.quiz if question.text not in found]
    if missing:
        category = Category.objects.get_or_create(name=lesson.category)[0]
        made = Question.objects.bulk_create(
            [
                Question(
                    category=category,
                    kind=QUIZ_KINDS[question.kind],
                    # All or nothing: a multiple-choice question is right only with exactly the right options.
                    scoring=Scoring.ALL_OR_NOTHING,
                    text=question.text,
                    explanation=question.explanation,
                    difficulty=question.difficulty,
                    grade_bands=[band],
                    locale=locale,
                    live=True,
                )
                for question in missing
            ]
        )
        Option.objects.bulk_create(
            [
                Option(question=row, text=text.lstrip("*"), weight=100 if text.startswith("*") else 0, sort_order=order)
                for row, question in zip(made, missing, strict=True)
                for order, text in enumerate(question.options)
            ]
        )
        for row in made:
            search_index.insert_or_update_object(row)
            found[row.text] = row
    return found


def lesson_quiz(lesson: Lesson, module: Module, english: bool = False) -> Quiz:
    """The lesson's own quiz: its questions in its order, marked with the module's grade band."""
    title = quiz_title(lesson, english)
    quiz = Quiz.objects.filter(title=title).first()
    if quiz is not None:
        return quiz
    locale = Locale.objects.get(language_code="en") if english else Locale.get_default()
    by_text = _questions(lesson, module, locale)
    texts = [question.text for question in lesson.quiz]
    quiz = Quiz(
        title=title,
        live=True,
        kind=QuizKind.LESSON_CHECK,
        intro=(
            "Check what you learned in this lesson."
            if english
            else "学完本课后做一做，检查自己掌握得怎么样。答错的题会告诉你为什么。"
        ),
        time_limit_minutes=10,
        attempts_allowed=3,
        pass_percent=60,
        show_answers="after_submit",
    )
    quiz.save()
    QuizQuestion.objects.bulk_create(
        [QuizQuestion(quiz=quiz, question=by_text[text], sort_order=order) for order, text in enumerate(texts)]
    )
    quiz.save_revision().publish()
    return quiz


# --- 教案 ----------------------------------------------------------------------------------------------


def check_steps(lesson: Lesson, minutes: int, english: bool = False) -> None:
    """A lesson plan has the four steps in order, adding up to the class length; the data is wrong otherwise."""
    names = tuple(step.name for step in lesson.steps)
    expected = STEP_NAMES_EN if english else STEP_NAMES
    total = sum(step.minutes for step in lesson.steps)
    if names != expected or total != minutes:
        raise ValueError(f"{lesson.slug}: steps {names} take {total} minutes, expected {expected} in {minutes}")


def _recalled(lesson: Lesson, english: bool) -> str:
    """The earlier lesson this one recalls, by its module and title as the teacher knows them."""
    for earlier_module in english_modules() + modules() if english else modules():
        for earlier in earlier_module.lessons:
            if earlier.slug == lesson.builds_on:
                return (
                    f"{earlier_module.title}: {earlier.title}"
                    if english
                    else f"{earlier_module.title}《{earlier.title}》"
                )
    return lesson.builds_on


def lesson_plan(lesson: Lesson, module: Module, english: bool) -> bytes:
    check_steps(lesson, module.minutes, english)
    scenario = lesson.scenario
    if english:
        return build_docx(
            f"Lesson plan: {lesson.title}",
            [
                ("Aims", [lesson.summary, *module.objectives]),
                ("Class length", [f"{lesson.class_hours} class hour, {module.minutes} minutes"]),
                (
                    "Builds on",
                    [_recalled(lesson, True) if lesson.builds_on else "This is the first lesson of the sequence."],
                ),
                (
                    "Steps",
                    [
                        Table(
                            [["Step", "Minutes", "What happens"]]
                            + [[step.name, f"{step.minutes} min", step.what] for step in lesson.steps]
                            + [["Total", f"{module.minutes} min", ""]]
                        )
                    ],
                ),
                ("Discussion", [lesson.question, *lesson.prompts]),
                (
                    "Scenario",
                    [scenario.title, scenario.situation]
                    + [
                        f"{'Good' if good else 'Think again'}: {choice} — {feedback}"
                        for choice, good, feedback in scenario.choices
                    ],
                ),
                ("Key facts and their sources", [f"{fact} ({source})" for fact, source in lesson.facts]),
                ("Teacher's notes", lesson.teacher_note),
            ],
        )
    return build_docx(
        f"《{lesson.title}》教案",
        [
            ("教学目标", [lesson.summary, *module.objectives]),
            ("课时与时长", [f"{lesson.class_hours} 课时，共 {module.minutes} 分钟（{module.title}）"]),
            (
                "与前面课程的衔接",
                [f"本课回顾：{_recalled(lesson, False)}" if lesson.builds_on else "本课是本学段的起始课。"],
            ),
            (
                "教学过程",
                [
                    Table(
                        [["环节", "时间", "教学活动"]]
                        + [[step.name, f"{step.minutes} 分钟", step.what] for step in lesson.steps]
                        + [["合计", f"{module.minutes} 分钟", ""]]
                    )
                ],
            ),
            ("讨论", [lesson.question, *lesson.prompts]),
            (
                "情景练习",
                [scenario.title, scenario.situation]
                + [f"{'✓' if good else '✗'} {choice}——{feedback}" for choice, good, feedback in scenario.choices]
                + ["可以这样说：" + " / ".join(scenario.what_to_say)],
            ),
            ("要点与出处", [f"{fact}（出处：{source}）" for fact, source in lesson.facts]),
            ("课后小测", [quiz_title(lesson, False), *[f"{n}. {q.text}" for n, q in enumerate(lesson.quiz, 1)]]),
            ("教师注意事项", lesson.teacher_note),
        ],
    )


def _document(lesson: Lesson, module: Module, collection: Collection, english: bool):
    Document = get_document_model()
    title = f"Lesson plan: {lesson.title}" if english else f"《{lesson.title}》教案"
    document = Document.objects.filter(title=title, collection=collection).first()
    if document is None:
        suffix = "en" if english else "zh"
        document = Document(title=title, collection=collection)
        document.file = ContentFile(lesson_plan(lesson, module, english), name=f"{lesson.slug}-{suffix}.docx")
        document._set_document_file_metadata()
        document.save()
    return document


# --- pages ---------------------------------------------------------------------------------------------


def _paragraphs(texts: list[str]) -> str:
    return "".join(f"<p>{text}</p>" for text in texts)


def lesson_body(lesson: Lesson, document, quiz: Quiz, english: bool = False) -> list[dict]:
    body: list[dict] = []
    for number, (heading, paragraphs) in enumerate(lesson.sections):
        body.append({"type": "heading", "value": {"text": heading, "level": "h2"}})
        body.append({"type": "paragraph", "value": _paragraphs(paragraphs)})
        if number == 0:
            picture = lesson.illustration
            body.append(
                {
                    "type": "illustration",
                    "value": {
                        "file": f"{ILLUSTRATION_FOLDER}/{picture.file}",
                        "alt_text": picture.alt,
                        "caption": picture.caption,
                    },
                }
            )
    body.append(
        {
            "type": "key_facts",
            "value": {
                "title": "Key facts" if english else "要点",
                "facts": [{"text": fact, "source": source} for fact, source in lesson.facts],
                "source": "",
            },
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
            "type": "quiz_link",
            "value": {
                "quiz": quiz.pk,
                "intro": "Five questions on this lesson." if english else "学完本课，做一做课后小测。",
            },
        }
    )
    body.append(
        {
            "type": "teacher_note",
            "value": {"title": "Teaching notes" if english else "教学提示", "body": _paragraphs(lesson.teacher_note)},
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


def _module_fields(module: Module) -> dict:
    return {
        "title": module.title,
        "slug": module.slug,
        "grade_band": module.grade_band,
        "grade": module.grade,
        "order": module.order,
        "summary": module.summary,
        "objectives": "<ul>" + "".join(f"<li>{text}</li>" for text in module.objectives) + "</ul>",
        "is_public": module.is_public,
    }


def _lesson_fields(lesson: Lesson, module: Module, document, quiz: Quiz, english: bool) -> dict:
    return {
        "title": lesson.title,
        "slug": lesson.slug,
        "summary": lesson.summary,
        "grade_bands": [module.grade_band],
        "goals": lesson.goals,
        "class_hours": lesson.class_hours,
        "estimated_minutes": module.minutes,
        "activity_type": lesson.activity,
        "quiz": quiz,
        "body": lesson_body(lesson, document, quiz, english),
    }


def _publish(page, tags=None):
    if tags is not None:
        page.tags.set(tags)
    page.save_revision().publish()


def seed_chinese(index: CurriculumIndexPage, collection: Collection) -> dict[str, ModulePage]:
    created = {}
    for module in modules():
        page = ModulePage.objects.child_of(index).filter(slug=module.slug).first()
        if page is None:
            page = index.add_child(instance=ModulePage(**_module_fields(module)))
            _publish(page)
        created[module.slug] = page
        for lesson in module.lessons:
            if LessonPage.objects.child_of(page).filter(slug=lesson.slug).exists():
                continue
            quiz = lesson_quiz(lesson, module)
            document = _document(lesson, module, collection, english=False)
            lesson_page = page.add_child(instance=LessonPage(**_lesson_fields(lesson, module, document, quiz, False)))
            _publish(lesson_page, lesson.tags)
    return created


def seed_english(sources: dict[str, ModulePage], collection: Collection) -> None:
    english = Locale.objects.get_or_create(language_code="en")[0]
    curriculum_index(english)
    for module in english_modules():
        source_module = sources[module.slug]
        module_page = source_module.get_translation_or_none(english)
        if module_page is None:
            module_page = source_module.copy_for_translation(english)
            for name, value in _module_fields(module).items():
                setattr(module_page, name, value)
            _publish(module_page)
        for lesson in module.lessons:
            source = LessonPage.objects.child_of(source_module).filter(slug=lesson.slug).first()
            if source is None or source.has_translation(english):
                continue
            translated = source.copy_for_translation(english)
            quiz = lesson_quiz(lesson, module, english=True)
            document = _document(lesson, module, collection, english=True)
            for name, value in _lesson_fields(lesson, module, document, quiz, True).items():
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
    before = set(LessonPage.objects.values_list("pk", flat=True))
    # Each question, quiz and page is saved several times while it is published; indexing its references once at
    # the end, instead of on every save, keeps `seed_demo` fast.
    with disable_reference_index_auto_update():
        created = seed_chinese(index, collection)
        seed_english(created, collection)
    new_lessons = LessonPage.objects.exclude(pk__in=before).select_related("quiz")
    for lesson in new_lessons:
        ReferenceIndex.create_or_update_for_object(lesson)
        if lesson.quiz is not None:
            ReferenceIndex.create_or_update_for_object(lesson.quiz)
            for row in lesson.quiz.fixed_questions.select_related("question"):
                ReferenceIndex.create_or_update_for_object(row.question)
    ctx.shared["curriculum_index"] = index
    ctx.shared["modules"] = created
    ctx.say(
        f"  {LessonPage.objects.live().filter(locale=chinese).count()} lessons in {len(created)} modules, "
        f"each with its quiz and lesson plan; {LessonPage.objects.live().exclude(locale=chinese).count()} in English."
    )
