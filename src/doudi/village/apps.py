from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class VillageConfig(AppConfig):
    name = "doudi.village"
    label = "village"
    verbose_name = _("Village supervision")

    def ready(self):
        from doudi.core.daily import register_daily
        from doudi.core.demo import register_step
        from doudi.core.navigation import NavItem, register, register_group
        from doudi.core.roles import Cap
        from doudi.oversight import sources as oversight_sources

        from . import (
            sources,
            tasks,  # noqa: F401  (registers the daily job's handler)
        )
        from .demo import village_demo_step

        register_step(village_demo_step, order=75)
        register_daily("village_daily", "村务监督每日检查")
        oversight_sources.register(
            sources.INQUIRY, _("Inquiry of a village supervision committee"), find=sources.find_inquiry
        )
        oversight_sources.register(
            sources.APPEAL, _("Appeal of a village supervision committee"), find=sources.find_appeal
        )

        register_group("village", pgettext_lazy("menu group", "Village supervision"), order=60)
        register(
            NavItem(
                _("Village supervision"), "village_home", Cap.VIEW_VILLAGE_AFFAIRS, order=60, group="village"
            ),
            NavItem(_("Appeals"), "village_appeals", Cap.HANDLE_APPEALS, order=61, group="village"),
            NavItem(
                _("Village supervision settings"),
                "village_settings",
                Cap.EDIT_VILLAGE_SETTINGS,
                order=62,
                group="village",
            ),
        )
