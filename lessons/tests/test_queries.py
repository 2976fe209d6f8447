"""A lesson page stays cheap for a signed-in student, whatever the body holds."""

import pytest

from .factories import make_lesson, make_module
from .test_blocks import full_body

pytestmark = pytest.mark.django_db

# Exactly, once the article is in the render cache (lessons/render_cache.py): the session and the user (Django's
# own); Wagtail's site, active locale and the curriculum index as its specific type; Wagtail's walk, two per level
# (the module by slug, its specific row; the lesson by slug, its specific row), which also hands the lesson its
# module; Wagtail's view-restriction check (the ancestors' alias_of, then the restrictions); the reader's roles
# (2), which decide the audience and which the navigation reuses. A lesson with a quiz reads the quiz's title
# too (one more). Nothing depends on what the body holds.
STUDENT_LESSON_QUERIES = 13


def test_student_reads_a_full_lesson_in_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    lesson = make_lesson(make_module(), body=full_body() * 3)
    client.force_login(world.student.user)
    url = lesson.get_url()
    client.get(url)  # fills the render cache and the image renditions, as a running site would have
    with django_assert_num_queries(STUDENT_LESSON_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert "课后小测：拒绝的技巧" in response.content.decode()
