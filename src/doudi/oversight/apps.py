from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "doudi.oversight"
    label = "oversight"
    verbose_name = _("Oversight")

    def ready(self):
        from doudi.care.loop_demo import loop_demo_step
        from doudi.core.demo import register_step
        from doudi.core.navigation import NavItem, register
        from doudi.core.roles import Cap

        # The care loop's demo (visits, services, materials, rectification tasks) runs after every
        # existing step (registry, guardianship, eligibility): oversight is installed last.
        register_step(loop_demo_step)
        from .demo import oversight_demo_step

        register_step(oversight_demo_step)

        register(NavItem(_("Rectification"), "oversight_tasks", Cap.VIEW_PERSONS, order=45))
        register(NavItem(_("Inspections"), "oversight_inspections", Cap.VIEW_PERSONS, order=46))

        from doudi.registry.sections import Section, register_section

        from .survey_views import person_section_context

        register_section(
            Section(
                "oversight",
                _("Satisfaction and evaluations"),
                "oversight/_person_section.html",
                order=80,
                cap=Cap.VIEW_PERSONS,
                context=person_section_context,
            )
        )
