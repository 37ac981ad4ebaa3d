from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuardianshipConfig(AppConfig):
    name = "doudi.guardianship"
    label = "guardianship"
    verbose_name = _("Guardianship")

    def ready(self):
        from doudi.core.daily import register_daily
        from doudi.core.demo import register_step
        from doudi.core.navigation import NavItem, register
        from doudi.core.roles import Cap
        from doudi.registry.sections import Section, register_section

        from . import tasks  # noqa: F401  (registers job handlers)

        register_daily("care_agreement_reminders", "监护照料协议到期提醒")
        from .demo import demo_step
        from .selectors import person_section

        register_step(demo_step, order=20)
        register(
            NavItem(_("Guardianship"), "care_coverage", Cap.VIEW_PERSONS, order=30, group="guardianship")
        )
        register_section(
            Section(
                "guardian",
                _("Guardian"),
                "guardianship/_person_section.html",
                order=40,
                cap=Cap.VIEW_PERSONS,
                context=person_section,
            )
        )
