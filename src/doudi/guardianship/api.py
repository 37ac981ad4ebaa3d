"""Guardianship API: a person's guardianship and agreements (read), and the rules on posted data."""

import datetime as dt
from typing import Literal

from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from doudi.core.apitypes import Id

from . import permissions, selectors, services
from .rules import GUARDIAN_KINDS, determine_guardian

router = Router(tags=["care"])


def _viewer(request):
    user = request.auth
    if not permissions.can_view(user):
        raise HttpError(403, "您的角色无权查看监护信息。")
    return user


class CandidateOut(Schema):
    id: int
    kind: str
    name: str
    relation: str
    relative_person: int | None
    age: int | None
    health: str
    able: bool
    reason_unable: str
    willing: bool
    hostile: bool
    consent: bool | None

    @staticmethod
    def resolve_relative_person(obj):
        return obj.relative_person_id

    @staticmethod
    def resolve_consent(obj):
        return services.consent_state(obj)


class GuardianshipOut(Schema):
    id: int
    guardian_name: str
    guardian_kind: str
    relation: str
    category: str
    status: str
    started_on: dt.date
    ended_on: dt.date | None
    by_agreement: bool
    agreement_reason: str
    basis: str
    explanation: str
    end_ground: str
    end_note: str


class ProposalOut(Schema):
    required: bool
    candidate_id: int | str | None
    kind: str | None
    category: str | None
    passed_over: list[dict]
    explanation: str
    awaiting_consent: bool = False


class PersonGuardianshipOut(Schema):
    person: int
    name: str
    civil_capacity: str
    needs_guardian: bool
    current: GuardianshipOut | None
    proposal: ProposalOut | None
    candidates: list[CandidateOut]
    history: list[GuardianshipOut]


class AgreementOut(Schema):
    id: int
    number: str
    status: str
    guardian_name: str
    township_name: str
    committee_name: str
    duties: list[dict]
    visit_frequency: str
    contact: str
    emergency_steps: str
    start_on: dt.date
    end_on: dt.date
    signed_on: dt.date | None
    ended_on: dt.date | None
    has_docx: bool
    has_pdf: bool
    has_signed_scan: bool

    @staticmethod
    def resolve_has_docx(obj):
        return bool(obj.docx_file)

    @staticmethod
    def resolve_has_pdf(obj):
        return bool(obj.pdf_file)

    @staticmethod
    def resolve_has_signed_scan(obj):
        return obj.signed_scan_id is not None


@router.get(
    "/persons/{person_id}/guardianship",
    response=PersonGuardianshipOut,
    url_name="care_person_guardianship",
    summary="A person's guardian, candidates, current proposal and full guardianship history",
)
def person_guardianship(request, person_id: Id):
    user = _viewer(request)
    person = selectors.person_get(user, person_id)
    candidates = list(selectors.candidates_of(user, person))
    current = selectors.active_guardianship(user, person)
    proposal = None
    if services.needs_guardian(person) and current is None:
        p = services.person_proposal(person, candidates)
        proposal = {**p.proposal.to_dict(), "awaiting_consent": p.awaiting_consent}
    return {
        "person": person.pk,
        "name": person.name,
        "civil_capacity": person.civil_capacity,
        "needs_guardian": services.needs_guardian(person),
        "current": current,
        "proposal": proposal,
        "candidates": candidates,
        "history": list(selectors.guardianship_history(user, person)),
    }


@router.get(
    "/persons/{person_id}/agreements",
    response=list[AgreementOut],
    url_name="care_person_agreements",
    summary="A person's guardianship-care agreements, newest first",
)
def person_agreements(request, person_id: Id):
    user = _viewer(request)
    person = selectors.person_get(user, person_id)
    return list(selectors.agreements_of(user, person))


class WardIn(Schema):
    birth_date: dt.date
    civil_capacity: Literal["full", "limited", "none"]
    residence: Literal["village", "community"] | None = None
    as_of: dt.date | None = None


class CandidateIn(Schema):
    id: int | str
    kind: str
    able: bool
    willing: bool
    consent_recorded: bool = False
    elder: bool = True
    reason_unable: str = ""


class ProposeIn(Schema):
    ward: WardIn
    candidates: list[CandidateIn]


@router.post(
    "/guardianship/propose",
    response=ProposalOut,
    url_name="care_propose",
    summary="Run the guardian determination (民法典 Art. 27/28/32) on posted candidates; nothing is saved",
)
def propose(request, data: ProposeIn):
    _viewer(request)
    for candidate in data.candidates:
        if candidate.kind not in GUARDIAN_KINDS:
            raise HttpError(422, f"未知的监护人候选类型：{candidate.kind!r}（候选人 {candidate.id!r}）。")
    ward = data.ward.dict()
    ward["as_of"] = ward.get("as_of") or timezone.localdate()
    try:
        result = determine_guardian(ward, [c.dict() for c in data.candidates])
    except ValueError as exc:
        raise HttpError(422, str(exc)) from exc
    return result.to_dict()
