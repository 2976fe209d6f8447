"""Who reads what: sign-in rule, public modules, and teacher-only content kept from students everywhere."""

import json

import pytest
from django.urls import reverse

from lessons.search import search_lessons

from .factories import STUDENT_SENTENCE, TEACHER_FILE_TITLE, TEACHER_SECRET, make_document, make_lesson, make_module

pytestmark = pytest.mark.django_db


def _html(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_visitor_is_sent_to_sign_in_for_a_private_module(client, lesson):
    response = client.get(lesson.get_url())
    assert response.status_code == 302
    assert reverse("people:login") in response["Location"]
    assert client.get(lesson.module.get_url()).status_code == 302


def test_public_module_is_open_but_still_hides_teacher_content(client):
    module = make_module(slug="open", is_public=True)
    lesson = make_lesson(module)
    html = client.get(lesson.get_url()).content.decode()
    assert STUDENT_SENTENCE in html
    assert TEACHER_SECRET not in html and TEACHER_FILE_TITLE not in html


def test_index_lists_only_public_modules_to_visitors(client, module):
    make_module(slug="open", title="公开专题", is_public=True)
    html = client.get(module.get_parent().get_url()).content.decode()
    assert "公开专题" in html and module.title not in html


def test_student_html_has_no_teacher_only_blocks(client, world, lesson):
    html = _html(client, world.student.user, lesson.get_url())
    assert STUDENT_SENTENCE in html
    assert TEACHER_SECRET not in html
    assert TEACHER_FILE_TITLE not in html
    assert reverse("lessons:teacher", args=[lesson.pk]) not in html


@pytest.mark.parametrize("who", ["teacher", "grade_leader", "editor", "reviewer"])
def test_teachers_editors_and_reviewers_see_teacher_blocks(client, world, lesson, who):
    html = _html(client, getattr(world, who), lesson.get_url())
    assert TEACHER_SECRET in html and TEACHER_FILE_TITLE in html


def test_school_admins_and_bureau_read_the_student_version(client, world, lesson):
    for user in (world.school_admin, world.auditor):
        assert TEACHER_SECRET not in _html(client, user, lesson.get_url())


def test_student_json_has_no_teacher_only_blocks(client, world, module):
    public_doc = make_document("学生讲义", b"handout")
    lesson = make_lesson(module, slug="json", body=None)
    lesson.body = list(lesson.body.raw_data) + [
        {
            "type": "download",
            "value": {"document": public_doc.pk, "kind": "handout", "title": "学生讲义", "audience": "everyone"},
        }
    ]
    lesson.save_revision().publish()
    client.force_login(world.student.user)
    response = client.get(reverse("lessons:lesson_json", args=[lesson.pk]))
    assert response.status_code == 200
    data = json.loads(response.content)
    types = [block["type"] for block in data["body"]]
    assert "teacher_note" not in types
    assert [block["value"]["title"] for block in data["body"] if block["type"] == "download"] == ["学生讲义"]
    assert TEACHER_SECRET not in response.content.decode()
    client.force_login(world.teacher)
    teacher_data = client.get(reverse("lessons:lesson_json", args=[lesson.pk])).json()
    assert "teacher_note" in [block["type"] for block in teacher_data["body"]]


def test_json_of_a_private_lesson_needs_sign_in(client, lesson):
    assert client.get(reverse("lessons:lesson_json", args=[lesson.pk])).status_code == 302


def test_student_preview_mode_hides_teacher_blocks_and_teacher_mode_shows_them(client, world, lesson):
    client.force_login(world.editor)
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[lesson.pk])
    # The preview renders what is posted; post the edit form's current data first.
    from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

    data = nested_form_data(
        {
            "title": lesson.title,
            "slug": lesson.slug,
            "summary": lesson.summary,
            "grade_bands": ["junior"],
            "goals": ["refuse"],
            "class_hours": "1.0",
            "estimated_minutes": "40",
            "activity_type": "",
            "tags": "",
            "body": streamfield(
                [
                    ("paragraph", rich_text(f"<p>{STUDENT_SENTENCE}</p>")),
                    ("teacher_note", {"title": "教学提示", "body": rich_text(f"<p>{TEACHER_SECRET}</p>")}),
                ]
            ),
        }
    )
    posted = client.post(url, data)
    assert posted.json()["is_valid"], posted.content
    student_view = client.get(url).content.decode()
    assert STUDENT_SENTENCE in student_view and TEACHER_SECRET not in student_view
    teacher_view = client.get(url, {"mode": "teacher"}).content.decode()
    assert TEACHER_SECRET in teacher_view


def test_teacher_view_refuses_students_and_visitors(client, world, lesson):
    url = reverse("lessons:teacher", args=[lesson.pk])
    assert client.get(url).status_code == 302
    client.force_login(world.student.user)
    assert client.get(url).status_code == 403
    client.force_login(world.teacher)
    html = client.get(url).content.decode()
    assert TEACHER_SECRET in html and TEACHER_FILE_TITLE in html
    assert "40" in html


def test_teacher_view_offers_assigning_only_to_people_who_teach(client, world, lesson):
    url = reverse("lessons:teacher", args=[lesson.pk])
    assign = f"{reverse('classroom:assign')}?lesson={lesson.pk}"
    client.force_login(world.teacher)
    assert assign in client.get(url).content.decode()
    client.force_login(world.editor)
    response = client.get(url)
    assert response.status_code == 200 and assign not in response.content.decode()


def test_search_snippets_and_index_leave_out_teacher_text(rf, world, lesson):
    request = rf.get("/curriculum/search/")
    request.user = world.teacher
    # The teacher-only words are not indexed, so even a teacher's search does not surface them.
    assert search_lessons("吸食方式", request) == []
    results = search_lessons("冰毒", request)
    assert [result.lesson.pk for result in results] == [lesson.pk]
    assert TEACHER_SECRET not in results[0].snippet
    assert "<mark>冰毒</mark>" in results[0].snippet


def test_teacher_only_lesson_plan_file_is_not_downloadable_by_students(client, world):
    from lessons.seed import teacher_collection

    document = make_document("教案", b"PK plan")
    document.collection = teacher_collection()
    document.save()
    client.force_login(world.student.user)
    assert client.get(document.url).status_code in (302, 403)
    client.force_login(world.teacher)
    assert client.get(document.url).status_code == 200
