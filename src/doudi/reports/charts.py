"""Chart and map data as JSON for ECharts (offline: the page fetches these from scoped views)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from doudi.core import maplayers
from doudi.core import regions as rcodes
from doudi.core.models import Region
from doudi.core.scope import scoped

from . import rules, selectors
from .models import MapLayer

TREND_MONTHS = 6


def list_url(region_code: str, month: dt.date, key: str) -> str:
    """The list behind a figure (the same drill-down the statistics table links to)."""
    query = urlencode({"region": region_code, "month": f"{month:%Y-%m}", "key": key})
    return f"{reverse('reports_list')}?{query}"


def dashboard(user, today: dt.date) -> dict:
    """Trend of late visits, self-care mix, rectification backlog and a township ranking."""
    region = user.region
    if region is None:
        return {}
    month = today.replace(day=1)
    months = [month]
    for _i in range(TREND_MONTHS - 1):
        months.insert(0, rules.previous_month(months[0]))
    trend = []
    current = None
    for m in months:
        stats = selectors.month_statistics(user, region.code, m, today)
        trend.append(
            {
                "month": f"{m:%Y-%m}",
                "late": stats.total.figures.get("visits_late", 0),
                "due": stats.total.figures.get("visits_due", 0),
                "url": list_url(region.code, m, "visits_late"),
            }
        )
        current = stats
    t = current.total.figures
    ranking = []
    for row in current.rows:
        due = row.figures.get("visits_due", 0)
        rate = round(100 * row.figures.get("visits_done", 0) / due) if due else 100
        ranking.append({"name": row.name, "rate": rate, "url": list_url(row.code, month, "visits_late")})
    ranking.sort(key=lambda r: r["rate"])
    return {
        "month": f"{month:%Y-%m}",
        "trend": trend,
        "mix": [
            {
                "name": _("Fully disabled"),
                "value": t.get("level_none", 0),
                "url": list_url(region.code, month, "level_none"),
            },
            {
                "name": _("Partially disabled"),
                "value": t.get("level_partial", 0),
                "url": list_url(region.code, month, "level_partial"),
            },
            {
                "name": _("Fully self-caring"),
                "value": t.get("level_full", 0),
                "url": list_url(region.code, month, "level_full"),
            },
            {
                "name": _("Not assessed"),
                "value": t.get("level_unknown", 0),
                "url": list_url(region.code, month, "level_unknown"),
            },
        ],
        "backlog": [
            {
                "name": r.name,
                "overdue": r.figures.get("rect_overdue", 0),
                "opened": r.figures.get("rect_opened", 0),
                "url_overdue": list_url(r.code, month, "rect_overdue"),
                "url_opened": list_url(r.code, month, "rect_opened"),
            }
            for r in current.rows
        ],
        "ranking": ranking,
        "labels": {
            "late": _("Visits late"),
            "due": _("Visits due"),
            "overdue": _("Rectifications overdue"),
            "opened": _("Rectifications opened"),
            "rate": _("Visits done (%)"),
        },
    }


def map_layer_for(region: Region | None) -> MapLayer | None:
    if region is None:
        return None
    codes = [region.code[:n].ljust(12, "0") for n in (4, 6, 9) if n <= len(region.prefix)] + [region.code]
    return MapLayer.objects.filter(region_id__in=codes).order_by("-region_id").first()


def map_data(user, month: dt.date, key: str) -> dict:
    """Villages with coordinates and the chosen figure; the uploaded GeoJSON when there is one."""
    region = user.region
    extra = maplayers.figure(key)  # a figure another app registered (core/maplayers.py)
    if extra is not None and not user.can(extra.cap):
        extra = None
    if region is None or (key not in selectors.BY_KEY and extra is None):
        return {"points": [], "geojson": None}
    if extra is not None:
        values = extra.values(user)
        label = str(extra.label)
    else:
        stats = selectors.compute(user, region, month, group_len=rcodes.PREFIX_LENGTH[rcodes.VILLAGE])
        values = {r.code: r.figures.get(key, 0) for r in stats.rows}
        label = str(selectors.BY_KEY[key].label)
    villages = scoped(Region, user).filter(
        level=rcodes.VILLAGE, longitude__isnull=False, latitude__isnull=False
    )
    points = [
        {
            "name": v.name,
            "code": v.code,
            "value": [float(v.longitude), float(v.latitude), values.get(v.code, 0)],
        }
        for v in villages.order_by("code")
    ]
    layer = map_layer_for(region)
    by_name = {}
    if layer is not None:
        towns = {t.code[:9]: t.name for t in scoped(Region, user).filter(level=rcodes.TOWNSHIP)}
        for code, value in values.items():
            town = towns.get(code[:9])
            if town:
                by_name[town] = by_name.get(town, 0) + value
    return {
        "key": key,
        "label": label,
        "month": f"{month:%Y-%m}",
        "points": points,
        "max": max([p["value"][2] for p in points] + list(by_name.values()) + [1]),
        "geojson": layer.geojson if layer else None,
        "name_property": layer.name_property if layer else "name",
        "areas": [{"name": k, "value": v} for k, v in by_name.items()],
    }
