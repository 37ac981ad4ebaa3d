"""Reads of dispute mediation, always through the area scope (core.scope): a village sees its own
committee and disputes, a township its own and its villages', the county everything."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from doudi.core import regions as rcodes
from doudi.core.models import Region
from doudi.core.scope import get_scoped_or_404, scoped, within
from doudi.registry.idcard import mask_id_number

from . import rules
from .models import CommitteeMember, Dispute, MediationCommittee, Tier


def villages(user):
    return scoped(Region, user).filter(level=rcodes.VILLAGE).order_by("code")


def village(user, code: str) -> Region:
    return get_scoped_or_404(Region, user, code=code, level=rcodes.VILLAGE)


def committee_region(user, code: str) -> Region:
    return get_scoped_or_404(Region, user, code=code, level__in=(rcodes.TOWNSHIP, rcodes.VILLAGE))


def settings_region(user, code: str) -> Region:
    return get_scoped_or_404(Region, user, code=code, level__in=(rcodes.COUNTY, rcodes.TOWNSHIP))


def template_county(user, code: str) -> Region:
    """A county whose agreement template the user may look at (its own county; 404 otherwise)."""
    return get_scoped_or_404(Region, user, code=code, level=rcodes.COUNTY)


def committee(user, pk) -> MediationCommittee:
    return get_scoped_or_404(MediationCommittee.objects.select_related("region"), user, pk=pk)


def committee_of(user, region) -> MediationCommittee | None:
    return scoped(MediationCommittee, user).filter(region=region).prefetch_related("members").first()


def member(user, pk) -> CommitteeMember:
    return get_scoped_or_404(CommitteeMember.objects.select_related("committee"), user, pk=pk)


def dispute(user, pk) -> Dispute:
    return get_scoped_or_404(
        Dispute.objects.select_related("village", "village__parent", "signed_scan", "registered_by"),
        user,
        pk=pk,
    )


def masked(number: str) -> str:
    return mask_id_number(number) if number else ""


# ---- coverage -----------------------------------------------------------------------------------

LEVEL_OF = {rcodes.VILLAGE: rules.VILLAGE, rcodes.TOWNSHIP: rules.TOWNSHIP}


@dataclass
class CoverageRow:
    region: Region
    committee: MediationCommittee | None
    members: int
    findings: list[str]

    @property
    def ok(self) -> bool:
        return not self.findings


FINDING_TEXT = {
    rules.MISSING: "未建立调解委员会",
    rules.TOO_FEW: "成员不足",
    rules.TOO_MANY: "成员超过5人",
    rules.NO_PART_TIME: "缺兼职调解员",
    rules.NO_FULL_TIME: "缺专职调解员",
    rules.NO_CHAIR: "未设主任",
    rules.SEVERAL_CHAIRS: "主任多于一人",
}


def _narrow(qs, region: str):
    if not region:
        return qs
    try:
        return within(qs, rcodes.parse_region_code(region).prefix)
    except ValueError:
        return qs.none()


def coverage(user, problem: str = "", region: str = "") -> list[CoverageRow]:
    """Every township and village of the user's area (narrowed to `region` when given) with its
    committee's findings (rules.committee_findings); `problem` = missing | short | ok narrows the
    list to those rows."""
    regions = list(
        _narrow(scoped(Region, user), region)
        .filter(level__in=(rcodes.TOWNSHIP, rcodes.VILLAGE))
        .order_by("code")
    )
    committees = {
        c.region_id: c
        for c in _narrow(scoped(MediationCommittee, user), region).prefetch_related(
            Prefetch("members", queryset=CommitteeMember.objects.only("role", "mediator", "committee_id"))
        )
    }
    rows = []
    for region in regions:
        c = committees.get(region.code)
        facts = None if c is None else [rules.MemberFacts(m.role, m.mediator) for m in c.members.all()]
        findings = rules.committee_findings(LEVEL_OF[region.level], facts)
        row = CoverageRow(region, c, len(facts or []), findings)
        if problem == "missing" and findings != [rules.MISSING]:
            continue
        if problem == "short" and (row.ok or findings == [rules.MISSING]):
            continue
        if problem == "ok" and not row.ok:
            continue
        rows.append(row)
    return rows


def _counts(rows) -> dict:
    return {
        "all": len(rows),
        "missing": sum(1 for r in rows if r.findings == [rules.MISSING]),
        "short": sum(1 for r in rows if r.findings and r.findings != [rules.MISSING]),
        "ok": sum(1 for r in rows if r.ok),
    }


def coverage_counts(user, region: str = "") -> dict:
    return _counts(coverage(user, region=region))


def coverage_by_township(user) -> list[dict]:
    """For a county: each township with the counts of its own and its villages' committees."""
    rows = coverage(user)
    out: dict[str, dict] = {}
    for r in rows:
        if r.region.level == rcodes.TOWNSHIP:
            out[r.region.code[:9]] = {"region": r.region, "rows": []}
    for r in rows:
        group = out.get(r.region.code[:9])
        if group is not None:
            group["rows"].append(r)
    return [{"region": g["region"], **_counts(g["rows"])} for g in out.values()]


# ---- disputes and their statistics ---------------------------------------------------------------


def _year_range(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def base(user, *, year: int | None = None, region: str = "") -> Dispute.objects.__class__:
    """The disputes the statistics count and their lists show: registered in `year` (all years
    when None), in the user's area, narrowed to `region` (a township or village code) when given."""
    qs = scoped(Dispute, user)
    if year:
        if not 1900 <= year <= 2999:  # a forged ?year= is an empty list, not a server error
            return qs.none()
        start, end = _year_range(year)
        qs = qs.filter(registered_on__gte=start, registered_on__lte=end)
    if region:
        try:
            qs = within(qs, rcodes.parse_region_code(region).prefix)
        except ValueError:
            qs = qs.none()
    return qs


FILTERS = ("kind", "tier", "status", "settled_tier", "within_township", "overdue", "q")


def filtered(qs, params, today: dt.date | None = None):
    """The list behind a number: the same filters the statistics page puts in its links."""
    today = today or timezone.localdate()
    if params.get("kind") in Dispute.Kind.values:
        qs = qs.filter(kind=params["kind"])
    if params.get("tier") in Tier.values:
        qs = qs.filter(tier=params["tier"])
    if params.get("status") in Dispute.Status.values:
        qs = qs.filter(status=params["status"])
    if params.get("settled_tier") in Tier.values:
        qs = qs.filter(status=Dispute.Status.SETTLED, settled_tier=params["settled_tier"])
    if params.get("within_township"):
        qs = qs.filter(status=Dispute.Status.SETTLED, settled_tier__in=(rules.T_VILLAGE, rules.T_TOWNSHIP))
    if params.get("overdue"):
        qs = overdue(qs, today)
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(parties__name__icontains=q)).distinct()
    return qs


def exported(user, params) -> tuple:
    """The disputes an export holds — the list page's, with its filters (`base` + `filtered`) —
    and the region it is narrowed to (the user's own when none is asked for). A `region` outside
    the user's area, or no region at all, is a 404: a forged code gets no file, not an empty one."""
    code = (params.get("region") or "").strip()
    region = get_scoped_or_404(Region, user, code=code) if code else user.region
    if region is None:
        raise Http404
    year = str(params.get("year") or "")
    qs = base(user, year=int(year) if year.isdigit() else None, region=code)
    return filtered(qs, params), region


def overdue(qs, today: dt.date):
    """Open disputes past the deadline of the tier they are at (the channels have none)."""
    return qs.filter(status=Dispute.Status.OPEN, due_on__isnull=False, due_on__lt=today)


@dataclass
class Statistics:
    year: int
    region: str
    total: int = 0
    by_kind: list[dict] = field(default_factory=list)  # {kind, label, cells: [{tier, n, url}], total, url}
    tiers: list[tuple[str, str]] = field(default_factory=list)
    tier_totals: list[dict] = field(default_factory=list)
    shares: rules.Shares | None = None
    overdue: int = 0
    open: int = 0
    links: dict = field(default_factory=dict)
    areas: list[dict] = field(default_factory=list)  # one row per township (or village) below


def list_url(year: int, region: str = "", **params) -> str:
    query = {"year": year, **({"region": region} if region else {}), **params}
    return f"{reverse('mediation_home')}?{urlencode(query)}"


def statistics(user, year: int, region: str = "", today: dt.date | None = None) -> Statistics:
    """Disputes by kind and tier, 小事不出村 and 大事不出乡 (rules.shares), overdue; every number is
    computed from `base()` and links to `filtered(base(), …)` with the same parameters."""
    today = today or timezone.localdate()
    qs = base(user, year=year, region=region)
    stats = Statistics(year=year, region=region, tiers=list(Tier.choices))
    counts = {(r["kind"], r["tier"]): r["n"] for r in qs.values("kind", "tier").annotate(n=Count("pk"))}
    for kind, label in Dispute.Kind.choices:
        cells = [
            {"tier": t, "n": counts.get((kind, t), 0), "url": list_url(year, region, kind=kind, tier=t)}
            for t, _l in Tier.choices
        ]
        stats.by_kind.append(
            {
                "kind": kind,
                "label": label,
                "cells": cells,
                "total": sum(c["n"] for c in cells),
                "url": list_url(year, region, kind=kind),
            }
        )
    stats.tier_totals = [
        {
            "tier": t,
            "label": label,
            "n": sum(n for (_k, tier), n in counts.items() if tier == t),
            "url": list_url(year, region, tier=t),
        }
        for t, label in Tier.choices
    ]
    facts = [rules.DisputeFacts(s, t) for s, t in qs.values_list("status", "settled_tier")]
    stats.shares = rules.shares(facts)
    stats.total = stats.shares.total
    stats.overdue = overdue(qs, today).count()
    stats.open = sum(1 for f in facts if f.status == Dispute.Status.OPEN)
    stats.areas = _areas(user, qs, year, region, today)
    stats.links = {
        "total": list_url(year, region),
        "village": list_url(year, region, settled_tier=rules.T_VILLAGE),
        "township": list_url(year, region, within_township=1),
        "overdue": list_url(year, region, overdue=1),
        "open": list_url(year, region, status=Dispute.Status.OPEN),
    }
    return stats


def _areas(user, qs, year: int, region: str, today: dt.date) -> list[dict]:
    """The figures per township (for a county) or per village (for a township), from the same
    queryset, each linking to its list."""
    code = region or (user.region_id or "")
    try:
        level = rcodes.parse_region_code(code).level
    except ValueError:
        return []
    if level >= rcodes.VILLAGE:
        return []
    child = rcodes.TOWNSHIP if level < rcodes.TOWNSHIP else rcodes.VILLAGE
    n = rcodes.PREFIX_LENGTH[child]
    children = within(scoped(Region, user).filter(level=child), code[: rcodes.PREFIX_LENGTH[level]])
    rows = {
        r.code[:n]: {"region": r, "total": 0, "village": 0, "township": 0, "open": 0, "overdue": 0}
        for r in children.order_by("code")
    }
    for village, status, settled, due in qs.values_list("village_id", "status", "settled_tier", "due_on"):
        row = rows.get(village[:n])
        if row is None:
            continue
        row["total"] += 1
        row["village"] += status == "settled" and settled == rules.T_VILLAGE
        row["township"] += status == "settled" and settled in (rules.T_VILLAGE, rules.T_TOWNSHIP)
        row["open"] += status == "open"
        row["overdue"] += status == "open" and due is not None and due < today
    out = []
    for row in rows.values():
        c = row["region"].code
        row["links"] = {
            "total": list_url(year, c),
            "village": list_url(year, c, settled_tier=rules.T_VILLAGE),
            "township": list_url(year, c, within_township=1),
            "open": list_url(year, c, status="open"),
            "overdue": list_url(year, c, overdue=1),
        }
        row["share"] = rules.percent(row["village"], row["total"])
        out.append(row)
    return out


def chart_data(stats: Statistics) -> dict:
    """The statistics page's two charts (ECharts, static/mediation/statistics.js)."""
    return {
        "kinds": [str(k["label"]) for k in stats.by_kind],
        "series": [
            {
                "name": str(label),
                "data": [k["cells"][i]["n"] for k in stats.by_kind],
                "links": [k["cells"][i]["url"] for k in stats.by_kind],
            }
            for i, (_t, label) in enumerate(stats.tiers)
        ],
        "shares": [
            {
                "name": "小事不出村",
                "value": float(stats.shares.village_share or 0),
                "url": stats.links["village"],
            },
            {
                "name": "大事不出乡",
                "value": float(stats.shares.township_share or 0),
                "url": stats.links["township"],
            },
        ],
    }


# ---- the village map's figures (core.maplayers, read by reports) ------------------------------


def _by_village(qs) -> dict[str, int]:
    return {r["village_id"]: r["n"] for r in qs.values("village_id").annotate(n=Count("pk"))}


def map_open_disputes(user) -> dict[str, int]:
    return _by_village(scoped(Dispute, user).filter(status=Dispute.Status.OPEN))


def map_settled_in_village(user) -> dict[str, int]:
    start, end = _year_range(timezone.localdate().year)
    return _by_village(
        scoped(Dispute, user).filter(
            status=Dispute.Status.SETTLED,
            settled_tier=rules.T_VILLAGE,
            registered_on__gte=start,
            registered_on__lte=end,
        )
    )


# ---- the person page's section (registry/sections.py) ------------------------------------------


def person_section(request, person) -> dict | None:
    """The disputes a registry person is a party to and the committees they sit on (in the
    viewer's area); None when there is neither, so the section is left out."""
    disputes = list(
        scoped(Dispute, request.user).filter(parties__person=person).distinct().select_related("village")[:50]
    )
    seats = list(scoped(CommitteeMember, request.user).filter(person=person).select_related("committee")[:10])
    if not disputes and not seats:
        return None
    return {"disputes": disputes, "seats": seats}
