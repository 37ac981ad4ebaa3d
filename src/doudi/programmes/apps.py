from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "doudi.programmes"
    label = "programmes"
    verbose_name = _("Pilot plans")

    def ready(self):
        from doudi.core.navigation import NavItem, register
        from doudi.core.roles import Cap

        from . import tasks  # noqa: F401  (registers job handlers)

        register(NavItem(_("Pilot plans"), "programmes_plans", Cap.VIEW_PLANS, order=60))
        register(NavItem(_("Ledgers"), "programmes_ledgers", Cap.VIEW_PLANS, order=62))
        register(NavItem(_("Reports due"), "programmes_worklist", Cap.REPORT_PROGRESS, order=61))
