from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Quizzes")

    def ready(self):
        from core.seeding import register_seeder
        from people.promotion import register_new_year_activity

        from . import access, navigation  # noqa: F401 (register the default rule and the menu item)
        from .models import Attempt
        from .seed import seed_quizzes

        def new_attempts(school, year, since):
            return Attempt.objects.filter(school=school, started_at__gte=since).exists()

        register_seeder(30, "quizzes", seed_quizzes)
        # A quiz started after a promotion ends the chance to undo it (people.promotion).
        register_new_year_activity(_("quizzes were started"), new_attempts)
