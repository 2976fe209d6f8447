from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClassroomConfig(AppConfig):
    name = "classroom"
    verbose_name = _("Classroom work")

    def ready(self):
        from core.seeding import register_seeder
        from people.privacy import register_student_section
        from people.promotion import register_new_year_activity
        from quizzes.access import register_rule
        from quizzes.allowances import register_source
        from quizzes.counting import register_exclusion

        from . import navigation, signals  # noqa: F401 (menu items, home panels, quiz signal)
        from .access import allowance_for, assigned_to_class
        from .completion import rejected_attempts
        from .letters import parent_acknowledgements
        from .promotion import new_activities, new_assignments, new_class_hours, new_lesson_reading
        from .seed import seed_classroom

        register_rule("assigned_to_class", assigned_to_class)
        register_source("classroom_allowance", allowance_for)
        register_exclusion("confirmed_integrity_flag", rejected_attempts)
        register_seeder(40, "classroom", seed_classroom)
        register_student_section("parent_acknowledgements", _("Parents' acknowledgements"), parent_acknowledgements)
        # What ends the chance to undo a promotion: the school's first work after it (people.promotion).
        register_new_year_activity(_("work was assigned"), new_assignments)
        register_new_year_activity(_("students opened lessons"), new_lesson_reading)
        register_new_year_activity(_("class hours were logged"), new_class_hours)
        register_new_year_activity(_("activities were recorded"), new_activities)
