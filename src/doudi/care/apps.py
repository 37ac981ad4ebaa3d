from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "doudi.care"
    label = "care"
    verbose_name = _("Care")

    def ready(self):
        from doudi.core.demo import register_step
        from doudi.core.navigation import NavItem, register
        from doudi.core.roles import Cap

        from . import tasks  # noqa: F401  (registers job handlers)
        from .demo import demo_step

        register_step(demo_step)
        register(NavItem(_("Guardianship"), "care_coverage", Cap.VIEW_PERSONS, order=30))
