from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = _("Curriculum")

    def ready(self):
        from core.navigation import NavItem, register_nav
        from core.seeding import register_seeder

        from .letters_seed import seed_parent_letter
        from .render_cache import connect_signals
        from .seed import seed_curriculum
        from .training_seed import seed_training

        connect_signals()

        register_nav(NavItem(key="curriculum", label=_("Curriculum"), url_name="lessons:home", order=20))
        register_seeder(20, "curriculum", seed_curriculum)
        register_seeder(21, "parent letter", seed_parent_letter)
        register_seeder(22, "teacher training", seed_training)
