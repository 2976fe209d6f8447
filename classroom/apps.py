from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClassroomConfig(AppConfig):
    name = "classroom"
    verbose_name = _("Classroom work")

    def ready(self):
        from core.seeding import register_seeder
        from quizzes.access import register_rule
        from quizzes.allowances import register_source
        from quizzes.counting import register_exclusion

        from . import navigation, signals  # noqa: F401 (menu items, home panels, quiz signal)
        from .access import allowance_for, assigned_to_class
        from .completion import rejected_attempts
        from .seed import seed_classroom

        register_rule("assigned_to_class", assigned_to_class)
        register_source("classroom_allowance", allowance_for)
        register_exclusion("confirmed_integrity_flag", rejected_attempts)
        register_seeder(40, "classroom", seed_classroom)
