from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class GovernanceConfig(AppConfig):
    name = "doudi.governance"
    label = "governance"
    verbose_name = _("Points schemes")

    def ready(self):
        from doudi.core.daily import register_daily
        from doudi.core.demo import register_step
        from doudi.core.navigation import NavItem, register, register_group
        from doudi.core.roles import Cap
        from doudi.oversight import sources as oversight_sources
        from doudi.village.public import PublicSection, register_public_section

        from . import tasks  # noqa: F401  (registers job handlers)
        from .demo import governance_demo_step
        from .selectors import find_colour_result, public_lists
        from .services import SOURCE_COLOUR

        oversight_sources.register(SOURCE_COLOUR, _("Points warning"), find=find_colour_result)
        register_daily("governance_daily", "积分方案周期结算")
        register_public_section(
            PublicSection(
                "honour-lists", _("Red and black lists"), "governance/_public_lists.html", public_lists
            )
        )
        # After programmes (80): the demo's schemes run in its townships.
        register_step(governance_demo_step, order=85)
        register_group("governance", pgettext_lazy("menu group", "Points schemes"), order=72)
        register(
            NavItem(_("Points schemes"), "governance_schemes", Cap.VIEW_SCORES, order=70, group="governance"),
            NavItem(_("Award points"), "governance_award", Cap.AWARD_POINTS, order=71, group="governance"),
            NavItem(
                _("Points supermarket"), "governance_market", Cap.REDEEM_POINTS, order=72, group="governance"
            ),
            NavItem(
                _("Red and black lists"), "governance_lists", Cap.VIEW_SCORES, order=73, group="governance"
            ),
            NavItem(
                pgettext_lazy("points", "Appeals"),
                "governance_appeals",
                Cap.VIEW_SCORES,
                order=74,
                group="governance",
            ),
        )
