"""Dispute mediation API under /api/v1/mediation/: disputes (list, read, register, escalate,
outcome), committees with their findings, and the statistics — all through the area scope and
the same services as the pages. ID numbers are masked."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from doudi.core.apitypes import Id, Limit, Offset, Year, page, service_call
from doudi.core.roles import Cap

from . import exports, selectors, services

router = Router(tags=["mediation"])


class PartyOut(Schema):
    side: str
    name: str
    id_number: str
    in_registry: bool

    @staticmethod
    def resolve_id_number(obj):
        return selectors.masked(obj.id_number)

    @staticmethod
    def resolve_in_registry(obj):
        return obj.person_id is not None


class DisputeOut(Schema):
    id: int
    number: str
    village: str
    kind: str
    description: str
    place: str
    occurred_on: dt.date | None
    registered_on: dt.date
    tier: str
    tier_since: dt.date
    due_on: dt.date | None
    status: str
    settled_tier: str
    concluded_on: dt.date | None
    terms: str
    fulfilment: str
    parties: list[PartyOut]

    @staticmethod
    def resolve_village(obj):
        return obj.village_id

    @staticmethod
    def resolve_parties(obj):
        return list(obj.parties.all())


class PartyIn(Schema):
    side: str
    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""


class DisputeIn(Schema):
    village: str
    kind: str
    description: str
    place: str = ""
    occurred_on: dt.date | None = None
    parties: list[PartyIn]


class EscalateIn(Schema):
    to_tier: str
    reason: str


class OutcomeIn(Schema):
    status: str  # settled | not_settled | withdrawn
    terms: str = ""
    mediator_name: str = ""
    note: str = ""
    concluded_on: dt.date | None = None


class MediationCommitteeOut(Schema):
    region: str
    name: str
    level: str
    committee: str | None
    members: int
    findings: list[str]


class SharesOut(Schema):
    year: int
    total: int
    settled_in_village: int
    settled_in_township: int
    village_share: float | None
    township_share: float | None
    open: int
    overdue: int
    by_kind_and_tier: dict[str, dict[str, int]]


def _viewer(request):
    if not request.auth.can(Cap.VIEW_MEDIATION):
        raise HttpError(403, "您的角色无权查看矛盾纠纷调处。")
    return request.auth


@router.get("/mediation/disputes", response=list[DisputeOut], url_name="mediation_api_disputes")
def dispute_list(
    request,
    year: Year | None = None,
    region: str = "",
    kind: str = "",
    tier: str = "",
    status: str = "",
    overdue: bool = False,
    limit: Limit = 100,
    offset: Offset = 0,
):
    qs = selectors.base(_viewer(request), year=year, region=region)
    params = {"kind": kind, "tier": tier, "status": status, "overdue": overdue}
    qs = selectors.filtered(qs, params).prefetch_related("parties")
    return page(qs, offset, limit)


@router.get(
    "/mediation/disputes.xlsx",
    url_name="mediation_api_disputes_xlsx",
    summary="The disputes as a workbook (.xlsx)",
)
def dispute_workbook(
    request,
    year: Year | None = None,
    region: str = "",
    kind: str = "",
    tier: str = "",
    status: str = "",
    settled_tier: str = "",
    within_township: bool = False,
    overdue: bool = False,
    q: str = "",
):
    """The list of `GET disputes` (and of the page, with its filters) as Excel: scoped, ID numbers
    masked, audited as an export; a region outside the caller's area is 404."""
    params = {
        "year": year or "",
        "region": region,
        "kind": kind,
        "tier": tier,
        "status": status,
        "settled_tier": settled_tier,
        "within_township": "1" if within_township else "",
        "overdue": "1" if overdue else "",
        "q": q,
    }
    body, name = exports.download(_viewer(request), params)
    return exports.xlsx_response(body, name)


@router.get("/mediation/disputes/{dispute_id}", response=DisputeOut, url_name="mediation_api_dispute")
def dispute_read(request, dispute_id: Id):
    return selectors.dispute(_viewer(request), dispute_id)


@router.post("/mediation/disputes", response={201: DisputeOut}, url_name="mediation_api_dispute_create")
def dispute_create(request, payload: DisputeIn):
    user = _viewer(request)
    if not user.can(Cap.REGISTER_DISPUTES):
        raise HttpError(403, "您的角色无权登记纠纷。")
    village = selectors.village(user, payload.village)
    d = service_call(
        services.dispute_register,
        actor=user,
        village=village,
        kind=payload.kind,
        description=payload.description,
        place=payload.place,
        occurred_on=payload.occurred_on,
        parties=[p.dict() for p in payload.parties],
    )
    return Status(201, d)


@router.post(
    "/mediation/disputes/{dispute_id}/escalate",
    response=DisputeOut,
    url_name="mediation_api_dispute_escalate",
)
def dispute_escalate(request, dispute_id: Id, payload: EscalateIn):
    user = _viewer(request)
    if not user.can(Cap.MEDIATE_DISPUTES):
        raise HttpError(403, "您的角色无权移交纠纷。")
    d = selectors.dispute(user, dispute_id)
    service_call(
        services.dispute_escalate, actor=user, dispute=d, to_tier=payload.to_tier, reason=payload.reason
    )
    return selectors.dispute(user, dispute_id)


@router.post(
    "/mediation/disputes/{dispute_id}/outcome", response=DisputeOut, url_name="mediation_api_dispute_outcome"
)
def dispute_outcome(request, dispute_id: Id, payload: OutcomeIn):
    user = _viewer(request)
    if not user.can(Cap.MEDIATE_DISPUTES):
        raise HttpError(403, "您的角色无权记录调解结果。")
    d = selectors.dispute(user, dispute_id)
    return service_call(services.dispute_conclude, actor=user, dispute=d, **payload.dict())


@router.get(
    "/mediation/committees", response=list[MediationCommitteeOut], url_name="mediation_api_committees"
)
def committee_list(request, problem: str = ""):
    rows = selectors.coverage(_viewer(request), problem)
    return [
        {
            "region": r.region.code,
            "name": r.region.name,
            "level": selectors.LEVEL_OF[r.region.level],
            "committee": r.committee.name if r.committee else None,
            "members": r.members,
            "findings": r.findings,
        }
        for r in rows
    ]


@router.get("/mediation/statistics", response=SharesOut, url_name="mediation_api_statistics")
def statistics(request, year: Year | None = None, region: str = ""):
    year = year or timezone.localdate().year
    s = selectors.statistics(_viewer(request), year, region)
    return {
        "year": year,
        "total": s.total,
        "settled_in_village": s.shares.settled_in_village,
        "settled_in_township": s.shares.settled_in_township,
        "village_share": float(s.shares.village_share) if s.shares.village_share is not None else None,
        "township_share": float(s.shares.township_share) if s.shares.township_share is not None else None,
        "open": s.open,
        "overdue": s.overdue,
        "by_kind_and_tier": {k["kind"]: {c["tier"]: c["n"] for c in k["cells"]} for k in s.by_kind},
    }
