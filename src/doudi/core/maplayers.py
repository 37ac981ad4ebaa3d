"""Figures other apps add to the village map (reports' map page), without reports importing
anything but this registry and without the app importing reports.

An app registers a `MapFigure` in its `ready()`: a key, the menu group and label shown in the
map's "colour by" list, the capability a user needs to pick it, and `values(user)` returning
{village code: number} read through the area scope. reports/charts.map_data colours the villages
by it like by its own monthly figures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class MapFigure:
    key: str
    group: object
    label: object
    cap: str
    values: Callable[[object], dict[str, int]]


_FIGURES: dict[str, MapFigure] = {}


def register_figure(figure: MapFigure) -> None:
    _FIGURES[figure.key] = figure


def figures(user=None) -> list[MapFigure]:
    """The registered figures (those the user may see, when a user is given)."""
    return [f for f in _FIGURES.values() if user is None or user.can(f.cap)]


def figure(key: str) -> MapFigure | None:
    return _FIGURES.get(key)
