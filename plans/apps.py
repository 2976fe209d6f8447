from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plans and audit")

    def ready(self):
        from classroom.activity_types import register_source
        from core.seeding import register_seeder

        from . import live, navigation  # noqa: F401
        from .activity_source import plan_activity_types
        from .seed import seed_plans

        register_seeder(50, "plans", seed_plans)
        register_source(plan_activity_types)
        live.connect()
