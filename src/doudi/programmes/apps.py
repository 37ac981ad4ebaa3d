from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProgrammesConfig(AppConfig):
    name = "doudi.programmes"
    label = "programmes"
    verbose_name = _("Pilot plans")

    def ready(self):
        from doudi.core.daily import register_daily
        from doudi.core.demo import register_step
        from doudi.core.navigation import NavItem, register, register_group
        from doudi.core.roles import Cap

        from . import tasks  # noqa: F401  (registers job handlers)

        register_daily("programmes_daily", "试点方案每日预警")
        from .demo import programmes_demo_step

        # After the units (core) and the care loop (40) and oversight (50): the plans name the units.
        register_step(programmes_demo_step, order=80)

        register_group("programmes", pgettext_lazy("menu group", "Pilot plans"), order=70)
        register(NavItem(_("Pilot plans"), "programmes_plans", Cap.VIEW_PLANS, order=60, group="programmes"))
        register(NavItem(_("Ledgers"), "programmes_ledgers", Cap.VIEW_PLANS, order=62, group="programmes"))
        register(
            NavItem(
                _("Reports due"), "programmes_worklist", Cap.REPORT_PROGRESS, order=61, group="programmes"
            )
        )
