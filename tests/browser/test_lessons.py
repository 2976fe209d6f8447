"""The curriculum in a real browser: an editor writes a lesson, a reviewer approves it, a student reads it."""

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from lessons.tests.factories import STUDENT_SENTENCE, TEACHER_SECRET, make_lesson, make_module
from people.testing import PASSWORD, World

from .helpers import assert_accessible, sign_in

# Transactional tests flush the database; serialized_rollback restores what migrations created (the index).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _sign_in(page, base, username):
    sign_in(page, base, username, PASSWORD)
    # The click has only started the sign-in POST; wait until its redirect has landed, or the next goto could
    # abort it before the session cookie arrives.
    page.wait_for_url(lambda url: "/signin/" not in url)


def _post_editor_form(page, button, success_url, doing):
    """Click a button that posts Wagtail's page form and wait for the redirect Wagtail sends when it is accepted.

    A refused form is rendered again at the same address (status 200) with its errors; report them.
    """
    button.click()
    try:
        page.wait_for_url(success_url)
    except PlaywrightTimeout:
        errors = page.locator(".messages li, .error-message").all_inner_texts()
        pytest.fail(f"Wagtail did not accept {doing}: still at {page.url}; messages: {errors}")
    expect(page.locator(".messages li.success")).to_have_count(1)


def test_student_reads_a_lesson_at_360px(live_server, phone_page):
    world = World()
    lesson = make_lesson(make_module())
    page = phone_page
    _sign_in(page, live_server.url, world.student.user.username)
    page.goto(live_server.url + lesson.get_url())
    assert page.locator("h1").inner_text() == lesson.title
    assert STUDENT_SENTENCE in page.content()
    assert TEACHER_SECRET not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert_accessible(page, "on a lesson page at 360 px")
    assert page.watcher.errors == []


def test_editor_writes_reviewer_approves_student_reads(live_server, desktop_page, new_page, wagtail_autosave_off):
    world = World()
    module = make_module()
    base = live_server.url
    # Where Wagtail sends the editor after "Submit to …" and the reviewer after "Approve" when the form was accepted.
    explorer = f"{base}/admin/pages/{module.pk}/"
    page = desktop_page

    _sign_in(page, base, world.editor.username)
    page.goto(f"{base}/admin/pages/add/lessons/lessonpage/{module.pk}/")
    page.fill("#id_title", "浏览器里写的一课")
    page.fill("#id_summary", "学会拒绝。")
    page.check("input[name=grade_bands][value=junior]")
    page.check("input[name=goals][value=refuse]")
    page.locator("button.c-sf-add-button").first.click()
    # Chosen by icon, so the test does not depend on the admin's language.
    page.locator("[role=option]:has(svg.icon-pilcrow)").first.click()
    editor = page.locator(".public-DraftEditor-content").first
    editor.click()
    editor.type("在浏览器里写下：坚决拒绝冰毒。")
    # Draftail copies what was typed into the form's hidden field 250 ms after the last keystroke, and every
    # keystroke restarts that delay. Submitted sooner, the form still carries the block's empty initial paragraph,
    # which the create view accepts but the reviewer's form then rejects as "required", so the approval failed:
    # that was the flake. Wait for the field to hold the text.
    expect(page.locator("input[name='body-0-value']")).to_have_value(re.compile("坚决拒绝冰毒"))
    page.locator("[role=tab]").nth(1).click()  # the Promote tab, where the slug is
    page.fill("#id_slug", "browser-lesson")
    expect(page.locator("#id_slug")).to_have_value("browser-lesson")
    # "提交给课程审核" (Submit to the review workflow) lives in the save button's dropdown.
    page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    _post_editor_form(page, page.locator("button[name=action-submit]"), explorer, "submitting the lesson for review")
    from lessons.models import LessonPage

    lesson = LessonPage.objects.get(slug="browser-lesson", locale=module.locale)
    assert not lesson.live
    assert lesson.current_workflow_task is not None
    # What went to review is what was typed (the flake sent an empty paragraph).
    assert "坚决拒绝冰毒" in str(lesson.get_latest_revision_as_object().body.raw_data)

    reviewer = new_page()
    _sign_in(reviewer, base, world.reviewer.username)
    reviewer.goto(f"{base}/admin/pages/{lesson.pk}/edit/")
    reviewer.locator("footer [data-w-dropdown-target='toggle']").first.click()
    # Wagtail 8.0.1 offers "Approve" (posts the edit form at once) and "Approve with comment" (asks for a comment in
    # a dialog first); both are data-workflow-action-name=approve. Take the one without the dialog.
    approve = reviewer.locator("[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])")
    _post_editor_form(reviewer, approve, explorer, "approving the lesson")
    # The redirect is sent after the approval's transaction has committed: no polling needed.
    lesson.refresh_from_db()
    assert lesson.live

    student = new_page()
    _sign_in(student, base, world.student.user.username)
    student.goto(base + lesson.get_url())
    expect(student.locator("h1")).to_have_text("浏览器里写的一课")
    assert "坚决拒绝冰毒" in student.content()
    assert_accessible(student, "on the approved lesson")
