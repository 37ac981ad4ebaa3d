from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "doudi.oversight"
    label = "oversight"
    verbose_name = _("Oversight")

    def ready(self):
        from doudi.core.demo import register_step
        from doudi.core.navigation import NavItem, register
        from doudi.core.roles import Cap

        from . import sources
        from .demo import oversight_demo_step

        sources.register(sources.INSPECTION, _("Inspection"))
        sources.register(sources.COMPLAINT, _("Complaint"))

        # Inspections, surveys and evaluations of the demo county come after its visits (care, 40).
        register_step(oversight_demo_step, order=50)

        register(
            NavItem(_("Rectification"), "oversight_tasks", Cap.VIEW_PERSONS, order=45, group="oversight")
        )
        register(
            NavItem(_("Inspections"), "oversight_inspections", Cap.VIEW_PERSONS, order=46, group="oversight")
        )

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
