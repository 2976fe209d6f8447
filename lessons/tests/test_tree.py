"""Tree rules and creation in the admin (WagtailPageTestCase)."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Locale, Page
from wagtail.test.utils import WagtailPageTestCase

from lessons.models import CurriculumIndexPage, LessonPage, ModulePage, TrainingCoursePage
from people.testing import make_user

from .admin_data import lesson_form, module_form
from .factories import chinese_index, make_lesson, make_module


class TreeRulesTests(WagtailPageTestCase):
    def test_allowed_parents_and_children(self):
        self.assertAllowedParentPageTypes(CurriculumIndexPage, {Page})
        self.assertAllowedSubpageTypes(CurriculumIndexPage, {ModulePage, TrainingCoursePage})
        self.assertAllowedParentPageTypes(TrainingCoursePage, {CurriculumIndexPage})
        self.assertAllowedSubpageTypes(TrainingCoursePage, set())
        self.assertAllowedParentPageTypes(ModulePage, {CurriculumIndexPage})
        self.assertAllowedSubpageTypes(ModulePage, {LessonPage})
        self.assertAllowedParentPageTypes(LessonPage, {ModulePage})
        self.assertAllowedSubpageTypes(LessonPage, set())

    def test_lessons_only_in_modules_and_modules_only_in_an_index(self):
        self.assertCanNotCreateAt(CurriculumIndexPage, LessonPage)
        self.assertCanNotCreateAt(LessonPage, LessonPage)
        self.assertCanNotCreateAt(Page, ModulePage)
        self.assertCanCreateAt(ModulePage, LessonPage)

    def test_index_pages_only_under_the_root_and_one_per_language(self):
        index = chinese_index()
        self.assertFalse(CurriculumIndexPage.can_create_at(index))
        self.assertTrue(CurriculumIndexPage.can_create_at(Page.get_first_root_node()))
        duplicate = CurriculumIndexPage(title="又一个", slug="again", locale=Locale.get_default())
        with self.assertRaises(ValidationError):
            duplicate.full_clean()

    def test_the_chinese_index_is_the_site_root(self):
        from wagtail.models import Site

        self.assertEqual(Site.objects.get(is_default_site=True).root_page_id, chinese_index().pk)


class AdminCreationTests(WagtailPageTestCase):
    def setUp(self):
        self.admin = make_user("cms-admin", is_superuser=True, is_staff=True)
        self.client.force_login(self.admin)

    def _create(self, parent, model, data):
        url = reverse("wagtailadmin_pages:add", args=["lessons", model._meta.model_name, parent.pk])
        response = self.client.post(url, {**data, "action-publish": "action-publish"})
        form = response.context["form"] if response.status_code == 200 else None
        self.assertEqual(response.status_code, 302, form.errors if form else response)
        # simple_translation (sync page tree) also makes English aliases; the Chinese page is the one created.
        return model.objects.get(slug=data["slug"], locale=Locale.get_default())

    def test_create_module_and_lesson_in_the_admin(self):
        index = chinese_index()
        module = self._create(index, ModulePage, module_form())
        self.assertEqual(module.grade_band, "junior")
        lesson = self._create(module, LessonPage, lesson_form())
        self.assertEqual(lesson.grade_bands, ["junior"])
        self.assertEqual(lesson.goals, ["refuse", "skills"])
        self.assertEqual(str(lesson.class_hours), "0.5")
        self.assertEqual(sorted(lesson.tags.names()), ["拒绝技巧", "电子烟"])
        self.assertIn("冰毒", lesson.search_text.split())
        self.assertTrue(lesson.live)
        english_alias = LessonPage.objects.get(slug="refusal", locale__language_code="en")
        self.assertEqual(english_alias.alias_of_id, lesson.pk)

    def test_edit_and_routing(self):
        module = make_module()
        lesson = make_lesson(module)
        self.assertEqual(self.client.get(lesson.get_url()).status_code, 200)
        edit = self.client.get(reverse("wagtailadmin_pages:edit", args=[lesson.pk]))
        self.assertEqual(edit.status_code, 200)
