from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class VillageConfig(AppConfig):
    name = "doudi.village"
    label = "village"
    verbose_name = _("Village supervision")

    def ready(self):
        from doudi.core.demo import register_step
        from doudi.core.navigation import NavItem, register, register_group
        from doudi.core.roles import Cap

        from .demo import village_demo_step

        register_step(village_demo_step, order=75)

        register_group("village", pgettext_lazy("menu group", "Village supervision"), order=60)
        register(
            NavItem(
                _("Village supervision"), "village_home", Cap.VIEW_VILLAGE_AFFAIRS, order=60, group="village"
            )
        )
