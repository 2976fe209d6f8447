"""Editors save drafts and submit; reviewers approve, which publishes; students see only what is live."""

from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from lessons.models import LessonPage
from people.models import RoleKind
from people.testing import World

from .admin_data import lesson_form
from .factories import make_module


class ReviewWorkflowTests(WagtailPageTestCase):
    def setUp(self):
        self.world = World()
        self.module = make_module()

    def test_draft_is_invisible_to_students_until_a_reviewer_approves(self):
        world = self.world
        self.client.force_login(world.editor)
        add_url = reverse("wagtailadmin_pages:add", args=["lessons", "lessonpage", self.module.pk])
        response = self.client.post(add_url, {**lesson_form(), "action-submit": "action-submit"})
        self.assertEqual(response.status_code, 302, response.content[:300])
        lesson = LessonPage.objects.get(slug="refusal", locale=self.module.locale)
        self.assertFalse(lesson.live)
        self.assertEqual(lesson.current_workflow_task.name, "审核人审批")

        # Editors cannot publish on their own.
        self.assertFalse(lesson.permissions_for_user(world.editor).can_publish())
        self.assertTrue(lesson.permissions_for_user(world.reviewer).can_publish())

        self.client.force_login(world.student.user)
        self.assertEqual(self.client.get(f"/lessons/{self.module.slug}/refusal/").status_code, 404)

        self.client.force_login(world.reviewer)
        task_state = lesson.current_workflow_task_state
        approve = reverse("wagtailadmin_pages:workflow_action", args=[lesson.pk, "approve", task_state.pk])
        response = self.client.post(approve, {"comment": "内容准确，同意发布。"})
        self.assertIn(response.status_code, (200, 302))
        lesson.refresh_from_db()
        self.assertTrue(lesson.live)

        self.client.force_login(world.student.user)
        response = self.client.get(lesson.get_url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "面对诱惑要坚决拒绝冰毒")

    def test_scheduled_publishing_keeps_the_page_hidden_until_its_time(self):
        from datetime import timedelta

        from django.utils import timezone

        lesson = LessonPage(
            title="定时发布",
            slug="later",
            summary="稍后发布",
            grade_bands=["junior"],
            goals=["know"],
            body=[],
            live=False,
        )
        self.module.add_child(instance=lesson)
        lesson.go_live_at = timezone.now() + timedelta(days=1)
        revision = lesson.save_revision(approved_go_live_at=lesson.go_live_at)
        revision.publish()
        lesson.refresh_from_db()
        self.assertFalse(lesson.live)
        self.client.force_login(self.world.student.user)
        self.assertEqual(self.client.get(f"/lessons/{self.module.slug}/later/").status_code, 404)

    def test_editor_and_reviewer_groups_come_from_roles(self):
        self.assertTrue(self.world.editor.groups.filter(name="Content editors").exists())
        self.assertTrue(self.world.reviewer.groups.filter(name="Content reviewers").exists())
        self.assertTrue(Page.objects.get(depth=1).group_permissions.filter(group__name="Content editors").exists())
        self.assertEqual(RoleKind.CONTENT_EDITOR, "content_editor")
