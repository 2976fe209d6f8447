from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField

from .base import BasePage


class CurriculumIndexPage(BasePage):
    """The root of one language's curriculum; the Chinese one is the site's root page."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["lessons.ModulePage", "lessons.TrainingCoursePage"]
    template = "lessons/curriculum_index_page.html"

    content_panels = BasePage.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = _("curriculum index")
        verbose_name_plural = _("curriculum indexes")

    @classmethod
    def can_create_at(cls, parent):
        return super().can_create_at(parent) and parent.is_root()

    def clean(self):
        super().clean()
        others = CurriculumIndexPage.objects.filter(locale_id=self.locale_id)
        if self.pk:
            others = others.exclude(pk=self.pk)
        if self.locale_id and others.exists():
            raise ValidationError(_("There is already a curriculum index in this language."))

    def is_readable_by(self, user) -> bool:
        # Everyone may open the index; it lists only the modules the reader may open.
        return True

    def modules_for(self, user):
        from .module import ModulePage

        modules = ModulePage.objects.child_of(self).live().order_by("order", "path")
        if not user.is_authenticated:
            modules = modules.filter(is_public=True)
        return modules

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["modules"] = self.modules_for(request.user)
        return context
