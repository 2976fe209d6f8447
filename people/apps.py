from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("People and schools")

    def ready(self):
        from core.seeding import register_seeder

        from . import navigation, signals  # noqa: F401
        from .seed import seed_people

        register_seeder(10, "people", seed_people)
