"""The person page is a list of sections; other apps add theirs (assessments, guardian, visits)
in their AppConfig.ready():

    from doudi.registry.sections import Section, register_section
    register_section(Section("guardian", _("Guardian"), "care/_person_guardian.html",
                             order=40, cap=Cap.VIEW_PERSONS, context=guardian_context))

`context(request, person)` returns the template's extra variables (read them through selectors,
i.e. through the area scope); the template also gets `person` and `section`. A section whose
context returns None is left out (e.g. nothing to show for this person).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from doudi.core.roles import Cap


@dataclass(frozen=True)
class Section:
    key: str  # the HTML id, for links like #history
    title: str  # lazy translation
    template: str
    order: int = 100
    cap: str | None = None
    context: Callable | None = None


SECTIONS: list[Section] = []


def register_section(*sections: Section) -> None:
    for section in sections:
        for i, existing in enumerate(SECTIONS):
            if existing.key == section.key:
                SECTIONS[i] = section
                break
        else:
            SECTIONS.append(section)
    SECTIONS.sort(key=lambda s: (s.order, s.key))


def for_person(request, person) -> list[dict]:
    out = []
    for section in SECTIONS:
        if section.cap and not request.user.can(section.cap):
            continue
        extra = section.context(request, person) if section.context else {}
        if extra is None:
            continue
        out.append(
            {
                "section": section,
                "key": section.key,
                "title": section.title,
                "template": section.template,
                "data": extra,
            }
        )
    return out


# ---- the registry's own sections ------------------------------------------------------------


def _duplicates(request, person):
    from . import selectors

    pairs = selectors.person_duplicates(request.user, person)
    if not pairs:
        return None
    return {"pairs": pairs, "can_merge": request.user.can(Cap.MERGE_PERSONS)}


def _history(request, person):
    from . import history, selectors

    entries = list(selectors.person_history(request.user, person))
    return {"lines": history.history_lines(reversed(entries))}  # newest first


register_section(
    Section("details", _("Personal details"), "registry/sections/_details.html", order=10),
    Section("disability", _("Disability and civil capacity"), "registry/sections/_disability.html", order=20),
    Section("support", _("Support"), "registry/sections/_support.html", order=30),
    Section(
        "duplicates",
        _("Probable duplicates"),
        "registry/sections/_duplicates.html",
        order=90,
        context=_duplicates,
    ),
    Section("history", _("History"), "registry/sections/_history.html", order=1000, context=_history),
)
