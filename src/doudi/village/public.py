"""Sections other apps add to a village's public openness page (views.public_page), registered in
their AppConfig.ready() — the governance app's 红黑榜, for instance:

    register_public_section(PublicSection("honour-lists", _("Red and black lists"),
                                          "governance/_public_lists.html", context))

`context(village)` returns the template's variables (published, public data only — the page has no
login) or None to leave the section out; the template reads them as `section.<name>`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PublicSection:
    key: str  # the HTML id
    title: object  # a lazy translation
    template: str
    context: Callable[[object], dict | None]
    order: int = 100


SECTIONS: dict[str, PublicSection] = {}


def register_public_section(section: PublicSection) -> None:
    SECTIONS[section.key] = section


def for_village(village) -> list[dict]:
    out = []
    for section in sorted(SECTIONS.values(), key=lambda s: (s.order, s.key)):
        extra = section.context(village)
        if extra is None:
            continue
        out.append(
            {
                "section": section,
                "key": section.key,
                "title": section.title,
                "template": section.template,
                **extra,
            }
        )
    return out
