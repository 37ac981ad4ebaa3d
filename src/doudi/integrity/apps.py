from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class IntegrityConfig(AppConfig):
    name = "doudi.integrity"
    label = "integrity"
    verbose_name = _("Integrity")

    def ready(self):
        from doudi.core.daily import register_daily
        from doudi.core.demo import register_step
        from doudi.core.navigation import NavItem, register, register_group
        from doudi.core.roles import Cap
        from doudi.oversight import sources as oversight_sources

        from . import sources, tasks  # noqa: F401  (tasks registers job handlers)
        from .demo import integrity_demo_step

        oversight_sources.register(
            sources.FINDING, _("Special-governance finding"), find=sources.find_finding
        )
        oversight_sources.register(sources.REPORT, _("Report from the public"), find=sources.find_report)
        register_step(integrity_demo_step, order=70)
        register_daily("integrity_daily", "举报督办每日检查")
        register_group("integrity", pgettext_lazy("menu group", "Integrity"), order=65)
        register(
            NavItem(_("Reports"), "integrity_reports", Cap.RECEIVE_REPORTS, order=60, group="integrity"),
            NavItem(_("Campaigns"), "integrity_campaigns", Cap.RUN_CAMPAIGNS, order=61, group="integrity"),
            NavItem(
                _("Self-inspection forms"),
                "integrity_my_forms",
                Cap.FILL_SELF_INSPECTION,
                order=62,
                group="integrity",
            ),
            NavItem(
                _("Report time limits"), "integrity_settings", Cap.EDIT_SETTINGS, order=95, group="system"
            ),
        )
