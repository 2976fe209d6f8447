"""The lesson page's response cache (lessons/page_cache.py): one rendering per audience, the reader's own
parts filled in for each request. Wagtail's answers for restricted, unpublished, moved, aliased and translated
pages: test_routing.py, which reads every page twice (the fill, then the cache)."""

import re

import pytest
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from lessons import page_cache, render_cache

from .factories import STUDENT_SENTENCE, TEACHER_SECRET, make_lesson, make_module

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _entry(url: str, audience: str = "student"):
    return cache.get(page_cache._key(RequestFactory().get(url), audience))


def _reader(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def test_the_second_reader_is_served_from_the_cache_without_routing(world, lesson):
    first = _reader(world.student.user).get(lesson.url)
    assert first.status_code == 200 and _entry(lesson.url)
    other = _reader(world.student_2.user)
    with CaptureQueriesContext(connection) as queries:
        second = other.get(lesson.url)
    assert second.status_code == 200
    assert not [q for q in queries.captured_queries if "wagtailcore_page" in q["sql"]]
    assert STUDENT_SENTENCE in second.content.decode()
    assert second["Cache-Control"] == first["Cache-Control"] == "private, no-cache"
    assert second["Content-Type"] == first["Content-Type"]


def test_a_hit_is_the_page_wagtail_renders_apart_from_the_csrf_token(world, lesson):
    client = _reader(world.student.user)
    filled = client.get(lesson.url).content.decode()
    cached = client.get(lesson.url).content.decode()
    cache.clear()
    fresh = client.get(lesson.url).content.decode()
    assert TOKEN.sub("", filled) == TOKEN.sub("", cached) == TOKEN.sub("", fresh)
    assert "qingdun-reader-slot" not in cached and "qingdun-slot-break" not in cached


def test_each_reader_gets_their_own_name_and_never_anothers(world, lesson):
    world.student.user.first_name, world.student_2.user.first_name = "三", "四"
    first = _reader(world.student.user).get(lesson.url).content.decode()
    second = _reader(world.student_2.user).get(lesson.url).content.decode()
    assert _entry(lesson.url)
    who = re.compile(r'<span class="who">([^<]*)</span>')
    assert who.findall(first) == [world.student.user.get_short_name()]
    assert who.findall(second) == [world.student_2.user.get_short_name()]


def test_the_csrf_token_on_a_cached_page_is_the_readers_own(world, lesson):
    _reader(world.student.user).get(lesson.url)  # fills the entry
    first = _reader(world.student.user, enforce_csrf_checks=True)
    second = _reader(world.student_2.user, enforce_csrf_checks=True)
    first_tokens = set(TOKEN.findall(first.get(lesson.url).content.decode()))
    second_tokens = set(TOKEN.findall(second.get(lesson.url).content.decode()))
    assert len(first_tokens) == 1 and len(second_tokens) == 1
    # A token of the other reader's page is refused; the reader's own is accepted (the language form posts it).
    refused = second.post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": first_tokens.pop()})
    assert refused.status_code == 403
    accepted = second.post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": second_tokens.pop()})
    assert accepted.status_code == 302


def test_messages_show_to_their_reader_once(world, lesson, settings):
    settings.MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
    _reader(world.student_2.user).get(lesson.url)  # another reader filled the entry
    client = _reader(world.student.user)
    session = client.session
    request = RequestFactory().get("/")
    request.session = session
    storage = SessionStorage(request)
    storage.add(messages.SUCCESS, "作业已提交MESSAGE")
    storage.update(HttpResponse())
    session.save()
    assert "作业已提交MESSAGE" in client.get(lesson.url).content.decode()
    assert "作业已提交MESSAGE" not in client.get(lesson.url).content.decode()
    assert "作业已提交MESSAGE" not in _reader(world.student_2.user).get(lesson.url).content.decode()


def test_a_teacher_and_a_student_have_separate_entries(world, lesson):
    teacher = _reader(world.teacher).get(lesson.url).content.decode()
    student = _reader(world.student.user).get(lesson.url).content.decode()
    assert TEACHER_SECRET in teacher and TEACHER_SECRET not in student
    assert _entry(lesson.url, "student") and _entry(lesson.url, "teacher")
    assert TEACHER_SECRET in _reader(world.teacher).get(lesson.url).content.decode()


def test_a_visitor_is_not_served_a_signed_in_readers_entry(client, world, lesson):
    _reader(world.student.user).get(lesson.url)
    response = client.get(lesson.url)
    assert response.status_code == 302 and response["Location"] == redirect_to_login(lesson.url)["Location"]


def test_a_public_lesson_is_served_to_visitors_from_the_cache(client, world):
    lesson = make_lesson(make_module(slug="open", is_public=True), slug="open-lesson")
    assert client.get(lesson.url).status_code == 200
    assert _entry(lesson.url)["public"]
    response = client.get(lesson.url)
    assert response.status_code == 200 and STUDENT_SENTENCE in response.content.decode()


def test_a_query_string_or_a_post_goes_to_wagtail_and_fills_nothing(world, lesson):
    client = _reader(world.student.user)
    assert client.get(f"{lesson.url}?from=plan").status_code == 200
    assert _entry(lesson.url) is None
    client.post(lesson.url, {})
    assert _entry(lesson.url) is None


def test_saving_a_page_or_changing_its_privacy_ends_every_entry(world, lesson, module):
    client = _reader(world.student.user)
    client.get(lesson.url)
    before = render_cache.current_generation()
    restriction = PageViewRestriction.objects.create(page=module, restriction_type=PageViewRestriction.LOGIN)
    assert render_cache.current_generation() != before
    client.get(lesson.url)
    before = render_cache.current_generation()
    restriction.delete()
    assert render_cache.current_generation() != before
    before = render_cache.current_generation()
    module.title = "新的模块名"
    module.save()
    assert render_cache.current_generation() != before
    assert "新的模块名" in client.get(lesson.url).content.decode()


def test_a_rendering_that_leaves_a_slot_out_is_not_cached(world, lesson, monkeypatch):
    monkeypatch.setattr(page_cache, "SLOTS", ("header", "messages", "csrf", "missing"))
    response = _reader(world.student.user).get(lesson.url)
    assert response.status_code == 200 and STUDENT_SENTENCE in response.content.decode()
    assert "qingdun-reader-slot" not in response.content.decode()
    assert _entry(lesson.url) is None
