"""`seed_demo`'s curriculum: four modules of three lessons, one in English, lesson plans kept for teachers."""

import io
import zipfile

import pytest
from wagtail.documents import get_document_model
from wagtail.models import CollectionViewRestriction, Locale

from core.seeding import SeedContext
from lessons.models import LessonPage, ModulePage
from lessons.seed import TEACHER_COLLECTION, seed_curriculum

pytestmark = pytest.mark.django_db


def _seed():
    ctx = SeedContext(stdout=io.StringIO())
    seed_curriculum(ctx)
    return ctx


def test_seed_builds_the_demo_curriculum_and_is_idempotent():
    _seed()
    chinese = Locale.get_default()
    modules = ModulePage.objects.live().filter(locale=chinese)
    assert sorted(modules.values_list("grade_band", flat=True)) == ["junior", "primary_upper", "senior", "vocational"]
    for module in modules:
        lessons = LessonPage.objects.live().child_of(module)
        assert lessons.count() >= 3
        for lesson in lessons:
            types = [block.block_type for block in lesson.body]
            assert {"scenario", "teacher_note", "download", "key_facts"} <= set(types)
            assert lesson.search_text
    english = LessonPage.objects.live().filter(locale__language_code="en")
    assert english.count() == 3
    assert ModulePage.objects.live().get(locale__language_code="en").title == "Know drugs, keep away from drugs"
    counts = (LessonPage.objects.count(), get_document_model().objects.count())
    _seed()
    assert (LessonPage.objects.count(), get_document_model().objects.count()) == counts


def test_lesson_plans_are_real_docx_files_in_the_teachers_collection():
    _seed()
    documents = get_document_model().objects.filter(collection__name=TEACHER_COLLECTION)
    assert documents.count() == 15
    restriction = CollectionViewRestriction.objects.get(collection__name=TEACHER_COLLECTION)
    assert set(restriction.groups.values_list("name", flat=True)) == {
        "Teachers",
        "Content editors",
        "Content reviewers",
    }
    document = documents.first()
    with document.file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        xml = archive.read("word/document.xml").decode()
    assert "教学目标" in xml or "Aims" in xml
