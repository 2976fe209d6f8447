"""A lesson page stays cheap for a signed-in student, whatever the body holds."""

import pytest

from .factories import make_lesson, make_module
from .test_blocks import full_body

pytestmark = pytest.mark.django_db

# Exactly, once the article is in the render cache (lessons/render_cache.py): the session and the user; Wagtail's
# site, active locale and the curriculum index as its specific type; the lesson with its module's and quiz's
# titles and whether a view restriction can apply (one query, lessons/models/routing.py); the reader's roles (2),
# which decide the audience and which the navigation reuses. Nothing depends on what the body holds.
STUDENT_LESSON_QUERIES = 8


def test_student_reads_a_full_lesson_in_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    lesson = make_lesson(make_module(), body=full_body() * 3)
    client.force_login(world.student.user)
    url = lesson.get_url()
    client.get(url)  # fills the render cache and the image renditions, as a running site would have
    with django_assert_num_queries(STUDENT_LESSON_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert "课后小测：拒绝的技巧" in response.content.decode()
