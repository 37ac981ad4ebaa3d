"""Where a rectification task or a survey comes from: a generic reference, kind + id.

Oversight is below the apps that find problems (care's visits; later campaigns, village
supervision, reports): it never imports them. Each such app registers its kind here from its
AppConfig.ready() — a label, and how to find one record in a user's area — and opens tasks through
`services.rectification_open(source=Source(kind, id), ...)`. Oversight's own kinds (inspection,
complaint) are registered by oversight itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Source:
    """A reference to the record a task or survey came from (its id as text; may be empty)."""

    kind: str
    id: str = ""

    def __post_init__(self):
        object.__setattr__(self, "id", "" if self.id is None else str(self.id))


@dataclass(frozen=True)
class SourceRecord:
    """One source record as another app presents it: whose it is, its date, where it is shown."""

    source: Source
    person_id: int | None
    on: dt.date | None
    url: str
    text: str


@dataclass(frozen=True)
class SourceType:
    kind: str
    label: object  # a lazy translation
    # (user, id) -> SourceRecord of that record in the user's area; Http404 outside it or if absent
    find: Callable[[object, str], SourceRecord] | None = None


_TYPES: dict[str, SourceType] = {}

# The kinds stored in the database. Oversight registers its own (apps.py); the others are
# registered by the app they belong to. A survey can be asked during a visit, so oversight names
# that kind too; care registers it.
INSPECTION = "inspection"
COMPLAINT = "complaint"
VISIT = "visit"


def register(kind: str, label, *, find: Callable[[object, str], SourceRecord] | None = None) -> None:
    _TYPES[kind] = SourceType(kind, label, find)


def is_known(kind: str) -> bool:
    return kind in _TYPES


def label(kind: str) -> str:
    found = _TYPES.get(kind)
    return str(found.label) if found else kind


def choices() -> list[tuple[str, str]]:
    return [(t.kind, str(t.label)) for t in _TYPES.values()]


def find(user, source: Source) -> SourceRecord:
    """The source record in the user's area (404 when its kind cannot be looked up, or it is absent
    or outside the area — the same answer, as everywhere)."""
    found = _TYPES.get(source.kind)
    if found is None or found.find is None or not source.id:
        raise Http404(_("No such record in your area."))
    return found.find(user, source.id)


def link(user, source: Source) -> SourceRecord | None:
    """The source record for a link on a page, or None when there is nothing to link to."""
    try:
        return find(user, source)
    except Http404:
        return None
