"""A lesson page stays cheap for a signed-in student, whatever the body holds."""

import pytest

from .factories import make_lesson, make_module
from .test_blocks import full_body

pytestmark = pytest.mark.django_db

# Session, user, roles (2), site and routing (3), the page, its module, one query per chooser kind in the
# body (image and its rendition, documents, quiz, embed) and the navigation's lookups.
STUDENT_LESSON_BUDGET = 22


def test_student_reads_a_full_lesson_in_bounded_queries(client, world, django_assert_max_num_queries):
    lesson = make_lesson(make_module(), body=full_body() * 3)
    client.force_login(world.student.user)
    url = lesson.get_url()
    client.get(url)  # warm the site-root cache and image renditions, as a running site would have
    with django_assert_max_num_queries(STUDENT_LESSON_BUDGET):
        response = client.get(url)
    assert response.status_code == 200
