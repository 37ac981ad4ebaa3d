from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MediationConfig(AppConfig):
    name = "doudi.mediation"
    label = "mediation"
    verbose_name = _("Dispute mediation")

    def ready(self):
        from doudi.core import audit
        from doudi.core.daily import register_daily
        from doudi.core.demo import register_step
        from doudi.core.maplayers import MapFigure, register_figure
        from doudi.core.navigation import NavItem, register, register_group
        from doudi.core.roles import Cap
        from doudi.registry.sections import Section, register_section

        from . import tasks  # noqa: F401  (registers job handlers)
        from .demo import mediation_demo_step
        from .selectors import map_open_disputes, map_settled_in_village, person_section

        register_step(mediation_demo_step, order=95)
        register_daily("mediation_daily", "矛盾纠纷每日移交检查")
        # the keys of audit entries' `extra` (core/audit.py names them on the audit page)
        audit.register_label("parties", _("parties to the dispute"))
        audit.register_label("escalation", _("hand-over"))
        audit.register_label("automatic", _("moved by the daily check"))
        audit.register_label("deadlines_recomputed", _("open disputes given the new deadline"))
        register_section(
            Section(
                "disputes",
                _("Disputes and mediation"),
                "mediation/_person_section.html",
                order=90,
                cap=Cap.VIEW_MEDIATION,
                context=person_section,
            )
        )
        register_group("mediation", pgettext_lazy("menu group", "Dispute mediation"), order=65)
        register(NavItem(_("Disputes"), "mediation_home", Cap.VIEW_MEDIATION, order=10, group="mediation"))
        register(
            NavItem(
                _("Mediation committees"),
                "mediation_coverage",
                Cap.VIEW_MEDIATION,
                order=20,
                group="mediation",
            )
        )
        register(
            NavItem(
                _("Mediation statistics"),
                "mediation_statistics",
                Cap.VIEW_MEDIATION,
                order=30,
                group="mediation",
            )
        )
        group = pgettext_lazy("menu group", "Dispute mediation")
        register_figure(
            MapFigure(
                "mediation_open", group, _("Disputes being mediated"), Cap.VIEW_MEDIATION, map_open_disputes
            )
        )
        register_figure(
            MapFigure(
                "mediation_village_settled",
                group,
                _("Disputes settled in the village this year"),
                Cap.VIEW_MEDIATION,
                map_settled_in_village,
            )
        )
