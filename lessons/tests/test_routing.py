"""Curriculum pages answer what Wagtail answers: routed by `Page.route`, refused by its view restrictions.
Each URL is read twice, so the second answer may come from the lesson page's response cache
(lessons/page_cache.py), which must answer as Wagtail does whatever changed since it was filled.

Wagtail's answer is computed here from its public API alone (`Page.route_for_request`, the page's view
restrictions and `accept_request`), then compared with what the site serves: status, the login redirect and
the password form's action. On top of Wagtail, a page the reader may not read (a non-public module for a
visitor) sends them to sign in.
"""

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.auth.views import redirect_to_login
from django.test import Client, RequestFactory
from django.urls import resolve, reverse
from django.utils import translation
from wagtail.models import Locale, Page, PageViewRestriction
from wagtail.wagtail_hooks import require_wagtail_login

from lessons.models import LessonPage, ModulePage
from lessons.seed import curriculum_index

from .factories import make_lesson, make_module

pytestmark = pytest.mark.django_db


def wagtails_answer(client: Client, user, url: str) -> tuple[int, str]:
    """(status, Location for a redirect, the password form's action for a password, the title for a page)."""
    request = RequestFactory().get(url)
    request.user = user or AnonymousUser()
    request.session = client.session
    language = translation.get_language_from_path(url) or settings.LANGUAGE_CODE
    with translation.override(language):
        found = Page.route_for_request(request, resolve(url).args[0])
        if found is None:
            return 404, ""
        page = found[0]
        for restriction in page.get_view_restrictions():
            if not restriction.accept_request(request):
                if restriction.restriction_type == PageViewRestriction.PASSWORD:
                    return 200, reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, page.pk])
                return 302, require_wagtail_login(next=url)["Location"]
        if not page.is_readable_by(request.user):
            return 302, redirect_to_login(url)["Location"]
        return 200, page.title


def assert_answers_as_wagtail(client: Client, user, url: str) -> int:
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    status, detail = wagtails_answer(client, user, url)
    for _ in range(2):  # Wagtail's route (and the cache's fill), then the cache's answer where it keeps one
        # LocaleMiddleware leaves /en/'s language active in this thread: restore it for the tests that follow.
        with translation.override(translation.get_language()):
            response = client.get(url)
        assert response.status_code == status, (url, response.status_code, status)
        if status == 302:
            assert response["Location"] == detail
        elif status == 200:
            assert detail in response.content.decode()
    return status


def _group_restriction(page, group):
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([group])
    return restriction


def test_plain_module_and_lesson_and_missing_paths(client, world, lesson):
    module = lesson.get_parent()
    for url in (lesson.url, module.url, f"{module.url}no-such-lesson/", f"{lesson.url}deeper/", "/lessons/none/"):
        assert_answers_as_wagtail(client, world.student.user, url)
    assert assert_answers_as_wagtail(client, world.student.user, lesson.url) == 200
    assert assert_answers_as_wagtail(client, world.student.user, "/lessons/none/") == 404
    assert assert_answers_as_wagtail(client, None, lesson.url) == 302  # not public: sign in first


def test_password_restriction_shows_wagtails_form_until_the_password_is_given(client, world, lesson):
    module = lesson.get_parent()
    assert assert_answers_as_wagtail(client, world.student.user, lesson.url) == 200  # cached before the password
    restriction = PageViewRestriction.objects.create(
        page=module, restriction_type=PageViewRestriction.PASSWORD, password="青盾2026"
    )
    for url in (module.url, lesson.url):
        assert assert_answers_as_wagtail(client, world.student.user, url) == 200
    html = client.get(lesson.url).content.decode()
    assert lesson.title not in html  # the form, not the lesson
    action = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, lesson.pk])
    client.post(action, {"password": "青盾2026", "return_url": lesson.url})
    assert wagtails_answer(client, world.student.user, lesson.url) == (200, lesson.title)
    assert lesson.title in client.get(lesson.url).content.decode()


def test_group_restriction_admits_members_only(client, world, lesson):
    group = Group.objects.create(name="禁毒社团")
    assert assert_answers_as_wagtail(client, world.teacher, lesson.url) == 200  # cached before the restriction
    restriction = _group_restriction(lesson, group)
    assert assert_answers_as_wagtail(client, world.student.user, lesson.url) == 302
    assert assert_answers_as_wagtail(client, world.teacher, lesson.url) == 302
    world.student.user.groups.add(group)
    assert assert_answers_as_wagtail(client, world.student.user, lesson.url) == 200
    assert assert_answers_as_wagtail(client, world.student.user, lesson.get_parent().url) == 200
    world.student.user.groups.remove(group)
    assert assert_answers_as_wagtail(client, world.student.user, lesson.url) == 302
    restriction.groups.add(Group.objects.create(name="青少年"))  # the groups of a restriction change its answer
    world.student.user.groups.add(Group.objects.get(name="青少年"))
    assert assert_answers_as_wagtail(client, world.student.user, lesson.url) == 200


def test_login_restriction_on_a_public_module(client, world):
    module = make_module(slug="open", is_public=True)
    lesson = make_lesson(module, slug="open-lesson")
    assert assert_answers_as_wagtail(client, None, lesson.url) == 200
    PageViewRestriction.objects.create(page=module, restriction_type=PageViewRestriction.LOGIN)
    assert assert_answers_as_wagtail(client, None, lesson.url) == 302
    assert assert_answers_as_wagtail(client, None, module.url) == 302
    assert assert_answers_as_wagtail(client, world.student.user, lesson.url) == 200


def test_an_alias_follows_the_restrictions_of_the_page_it_copies(client, world, lesson):
    module = lesson.get_parent().specific
    english_index = curriculum_index(Locale.objects.get_or_create(language_code="en")[0])
    module.create_alias(parent=english_index, update_locale=english_index.locale, recursive=True)
    alias = LessonPage.objects.get(alias_of=lesson)
    assert alias.url.startswith("/en/")
    assert assert_answers_as_wagtail(client, world.student.user, alias.url) == 200
    _group_restriction(module, Group.objects.create(name="Nobody"))
    assert assert_answers_as_wagtail(client, world.student.user, alias.url) == 302
    assert assert_answers_as_wagtail(client, world.student.user, alias.get_parent().url) == 302


def test_unpublished_pages(client, world, lesson):
    assert assert_answers_as_wagtail(client, world.student.user, lesson.url) == 200  # cached before unpublishing
    draft = make_lesson(lesson.get_parent(), slug="draft", live=False)
    assert assert_answers_as_wagtail(client, world.student.user, f"{lesson.get_parent().url}draft/") == 404
    assert not draft.live
    lesson.unpublish()
    assert assert_answers_as_wagtail(client, world.student.user, f"{lesson.get_parent().url}lesson/") == 404
    other = make_lesson(make_module(slug="hidden"), slug="under-hidden")
    assert assert_answers_as_wagtail(client, world.student.user, other.url) == 200
    ModulePage.objects.get(slug="hidden").unpublish()
    # Wagtail serves a live page below an unpublished one; whatever it answers, the site answers the same.
    assert_answers_as_wagtail(client, world.student.user, other.url)


def test_a_translated_lesson_is_served_in_english_under_en(client, world, lesson):
    english = Locale.objects.get_or_create(language_code="en")[0]
    curriculum_index(english)
    module = lesson.get_parent().specific
    module_en = module.copy_for_translation(english)
    module_en.title = "Saying no"
    module_en.save_revision().publish()
    lesson_en = lesson.copy_for_translation(english)
    lesson_en.title = "How to refuse"
    lesson_en.save_revision().publish()
    lesson_en = LessonPage.objects.get(pk=lesson_en.pk)
    assert lesson_en.url.startswith("/en/")
    assert assert_answers_as_wagtail(client, world.student.user, lesson_en.url) == 200
    assert assert_answers_as_wagtail(client, world.student.user, lesson.url) == 200
    with translation.override(translation.get_language()):
        html = client.get(lesson_en.url).content.decode()
    assert "How to refuse" in html and "Saying no" in html and lesson.title not in html
    assert assert_answers_as_wagtail(client, world.student.user, "/en/lessons/no-such-module/") == 404


def test_a_moved_lesson_answers_at_its_new_place_only(client, world, lesson):
    old_url = lesson.url
    assert assert_answers_as_wagtail(client, world.student.user, old_url) == 200
    lesson.move(make_module(slug="elsewhere"), pos="last-child")
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert lesson.url != old_url
    assert wagtails_answer(client, world.student.user, old_url) == (404, "")
    # Wagtail's redirects app answers the old path with the redirect it made on the move, every time.
    for _ in range(2):
        response = client.get(old_url)
        assert response.status_code == 301 and response["Location"] == lesson.url
    assert assert_answers_as_wagtail(client, world.student.user, lesson.url) == 200


def test_an_alias_follows_the_page_it_copies_when_that_is_published_again(client, world, lesson):
    module = lesson.get_parent().specific
    english_index = curriculum_index(Locale.objects.get_or_create(language_code="en")[0])
    module.create_alias(parent=english_index, update_locale=english_index.locale, recursive=True)
    alias = LessonPage.objects.get(alias_of=lesson)
    assert assert_answers_as_wagtail(client, world.student.user, alias.url) == 200
    lesson.title = "拒绝的第二种说法"
    lesson.save_revision().publish()
    assert assert_answers_as_wagtail(client, world.student.user, alias.url) == 200
    assert "拒绝的第二种说法" in client.get(alias.url).content.decode()
