"""Pilot-plan API under /api/v1/programmes/: plans, a plan's tasks with status, warning and
target progress, a ledger's completeness — all through the scope (selectors)."""

import datetime as dt
from decimal import Decimal

from ninja import Router, Schema
from ninja.errors import HttpError

from doudi.core.apitypes import Id
from doudi.core.roles import Cap

from . import ledger_services, selectors

router = Router(tags=["programmes"])


def _viewer(request):
    user = request.auth
    if not user.can(Cap.VIEW_PLANS):
        raise HttpError(403, "您的角色无权查看试点方案。")
    return user


class PlanOut(Schema):
    id: int
    key: str
    title: str
    year: int
    region: str
    start: dt.date
    end: dt.date
    status: str

    @staticmethod
    def resolve_region(obj):
        return obj.region_id


class TargetOut(Schema):
    metric: str
    measure: str
    baseline: Decimal
    value: Decimal
    by: dt.date | None
    per_region: bool
    reported: Decimal | None
    expected: Decimal
    behind: bool


class TaskOut(Schema):
    id: int
    number: str
    title: str
    phase: str | None
    lead: list[str]
    deadline: dt.date | None
    status: str
    warning: str
    reports: int
    targets: list[TargetOut]


class CompletenessOut(Schema):
    id: int
    name: str
    filled: int
    expected: int


@router.get("/programmes/plans", response=list[PlanOut], url_name="programmes_api_plans")
def plan_list(request):
    return list(selectors.plans(_viewer(request)).order_by("-year", "title"))


@router.get("/programmes/plans/{plan_id}", response=PlanOut, url_name="programmes_api_plan")
def plan_read(request, plan_id: Id):
    return selectors.plan_or_404(_viewer(request), plan_id)


@router.get("/programmes/plans/{plan_id}/tasks", response=list[TaskOut], url_name="programmes_api_tasks")
def plan_tasks(request, plan_id: Id, on: dt.date | None = None):
    user = _viewer(request)
    plan = selectors.plan_or_404(user, plan_id)
    rows = selectors.plan_progress(user, plan, on or dt.date.today())
    return [
        {
            "id": p.task.pk,
            "number": p.task.number,
            "title": p.task.title,
            "phase": p.task.phase.name if p.task.phase else None,
            "lead": p.lead,
            "deadline": p.task.deadline,
            "status": p.status,
            "warning": p.warning,
            "reports": p.reports,
            "targets": [
                {
                    "metric": g.target.metric,
                    "measure": g.target.measure,
                    "baseline": g.target.baseline,
                    "value": g.target.value,
                    "by": g.target.by,
                    "per_region": g.target.per_region,
                    "reported": g.value,
                    "expected": g.trajectory.expected,
                    "behind": g.trajectory.behind,
                }
                for g in p.targets
            ],
        }
        for p in rows
    ]


@router.get("/programmes/ledgers/{ledger_id}", response=CompletenessOut, url_name="programmes_api_ledger")
def ledger_read(request, ledger_id: Id):
    user = _viewer(request)
    t = selectors.ledger_or_404(user, ledger_id)
    _rows, filled, expected = ledger_services.completeness(user, t)
    return {"id": t.pk, "name": t.name, "filled": filled, "expected": expected}
