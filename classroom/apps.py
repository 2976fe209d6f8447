from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClassroomConfig(AppConfig):
    name = "classroom"
    verbose_name = _("Classroom work")

    def ready(self):
        from core.seeding import register_seeder
        from people.privacy import register_student_section
        from quizzes.access import register_rule
        from quizzes.counting import register_exclusion

        from . import navigation, signals  # noqa: F401 (menu items, home panels, quiz signal)
        from .access import assigned_to_class
        from .completion import rejected_attempts
        from .letters import parent_acknowledgements
        from .seed import seed_classroom

        register_rule("assigned_to_class", assigned_to_class)
        register_exclusion("confirmed_integrity_flag", rejected_attempts)
        register_seeder(40, "classroom", seed_classroom)
        register_student_section("parent_acknowledgements", _("Parents' acknowledgements"), parent_acknowledgements)
