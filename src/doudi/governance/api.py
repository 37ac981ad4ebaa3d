"""Points-scheme API under /api/v1/governance/: schemes, a period's results with colours and
grades, a subject's entries, and awarding points — all through the scope (selectors, services)."""

import datetime as dt
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from doudi.core.apitypes import Id, service_errors
from doudi.core.roles import Cap

from . import rules, selectors, services
from .models import Scheme

router = Router(tags=["governance"])


def _viewer(request, cap=Cap.VIEW_SCORES):
    user = request.auth
    if not user.can(cap):
        raise HttpError(403, "您的角色无权进行此操作。")
    return user


class SchemeOut(Schema):
    id: int
    key: str
    name: str
    region: str
    subject_kind: str
    purpose: str
    period: str
    lines: dict
    thresholds: dict

    @staticmethod
    def resolve_region(obj):
        return obj.region_id


class ResultOut(Schema):
    subject: int
    name: str
    village: str
    total: Decimal
    breakdown: dict
    vetoed: bool
    rank: int
    colour: str
    grade: str
    pay: Decimal | None


class AbcWeekOut(Schema):
    label: str  # ISO week, "2026-W10"
    start: dt.date  # its first day in the month
    end: dt.date  # its last day in the month


class AbcWeekCellOut(Schema):
    week: str
    points: Decimal
    entries: list[str]  # "03-10 周督查：责任区有垃圾堆放 -5"


class AbcWorkerOut(Schema):
    subject: int
    name: str
    village: str
    village_name: str
    weeks: list[AbcWeekCellOut]
    total: Decimal
    grade: str
    pay: Decimal | None
    vetoed: bool
    closed: bool


class AbcVillageOut(Schema):
    village: str
    name: str
    workers: int
    grades: dict[str, int]  # {"A": n, "B": n, "C": n}


class AbcWeeksOut(Schema):
    scheme: int
    month: str
    closed: bool
    weeks: list[AbcWeekOut]
    villages: list[AbcVillageOut]
    rows: list[AbcWorkerOut]


class PointsEntryOut(Schema):
    id: int
    subject: int
    item: str
    points: Decimal
    source: str
    occurred_on: dt.date
    note: str
    corrects: Id | None


class AwardIn(Schema):
    subject: Id
    item: Id
    source: str
    occurred_on: dt.date
    note: str = ""


def _entry(e):
    return {
        "id": e.pk,
        "subject": e.subject_id,
        "item": e.item.name,
        "points": e.points,
        "source": e.source,
        "occurred_on": e.occurred_on,
        "note": e.note,
        "corrects": e.corrects_id,
    }


@router.get("/governance/schemes", response=list[SchemeOut], url_name="governance_api_schemes")
def scheme_list(request):
    return list(selectors.schemes(_viewer(request)).order_by("region", "name"))


@router.get("/governance/schemes/{scheme_id}", response=SchemeOut, url_name="governance_api_scheme")
def scheme_read(request, scheme_id: Id):
    return selectors.scheme_or_404(_viewer(request), scheme_id)


@router.get(
    "/governance/schemes/{scheme_id}/results/{period}",
    response=list[ResultOut],
    url_name="governance_api_results",
)
def results(request, scheme_id: Id, period: str):
    """A closed period's results in the caller's area (totals, ranks, colours or grades and pay)."""
    user = _viewer(request)
    scheme = selectors.scheme_or_404(user, scheme_id)
    close = selectors.closes(user, scheme).filter(period=period).first()
    if close is None:
        raise Http404("这个周期还没有结算。")
    return [
        {
            "subject": r.subject_id,
            "name": r.subject.name,
            "village": r.village_id,
            "total": r.total,
            "breakdown": r.breakdown,
            "vetoed": r.vetoed,
            "rank": r.rank,
            "colour": r.colour,
            "grade": r.grade,
            "pay": r.pay,
        }
        for r in selectors.results(user, close)
    ]


@router.get(
    "/governance/schemes/{scheme_id}/abc-weeks",
    response=AbcWeeksOut,
    url_name="governance_api_abc_weeks",
)
def abc_weeks(request, scheme_id: Id, month: str = ""):
    """The weekly summary of an ABC scheme's month (YYYY-MM, this month by default) in the caller's
    area: per sanitation worker the points of each ISO week touching the month, the month-to-date
    total, the grade and pay (provisional until the month is closed)."""
    user = _viewer(request)
    scheme = selectors.scheme_or_404(user, scheme_id)
    if scheme.purpose != Scheme.Purpose.ABC:
        raise HttpError(422, "只有ABC动态管理方案才有周汇总。")
    try:
        year, m = rules.month_of(month or timezone.localdate().strftime("%Y-%m"))
    except rules.RuleError as exc:
        raise HttpError(422, str(exc)) from exc
    summary = selectors.abc_weeks(user, scheme, year, m)
    return {
        "scheme": scheme.pk,
        "month": summary.label,
        "closed": summary.close is not None,
        "weeks": [{"label": w.label, "start": w.start, "end": w.end} for w in summary.weeks],
        "villages": [
            {"village": v.code, "name": v.name, "workers": v.workers, "grades": v.counts}
            for v in summary.villages
        ],
        "rows": [
            {
                "subject": r.subject_id,
                "name": r.name,
                "village": r.village_code,
                "village_name": r.village_name,
                "weeks": [
                    {
                        "week": c.week.label,
                        "points": c.points,
                        "entries": [f"{on:%m-%d} {name} {p.normalize():f}" for on, name, p in c.items],
                    }
                    for c in r.cells
                ],
                "total": r.total,
                "grade": r.grade,
                "pay": r.pay,
                "vetoed": r.vetoed,
                "closed": r.closed,
            }
            for r in summary.rows
        ],
    }


@router.get(
    "/governance/subjects/{subject_id}/entries",
    response=list[PointsEntryOut],
    url_name="governance_api_entries",
)
def subject_entries(request, subject_id: Id):
    user = _viewer(request)
    subject = selectors.subject_or_404(user, subject_id)
    return [_entry(e) for e in selectors.entries(user, subject=subject)[:500]]


@router.post("/governance/entries", response={201: PointsEntryOut}, url_name="governance_api_award")
def award(request, payload: AwardIn):
    """Award an item to a subject (the same checks as the page: scope, item of the scheme, source)."""
    user = _viewer(request, Cap.AWARD_POINTS)
    subject = selectors.subject_or_404(user, payload.subject)
    item = selectors.item_of(subject.scheme, payload.item)
    if item is None:
        raise HttpError(422, "该积分项不属于这个方案。")
    with service_errors():
        entry = services.entry_award(
            actor=user,
            subject=subject,
            item=item,
            source=payload.source,
            occurred_on=payload.occurred_on,
            note=payload.note,
        )
    return Status(201, _entry(entry))
