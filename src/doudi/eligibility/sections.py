"""The eligibility section on the registry's person page (registry.sections), when the
registry provides that mechanism: current self-care level, care subsidy, next assessment, the
latest decision and open cases, with links to this app's pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from doudi.core.roles import Cap


def _context(request, person):
    from .views import person_context

    return person_context(request, person)


def register() -> None:
    try:
        from doudi.registry.sections import Section, register_section
    except ImportError:  # the registry's person page has no sections yet
        return
    register_section(
        Section(
            "eligibility",
            _("Eligibility and self-care"),
            "eligibility/_person_section.html",
            order=35,
            cap=Cap.VIEW_PERSONS,
            context=_context,
        )
    )
