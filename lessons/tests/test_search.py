"""Chinese search with real sentences; runs on SQLite FTS5 and, with DATABASE_URL, on PostgreSQL."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from wagtail.models import Locale

from lessons.search import search_lessons, snippet

from .factories import make_lesson, make_module

pytestmark = pytest.mark.django_db

SENTENCES = {
    "meth": "有些不法分子把冰毒混进“奶茶粉”里，外表看起来和普通饮料没有区别。",
    "refuse": "面对同学递来的电子烟，小明看着对方的眼睛说：我不要，然后拒绝了继续聊天的邀请。",
    "help": "情绪低落时，可以拨打12355青少年服务台，或者向心理老师求助。",
}


def _body(sentence):
    return [{"type": "paragraph", "value": f"<p>{sentence}</p>"}]


@pytest.fixture
def lessons(world):
    module = make_module()
    return {
        key: make_lesson(module, slug=key, title=f"第{index}课", summary="本课小结。", body=_body(text))
        for index, (key, text) in enumerate(SENTENCES.items(), 1)
    }


def _request(rf, user):
    request = rf.get("/curriculum/search/")
    request.user = user
    return request


def _found(rf, user, query):
    return {result.lesson.slug for result in search_lessons(query, _request(rf, user))}


def test_words_in_the_middle_of_chinese_sentences_are_found(rf, world, lessons):
    student = world.student.user
    assert _found(rf, student, "冰毒") == {"meth"}
    assert _found(rf, student, "拒绝") == {"refuse"}
    assert _found(rf, student, "奶茶") == {"meth"}
    assert _found(rf, student, "心理老师") == {"help"}
    assert _found(rf, student, "电子烟 拒绝") == {"refuse"}
    assert _found(rf, student, "海洛因") == set()


def test_tags_and_titles_are_searchable(rf, world):
    module = make_module()
    make_lesson(
        module, slug="tagged", title="禁毒法基本知识", summary="了解法律。", body=_body("法律规定。"), tags=["依托咪酯"]
    )
    assert _found(rf, world.student.user, "依托咪酯") == {"tagged"}
    assert _found(rf, world.student.user, "禁毒法") == {"tagged"}


def test_drafts_are_not_found(rf, world):
    module = make_module()
    make_lesson(module, slug="draft", body=_body("草稿里提到了冰毒。"), live=False)
    assert _found(rf, world.editor, "冰毒") == set()


def test_visitors_find_only_lessons_of_public_modules(rf, lessons):
    public = make_module(slug="open", is_public=True)
    make_lesson(public, slug="open-lesson", body=_body("公开课里也讲到冰毒的伪装。"))
    assert _found(rf, AnonymousUser(), "冰毒") == {"open-lesson"}


def test_search_keeps_to_the_readers_language(rf, world, lessons):
    english = Locale.objects.get(language_code="en")
    results = search_lessons("冰毒", _request(rf, world.student.user), locale=english)
    assert results == []


def test_search_page_renders_marked_snippets(client, world, lessons):
    client.force_login(world.student.user)
    response = client.get(reverse("lessons:search"), {"q": "冰毒"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark>冰毒</mark>" in html and "第1课" in html


def test_empty_and_punctuation_queries_return_nothing(rf, world, lessons):
    assert _found(rf, world.student.user, "") == set()
    assert _found(rf, world.student.user, "，。！") == set()


def test_snippets_escape_the_text_once_and_mark_only_what_matched(world):
    module = make_module()
    body = _body("家长说 &lt;script&gt;冰毒&lt;/script&gt; &amp; 冰毒品 AMP 都要警惕。")
    lesson = make_lesson(module, slug="marks", title="标记", summary="小结", body=body)
    html = str(snippet(lesson, ["冰毒", "冰", "amp"]))
    assert "&lt;script&gt;<mark>冰毒</mark>&lt;/script&gt;" in html
    # "amp" marks the word, never the entity the escaping wrote for "&".
    assert "&amp; <mark>冰毒</mark>品 <mark>AMP</mark>" in html
    assert "<script>" not in html and "&amp;amp;" not in html and "<mark>冰</mark>" not in html
