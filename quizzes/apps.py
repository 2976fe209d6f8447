from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Quizzes")

    def ready(self):
        from core.seeding import register_seeder

        from . import access, navigation  # noqa: F401 (register the default rule and the menu item)
        from .seed import seed_quizzes

        register_seeder(30, "quizzes", seed_quizzes)
