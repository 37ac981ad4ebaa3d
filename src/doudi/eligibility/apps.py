from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EligibilityConfig(AppConfig):
    name = "doudi.eligibility"
    label = "eligibility"
    verbose_name = _("Eligibility")

    def ready(self):
        from doudi.core.demo import register_step
        from doudi.core.navigation import NavItem, register
        from doudi.core.roles import Cap

        from . import sections
        from .demo import eligibility_step

        register_step(eligibility_step, order=30)
        sections.register()
        register(
            NavItem(_("Eligibility cases"), "elig_worklist", Cap.VIEW_PERSONS, order=20, group="eligibility"),
            NavItem(
                _("Dynamic review"), "elig_dynamic", Cap.CONFIRM_ELIGIBILITY, order=22, group="eligibility"
            ),
            NavItem(_("Policy settings"), "elig_settings", Cap.EDIT_SETTINGS, order=85, group="system"),
            NavItem(_("Work calendar"), "elig_calendar", Cap.EDIT_SETTINGS, order=86, group="system"),
        )
