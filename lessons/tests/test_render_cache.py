"""The lesson page's render cache: what a reader gets is always the live version for their audience and
language, whoever read the page before them (lessons/render_cache.py). Routing: test_routing.py."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.cache import cache, caches
from django.test import RequestFactory
from django.utils import translation
from django.utils.safestring import SafeString
from wagtail.models import Locale, PageViewRestriction

from lessons import render_cache
from lessons.models import TEACHER_AUDIENCE, LessonPage
from lessons.rendering import render_lesson_body
from lessons.seed import curriculum_index

from .factories import STUDENT_SENTENCE, TEACHER_FILE_TITLE, TEACHER_SECRET, make_lesson

pytestmark = pytest.mark.django_db

NEW_SENTENCE = "新版本：遇到陌生人递来的饮料，要礼貌拒绝。"


def _get(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, response
    return response.content.decode()


def _publish_body(lesson, body):
    lesson.body = body
    lesson.save_revision().publish()


def _paragraph(text):
    return {"type": "paragraph", "value": f"<p>{text}</p>"}


def test_a_teacher_reading_first_never_leaks_teacher_content_to_a_student(client, world, lesson):
    url = lesson.get_url()
    for _ in range(2):  # the second round reads both versions from the cache
        teacher_html = _get(client, world.teacher, url)
        assert TEACHER_SECRET in teacher_html and TEACHER_FILE_TITLE in teacher_html
        student_html = _get(client, world.student.user, url)
        assert STUDENT_SENTENCE in student_html
        assert TEACHER_SECRET not in student_html and TEACHER_FILE_TITLE not in student_html
        assert "teacher-note" not in student_html


def test_a_student_reading_first_does_not_hide_teacher_content_from_a_teacher(client, world, lesson):
    url = lesson.get_url()
    assert TEACHER_SECRET not in _get(client, world.student.user, url)
    assert TEACHER_SECRET in _get(client, world.editor, url)
    assert TEACHER_SECRET not in _get(client, world.school_admin, url)


def test_an_entry_of_the_other_audience_under_a_students_key_is_not_served(rf, world, lesson):
    """Belt and braces: an entry records its audience and is only read for that audience."""
    request = rf.get(lesson.get_url())
    request.is_preview = False
    key = render_cache.article_key(lesson, "student", request)
    generation = render_cache.current_generation()
    entry = {"html": SafeString(TEACHER_SECRET), "audience": TEACHER_AUDIENCE, "generation": generation}
    cache.set(key, entry)
    html = render_cache.article(lesson, "student", request, lambda: {"page": lesson, "blocks": []})
    assert TEACHER_SECRET not in html


def test_an_entry_that_is_not_our_rendering_is_rendered_over(rf, world, lesson):
    """Only the SafeString the template rendered is served as HTML; a plain string under the key is not."""
    request = rf.get(lesson.get_url())
    request.is_preview = False
    key = render_cache.article_key(lesson, "student", request)
    planted = "<script>planted()</script>"
    cache.set(key, {"html": planted, "audience": "student", "generation": render_cache.current_generation()})
    html = render_cache.article(lesson, "student", request, lambda: {"page": lesson, "blocks": []})
    assert planted not in html and lesson.title in html
    served = render_cache.article(lesson, "student", request, lambda: {"page": lesson, "blocks": []})
    assert served == html and type(served) is SafeString  # the cache now holds the rendering, class and all


def test_a_published_change_shows_on_the_next_request(client, world, lesson):
    url = lesson.get_url()
    assert STUDENT_SENTENCE in _get(client, world.student.user, url)
    _publish_body(lesson, [_paragraph(NEW_SENTENCE)])
    html = _get(client, world.student.user, url)
    assert NEW_SENTENCE in html and STUDENT_SENTENCE not in html


def test_a_change_saved_without_a_revision_shows_too(client, world, lesson):
    url = lesson.get_url()
    assert STUDENT_SENTENCE in _get(client, world.student.user, url)
    lesson.body = [_paragraph(NEW_SENTENCE)]
    lesson.save(update_fields=["body"])  # no revision, no publish signal: only the body's digest changes
    html = _get(client, world.student.user, url)
    assert NEW_SENTENCE in html and STUDENT_SENTENCE not in html


def test_a_draft_or_a_preview_is_never_what_a_student_gets(client, world, lesson):
    url = lesson.get_url()
    assert STUDENT_SENTENCE in _get(client, world.student.user, url)
    lesson.body = [_paragraph(NEW_SENTENCE)]
    revision = lesson.save_revision()  # a draft
    client.force_login(world.editor)
    preview = revision.as_object().make_preview_request(RequestFactory().get("/"), "")
    assert NEW_SENTENCE in preview.render().content.decode()
    html = _get(client, world.student.user, url)
    assert STUDENT_SENTENCE in html and NEW_SENTENCE not in html


def test_an_unpublished_lesson_is_not_served_from_the_cache(client, world, lesson):
    url = lesson.get_url()
    _get(client, world.student.user, url)
    lesson.unpublish()
    _get(client, world.student.user, url, status=404)
    _get(client, world.teacher, url, status=404)


def test_module_and_quiz_changes_show_on_the_next_request(client, world, module):
    quiz_model = apps.get_model("quizzes", "Quiz")
    quiz = quiz_model.objects.create(title="课后小测甲")
    lesson = make_lesson(module, slug="with-quiz", body=[{"type": "quiz_link", "value": {"quiz": quiz.pk}}])
    url = lesson.get_url()
    html = _get(client, world.student.user, url)
    assert module.title in html and "课后小测甲" in html
    quiz.title = "课后小测乙"  # a quiz chosen in a block: not in the key, its post_save bumps the generation
    quiz.save()
    html = _get(client, world.student.user, url)
    assert "课后小测乙" in html and "课后小测甲" not in html
    module.title = "新的专题名称"
    module.save_revision().publish()
    assert "新的专题名称" in _get(client, world.student.user, url)


def test_something_the_body_points_at_changing_invalidates_every_entry(rf, lesson):
    request = rf.get(lesson.get_url())
    renders = []

    def make_context():
        renders.append(1)
        return {"page": lesson, "blocks": []}

    render_cache.article(lesson, "student", request, make_context)
    render_cache.article(lesson, "student", request, make_context)
    assert len(renders) == 1
    apps.get_model("quizzes", "Quiz").objects.create(title="别的测验")  # post_save bumps the generation
    render_cache.article(lesson, "student", request, make_context)
    assert len(renders) == 2
    # A lost token does not bring old entries back.
    caches[render_cache.GENERATION_CACHE].delete(render_cache.GENERATION_KEY)
    render_cache.article(lesson, "student", request, make_context)
    assert len(renders) == 3


def test_english_and_chinese_versions_do_not_mix(client, world, module):
    chinese = make_lesson(module, slug="bilingual", body=[_paragraph("中文正文句子。")])
    english_index = curriculum_index(Locale.objects.get_or_create(language_code="en")[0])
    english_module = module.copy_for_translation(english_index.locale)
    english_module.title = "Refusing drugs"
    english_module.save_revision().publish()
    english = chinese.copy_for_translation(english_index.locale)
    english.title = "Saying no"
    english.body = [_paragraph("An English body sentence.")]
    english.save_revision().publish()
    english = LessonPage.objects.get(pk=english.pk)
    assert english.get_url().startswith("/en/")
    for _ in range(2):
        zh = _get(client, world.student.user, chinese.get_url())
        en = _get(client, world.student.user, english.get_url())
        assert "中文正文句子。" in zh and "An English body sentence." not in zh and "课时" in zh
        assert "An English body sentence." in en and "中文正文句子。" not in en
        assert "Class hours" in en and "课时" not in en and "Refusing drugs" in en


def test_one_page_read_in_both_languages_keeps_each_languages_labels(client, world, lesson):
    """Without an English curriculum, /en/… serves the Chinese page with English labels."""
    assert not LessonPage.objects.filter(locale__language_code="en").exists()
    for _ in range(2):
        zh = _get(client, world.student.user, lesson.get_url())
        en = _get(client, world.student.user, f"/en{lesson.get_url()}")
        assert STUDENT_SENTENCE in zh and STUDENT_SENTENCE in en
        assert "课时" in zh and "Class hours" not in zh
        assert "Class hours" in en and "课时" not in en


def test_the_key_differs_by_language_and_audience(rf, lesson):
    request = rf.get("/")
    keys = set()
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for audience in ("student", "teacher"):
                keys.add(render_cache.article_key(lesson, audience, request))
    assert len(keys) == 4


def test_view_restrictions_still_apply_on_the_fast_route(client, world, module):
    lesson = make_lesson(module, slug="restricted")
    url = lesson.get_url()
    assert STUDENT_SENTENCE in _get(client, world.student.user, url)
    restriction = PageViewRestriction.objects.create(page=module, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([Group.objects.get_or_create(name="Nobody")[0]])
    _get(client, world.student.user, url, status=302)  # Wagtail sends readers outside the groups to sign in


def test_a_restriction_on_the_page_an_alias_copies_applies_to_the_alias(client, world, module):
    lesson = make_lesson(module, slug="aliased")
    english_index = curriculum_index(Locale.objects.get_or_create(language_code="en")[0])
    alias_module = module.create_alias(parent=english_index, update_locale=english_index.locale, recursive=True)
    alias = LessonPage.objects.get(alias_of=lesson)
    assert alias.get_url().startswith("/en/") and alias_module.alias_of_id == module.pk
    assert STUDENT_SENTENCE in _get(client, world.student.user, alias.get_url())
    restriction = PageViewRestriction.objects.create(page=module, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([Group.objects.get_or_create(name="Nobody")[0]])
    _get(client, world.student.user, alias.get_url(), status=302)


def test_classroom_reader_body_is_cached_per_audience(rf, world, lesson):
    teacher_request = rf.get("/")
    teacher_request.user = world.teacher
    student_request = rf.get("/")
    student_request.user = world.student.user
    assert TEACHER_SECRET in render_lesson_body(lesson, teacher_request)
    student_body = render_lesson_body(lesson, student_request)
    assert STUDENT_SENTENCE in student_body and TEACHER_SECRET not in student_body
    assert TEACHER_SECRET in render_lesson_body(lesson, teacher_request)
