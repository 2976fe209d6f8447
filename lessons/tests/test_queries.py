"""A lesson page stays cheap for a signed-in student, whatever the body holds."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from lessons import page_cache

from .factories import make_lesson, make_module
from .test_blocks import full_body

pytestmark = pytest.mark.django_db

# Exactly, once the page is in the response cache (lessons/page_cache.py): the session and the user (Django's
# own); the render generation from the "shared" cache (the database cache in the tests; none with Redis); the
# reader's roles (2), which decide the audience and which the navigation reuses. No routing: the entry is found by
# host, path, language and audience. Nothing depends on what the body holds. The header's unread-message badge
# reads a count on the user row (people/notifications.py) and costs none.
STUDENT_LESSON_QUERIES = 5
# Exactly, the request that fills it (the article already in the render cache, lessons/render_cache.py): the
# session and the user; the roles (2) for the audience; the generation, read again by the article's lookup (2);
# Wagtail's site, active locale and the curriculum index as its specific type; Wagtail's walk, two per level
# (the module by slug, its specific row; the lesson by slug, its specific row), which also hands the lesson its
# module; Wagtail's view-restriction check (the ancestors' alias_of, then the restrictions); the fill's own check
# that no restriction applies; the quiz's title, which the article's key holds (this lesson has a quiz).
STUDENT_LESSON_FILL_QUERIES = 17


def test_student_reads_a_full_lesson_in_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    lesson = make_lesson(make_module(), body=full_body() * 3)
    client.force_login(world.student.user)
    url = lesson.get_url()
    client.get(url)  # fills the render cache and the image renditions, as a running site would have
    with django_assert_num_queries(STUDENT_LESSON_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert "课后小测：拒绝的技巧" in response.content.decode()


def test_the_request_that_fills_the_page_cache_routes_through_wagtail(client, world, django_assert_num_queries):
    lesson = make_lesson(make_module(), body=full_body() * 3)
    client.force_login(world.student.user)
    url = lesson.get_url()
    client.get(url)
    key = page_cache._key(RequestFactory().get(url), "student")
    assert cache.get(key) is not None
    cache.delete(key)  # the article stays in the render cache, as for any first reader of this audience
    with django_assert_num_queries(STUDENT_LESSON_FILL_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert "课后小测：拒绝的技巧" in response.content.decode()
