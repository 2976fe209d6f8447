"""`seed_demo`'s curriculum: a module per grade from 五年级 to 高二 and 中职, each lesson complete (sections,
illustration with alt text, sourced key facts, discussion, a scenario with feedback on every choice), with its
own quiz at its grade band and a 教案 DOCX whose four timed steps fill the class; 初二 also in English."""

import io
import re
import xml.etree.ElementTree as ET  # noqa: S405 (our own files)
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from wagtail.documents import get_document_model
from wagtail.models import CollectionViewRestriction, Locale

from core.seeding import SeedContext
from lessons.curriculum import STEP_NAMES, STEP_NAMES_EN, modules
from lessons.models import LessonPage, ModulePage
from lessons.reading import count_characters, count_words
from lessons.seed import TEACHER_COLLECTION, seed_curriculum
from lessons.text import body_text

pytestmark = pytest.mark.django_db

# (grade, band) → lessons at least; 中职 has one module with a lesson after entry and one before graduation.
GRADES = {
    (5, "primary_upper"): 2,
    (6, "primary_upper"): 2,
    (7, "junior"): 2,
    (8, "junior"): 3,  # the focus grade of the national syllabus
    (9, "junior"): 2,
    (10, "senior"): 2,
    (11, "senior"): 2,
    (None, "vocational"): 2,
}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """`seed_demo` once for the module, as `make run` does: the curriculum is large, and every test here only reads
    it (or checks that seeding again adds nothing). Rolled back at the end."""
    with django_db_blocker.unblock():
        from django.db import connection, transaction

        atomic = transaction.atomic()
        atomic.__enter__()
        call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)
        connection.close()


def _chinese_modules():
    return ModulePage.objects.live().filter(locale=Locale.get_default())


def _docx_rows(document) -> list[list[str]]:
    with document.file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        root = ET.fromstring(archive.read("word/document.xml"))  # noqa: S314
    return [
        ["".join(t.text or "" for t in cell.iter(f"{W}t")) for cell in row.iter(f"{W}tc")]
        for row in root.iter(f"{W}tr")
    ]


def test_every_grade_has_its_lessons_and_the_focus_grade_more(seeded):
    found = {}
    for module in _chinese_modules():
        found[(module.grade, module.grade_band)] = LessonPage.objects.live().child_of(module).count()
    assert set(found) == set(GRADES)
    for key, least in GRADES.items():
        assert found[key] >= least, key
    assert found[(8, "junior")] > found[(7, "junior")]


def test_each_lesson_is_long_sectioned_and_complete(seeded):
    for lesson in LessonPage.objects.live().filter(locale=Locale.get_default()):
        raw = lesson.body.raw_data
        visible = body_text(raw)
        assert count_characters(visible) >= 1500, (lesson.slug, count_characters(visible))
        types = [block["type"] for block in raw]
        assert types.count("heading") >= 3, lesson.slug
        assert {"illustration", "key_facts", "discussion", "scenario", "teacher_note", "download"} <= set(types)
        scenario = next(block["value"] for block in raw if block["type"] == "scenario")
        choices = scenario["choices"]
        assert len(choices) >= 3, lesson.slug
        assert all(choice["feedback"].strip() for choice in choices)
        assert any(choice["is_good"] for choice in choices) and not all(choice["is_good"] for choice in choices)
        facts = next(block["value"] for block in raw if block["type"] == "key_facts")["facts"]
        assert facts and all(fact["source"].strip() for fact in facts), lesson.slug


def test_health_facts_never_cite_the_law(seeded):
    """A fact about the brain, addiction or health names a health source, not 《禁毒法》."""
    health = re.compile("大脑|前额叶|发育|尼古丁|上瘾|心理健康|慢性|复发|健康问题")
    checked = 0
    for lesson in LessonPage.objects.live().filter(locale=Locale.get_default()):
        facts = next(block["value"] for block in lesson.body.raw_data if block["type"] == "key_facts")["facts"]
        for fact in facts:
            if health.search(fact["text"]):
                checked += 1
                assert "法》" not in fact["source"] and "法律" not in fact["source"], (lesson.slug, fact)
    assert checked >= 5


def test_illustrations_are_our_own_files_with_alt_text(seeded):
    static = Path(settings.STATICFILES_DIRS[0])
    for lesson in LessonPage.objects.live():
        pictures = [block["value"] for block in lesson.body.raw_data if block["type"] == "illustration"]
        assert pictures, lesson.slug
        for picture in pictures:
            assert len(picture["alt_text"].strip()) >= 10, lesson.slug
            path = static / picture["file"]
            assert path.suffix == ".svg" and path.is_file(), picture["file"]
            root = ET.fromstring(path.read_text(encoding="utf-8"))  # noqa: S314 (our own file)
            assert root.tag == "{http://www.w3.org/2000/svg}svg", picture["file"]


def test_each_lesson_has_its_own_quiz_at_its_grade_band(seeded):
    for lesson in LessonPage.objects.live().select_related("quiz"):
        assert lesson.quiz is not None, lesson.slug
        questions = [row.question for row in lesson.quiz.fixed_questions.select_related("question")]
        assert len(questions) >= 5, lesson.slug
        band = lesson.grade_bands[0]
        assert all(question.grade_bands == [band] for question in questions), lesson.slug
        for question in questions:
            options = list(question.options.all())
            right = [option for option in options if option.weight > 0]
            assert right and len(options) > len(right), question.text
    quizzes = [lesson.quiz_id for lesson in LessonPage.objects.live()]
    assert len(set(quizzes)) == len(quizzes), "every lesson has a quiz of its own"


def test_lesson_plans_have_four_timed_steps_filling_the_class(seeded):
    Document = get_document_model()
    for lesson in LessonPage.objects.live().select_related("locale"):
        download = next(block["value"] for block in lesson.body.raw_data if block["type"] == "download")
        rows = _docx_rows(Document.objects.get(pk=download["document"]))
        names = STEP_NAMES_EN if lesson.locale.language_code == "en" else STEP_NAMES
        steps = [row for row in rows if row and row[0] in names]
        assert [row[0] for row in steps] == list(names), lesson.slug
        minutes = [int(re.match(r"\d+", row[1]).group()) for row in steps]
        assert sum(minutes) == lesson.estimated_minutes, (lesson.slug, minutes)
        assert all(row[2].strip() for row in steps), "each step says what happens"


def test_later_grades_recall_earlier_ones():
    slugs = {lesson.slug for module in modules() for lesson in module.lessons}
    boosters = [lesson for module in modules()[2:] for lesson in module.lessons if lesson.builds_on]
    assert len(boosters) >= 6
    for lesson in boosters:
        assert lesson.builds_on in slugs
        assert any(heading.startswith("回顾") for heading, _ in lesson.sections), lesson.slug


def test_the_focus_grade_is_also_in_english(seeded):
    english = Locale.objects.get(language_code="en")
    source_module = _chinese_modules().get(grade=8)
    module = source_module.get_translation(english)
    sources = LessonPage.objects.live().child_of(source_module)
    translated = LessonPage.objects.live().child_of(module)
    assert translated.count() == sources.count() >= 3
    for lesson in translated:
        assert lesson.translation_key == sources.get(slug=lesson.slug).translation_key
        assert count_words(body_text(lesson.body.raw_data)) >= 700, lesson.slug
        assert count_characters(lesson.title) == 0, "the title is translated"


def test_seeding_again_adds_nothing_and_plans_stay_with_teachers(seeded):
    Document = get_document_model()
    counts = (LessonPage.objects.count(), Document.objects.count(), ModulePage.objects.count())
    seed_curriculum(SeedContext(stdout=io.StringIO()))
    assert (LessonPage.objects.count(), Document.objects.count(), ModulePage.objects.count()) == counts
    assert Document.objects.filter(collection__name=TEACHER_COLLECTION).count() == LessonPage.objects.count()
    restriction = CollectionViewRestriction.objects.get(collection__name=TEACHER_COLLECTION)
    assert set(restriction.groups.values_list("name", flat=True)) == {
        "Teachers",
        "Content editors",
        "Content reviewers",
    }
