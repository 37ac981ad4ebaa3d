from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "doudi.care"
    label = "care"
    verbose_name = _("Care")

    def ready(self):
        from doudi.core.daily import register_daily
        from doudi.core.demo import register_step
        from doudi.core.navigation import NavItem, register
        from doudi.core.roles import Cap
        from doudi.oversight import sources
        from doudi.registry.sections import Section, register_section

        from . import tasks  # noqa: F401  (registers job handlers)

        register_daily("care_daily", "走访与整改每日检查")
        from .demo import loop_demo_step
        from .selectors import VISIT, person_section, visit_source

        # Visits, services, materials and their rectification tasks need the persons, guardians and
        # assessments of the steps before (registry 10, guardianship 20, eligibility 30).
        register_step(loop_demo_step, order=40)
        sources.register(VISIT, _("Home visit"), find=visit_source)
        register(
            NavItem(_("Home visits"), "care_visits_due", Cap.VIEW_PERSONS, order=32, group="care"),
            NavItem(_("My visits"), "care_worklist", Cap.RECORD_VISITS, order=33, group="care"),
            NavItem(_("Support network"), "care_network", Cap.VIEW_PERSONS, order=34, group="care"),
            NavItem(_("Services"), "care_services", Cap.MANAGE_CARE, order=36, group="care"),
            NavItem(_("My service orders"), "care_my_orders", Cap.RECORD_DELIVERY, order=37, group="care"),
            NavItem(_("Materials"), "care_materials", Cap.VIEW_PERSONS, order=38, group="care"),
        )
        register_section(
            Section(
                "care_loop",
                _("Placement, support network and visits"),
                "care/_person_section.html",
                order=45,
                cap=Cap.VIEW_PERSONS,
                context=person_section,
            )
        )
