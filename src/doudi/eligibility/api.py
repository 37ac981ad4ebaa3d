"""Eligibility over the API: evaluate facts without saving, and a person's decisions and
self-care assessments (read through the area scope; outside the area: 404)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Router, Schema
from ninja.errors import HttpError

from doudi.core.apitypes import Id
from doudi.core.roles import Cap
from doudi.registry.rules import evaluate_eligibility

from . import selectors

router = Router(tags=["eligibility"])


def _viewer(request):
    user = request.auth
    if not user.can(Cap.VIEW_PERSONS):
        raise HttpError(403, "无权查看")
    return user


class EvaluateIn(Schema):
    facts: dict[str, Any]
    policy: Literal["2016", "2021"] = "2021"
    as_of: dt.date | None = None


class CriterionOut(Schema):
    code: str
    label: str
    passed: bool
    reason: str


class DecisionTraceOut(Schema):
    eligible: bool
    policy: str
    as_of: dt.date
    age: int
    category: CriterionOut
    criteria: list[CriterionOut]
    orphan_scheme: bool
    summary: str
    reasons: list[str]


@router.post(
    "/eligibility/evaluate",
    response=DecisionTraceOut,
    url_name="elig_evaluate",
    summary="Evaluate eligibility facts under a policy version (2016 / 2021); nothing is saved",
)
def evaluate(request, data: EvaluateIn):
    _viewer(request)
    try:
        decision = evaluate_eligibility(data.facts, data.policy, data.as_of or dt.date.today())
    except (ValueError, TypeError, KeyError) as exc:
        raise HttpError(422, f"认定事实有误：{exc}") from exc
    return {**decision.to_dict(), "summary": decision.summary, "reasons": decision.reasons}


class DecisionOut(Schema):
    id: int
    kind: str
    case: int | None
    policy_version: str
    as_of: dt.date
    eligible: bool
    summary: str
    facts: dict[str, Any]
    trace: dict[str, Any]
    decided_by: str | None

    @staticmethod
    def resolve_case(obj):
        return obj.case_id

    @staticmethod
    def resolve_decided_by(obj):
        return str(obj.decided_by) if obj.decided_by_id else None


@router.get(
    "/persons/{person_id}/decisions",
    response=list[DecisionOut],
    url_name="elig_person_decisions",
    summary="A person's eligibility decisions with their facts and rule trace, newest first",
)
def person_decisions(request, person_id: Id):
    user = _viewer(request)
    person = selectors.person_get(user, person_id)
    return list(selectors.decisions_for(user, person))


class AssessmentOut(Schema):
    id: int
    assessed_on: dt.date
    assessor: str
    items: dict[str, bool]
    level: str
    change_reported_on: dt.date | None
    note: str


@router.get(
    "/persons/{person_id}/assessments",
    response=list[AssessmentOut],
    url_name="elig_person_assessments",
    summary="A person's self-care assessments, newest first",
)
def person_assessments(request, person_id: Id):
    user = _viewer(request)
    person = selectors.person_get(user, person_id)
    return list(selectors.assessments_for(user, person))
