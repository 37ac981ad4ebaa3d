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

        from doudi.registry.sections import Section, register_section

        from .selectors import person_section

        register_section(
            Section(
                "guardian",
                _("Guardian"),
                "care/_person_section.html",
                order=40,
                cap=Cap.VIEW_PERSONS,
                context=person_section,
            )
        )
