from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReportsConfig(AppConfig):
    name = "doudi.reports"
    label = "reports"
    verbose_name = pgettext_lazy("reports", "Reports")

    def ready(self):
        from doudi.core import regions as rcodes
        from doudi.core.demo import register_step
        from doudi.core.navigation import NavItem, Widget, register, register_widget
        from doudi.core.roles import Cap

        from .demo import demo_step

        register_step(demo_step, order=60)
        register(
            NavItem(
                _("Monthly statistics"), "reports_monthly", Cap.VIEW_PERSONS, order=80, group="statistics"
            ),
            NavItem(
                _("Month-end"),
                "reports_closing",
                Cap.VIEW_PERSONS,
                order=81,
                group="statistics",
                max_level=rcodes.TOWNSHIP,  # a county and its townships close the month
            ),
            NavItem(_("Map"), "reports_map", Cap.VIEW_PERSONS, order=82, group="statistics"),
        )
        register_widget(Widget("reports/_dashboard.html", Cap.VIEW_PERSONS, order=10))
