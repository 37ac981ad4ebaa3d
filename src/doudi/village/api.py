"""Village supervision API under /api/v1/village/: committees, members, vouchers (list, create,
review, book), openness items, meetings with their motions, inquiries (list, raise, answer), the
evaluations' results, and the public page's JSON — all through the area scope except the public
page, which shows published items only, masked. Appeals have no API: only their handlers and the
member who filed them may see them, on the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from doudi.core.apitypes import Id, Limit, Offset, Year, page, service_call
from doudi.core.roles import Cap

from . import selectors, services

router = Router(tags=["village"])


class CommitteeOut(Schema):
    id: int
    village: str
    term: int
    term_end: dt.date
    seats: int
    status: str

    @staticmethod
    def resolve_village(obj):
        return obj.village_id


class MemberOut(Schema):
    id: int
    name: str
    chair: bool
    votes: int | None


class VoucherOut(Schema):
    id: int
    village: str
    number: str
    spent_on: dt.date
    payee: str
    amount: Decimal
    purpose: str
    category: str
    status: str
    review_reason: str
    reviewed_by: str | None
    reviewed_at: dt.datetime | None
    booked_at: dt.datetime | None
    corrects: int | None

    @staticmethod
    def resolve_village(obj):
        return obj.village_id

    @staticmethod
    def resolve_reviewed_by(obj):
        return obj.reviewed_by.username if obj.reviewed_by_id else None

    @staticmethod
    def resolve_corrects(obj):
        return obj.corrects_id


class VoucherIn(Schema):
    village: str
    spent_on: dt.date
    payee: str
    amount: str  # text, so 3 decimals or a negative amount get the rule's Chinese message
    purpose: str
    category: str = ""
    number: str = ""
    corrects: Id | None = None


class ReviewIn(Schema):
    decision: str  # approve | question | dispute
    reason: str = ""


class OpennessOut(Schema):
    id: int
    village: str
    category: str
    title: str
    status: str
    period: str

    @staticmethod
    def resolve_village(obj):
        return obj.village_id


class PublicItem(Schema):
    id: int
    category: str
    category_label: str
    title: str
    body: str
    period: str
    published_on: str | None


class PublicSubject(Schema):
    kind: str
    name: str
    role: str
    satisfied: int
    fairly: int
    dissatisfied: int


class PublicEvaluation(Schema):
    year: int
    held_on: str
    participants: int
    subjects: list[PublicSubject]


class PublicOut(Schema):
    village: str
    code: str
    items: list[PublicItem]
    evaluation: PublicEvaluation | None = None


class MotionOut(Schema):
    id: int
    title: str
    present: int
    yes: int
    no: int
    abstain: int
    passed: bool
    explanation: str


class MeetingOut(Schema):
    id: int
    village: str
    held_on: dt.date
    kind: str
    attendees: list[str]
    guests: str
    minutes: str
    motions: list[MotionOut]

    @staticmethod
    def resolve_village(obj):
        return obj.village_id

    @staticmethod
    def resolve_attendees(obj):
        return [a.name for a in obj.attendees.all()]

    @staticmethod
    def resolve_motions(obj):
        return list(obj.motions.all())


class InquiryOut(Schema):
    id: int
    village: str
    kind: str
    subject: str
    question: str
    voucher: int | None
    asked_on: dt.date
    due_on: dt.date
    answer: str
    answered_on: dt.date | None
    overdue: bool

    @staticmethod
    def resolve_village(obj):
        return obj.village_id

    @staticmethod
    def resolve_voucher(obj):
        return obj.voucher_id

    @staticmethod
    def resolve_overdue(obj):
        return obj.answered_on is None and obj.due_on < timezone.localdate()


class InquiryIn(Schema):
    village: str
    kind: str = "inquiry"  # inquiry | recheck | suggestion
    subject: str
    question: str
    voucher: Id | None = None


class AnswerIn(Schema):
    answer: str


class SubjectOut(Schema):
    kind: str
    name: str
    role: str
    satisfied: int | None
    fairly: int | None
    dissatisfied: int | None
    flagged: bool
    explanation: str


class EvaluationOut(Schema):
    id: int
    village: str
    year: int
    held_on: dt.date
    representatives_total: int
    participants: int
    recorded: bool
    published: bool
    subjects: list[SubjectOut]

    @staticmethod
    def resolve_village(obj):
        return obj.village_id

    @staticmethod
    def resolve_recorded(obj):
        return obj.recorded_at is not None

    @staticmethod
    def resolve_published(obj):
        return obj.published_at is not None

    @staticmethod
    def resolve_subjects(obj):
        return list(obj.subjects.all())


def _viewer(request):
    if not request.auth.can(Cap.VIEW_VILLAGE_AFFAIRS):
        raise HttpError(403, "您的角色无权查看村务监督。")
    return request.auth


@router.get("/village/committees", response=list[CommitteeOut], url_name="village_api_committees")
def committee_list(request, village: str = "", limit: Limit = 100, offset: Offset = 0):
    qs = selectors.committees(_viewer(request))
    if village:
        qs = qs.filter(village_id=village)
    return page(qs, offset, limit)


@router.get(
    "/village/committees/{committee_id}/members", response=list[MemberOut], url_name="village_api_members"
)
def member_list(request, committee_id: Id):
    committee = selectors.committee(_viewer(request), committee_id)
    return list(committee.candidates.filter(elected=True).order_by("-chair", "-votes"))


@router.get("/village/vouchers", response=list[VoucherOut], url_name="village_api_vouchers")
def voucher_list(request, village: str = "", status: str = "", limit: Limit = 100, offset: Offset = 0):
    qs = selectors.vouchers(_viewer(request), status=status)
    if village:
        qs = qs.filter(village_id=village)
    return page(qs, offset, limit)


@router.get("/village/vouchers/{voucher_id}", response=VoucherOut, url_name="village_api_voucher")
def voucher_read(request, voucher_id: Id):
    return selectors.voucher(_viewer(request), voucher_id)


@router.post("/village/vouchers", response={201: VoucherOut}, url_name="village_api_voucher_create")
def voucher_create(request, payload: VoucherIn):
    user = _viewer(request)
    if not user.can(Cap.SUBMIT_VOUCHERS):
        raise HttpError(403, "您的角色无权录入凭证。")
    village = selectors.village(user, payload.village)
    corrects = selectors.voucher(user, payload.corrects) if payload.corrects else None
    v = service_call(
        services.voucher_create,
        actor=user,
        village=village,
        spent_on=payload.spent_on,
        payee=payload.payee,
        amount=payload.amount,
        purpose=payload.purpose,
        category=payload.category,
        number=payload.number,
        corrects=corrects,
    )
    return Status(201, v)


@router.post(
    "/village/vouchers/{voucher_id}/review", response=VoucherOut, url_name="village_api_voucher_review"
)
def voucher_review(request, voucher_id: Id, payload: ReviewIn):
    user = _viewer(request)
    if not user.can(Cap.REVIEW_VOUCHERS):
        raise HttpError(403, "只有村务监督委员会成员可以复核凭证。")
    voucher = selectors.voucher(user, voucher_id)
    return service_call(
        services.voucher_review, actor=user, voucher=voucher, decision=payload.decision, reason=payload.reason
    )


@router.post("/village/vouchers/{voucher_id}/book", response=VoucherOut, url_name="village_api_voucher_book")
def voucher_book(request, voucher_id: Id):
    user = _viewer(request)
    if not user.can(Cap.BOOK_VOUCHERS):
        raise HttpError(403, "只有乡镇“三资”委托代理服务中心可以入账。")
    voucher = selectors.voucher(user, voucher_id)
    return service_call(services.voucher_book, actor=user, voucher=voucher)


@router.get("/village/openness", response=list[OpennessOut], url_name="village_api_openness")
def openness_list(request, village: str = "", limit: Limit = 100, offset: Offset = 0):
    qs = selectors.openness(_viewer(request))
    if village:
        qs = qs.filter(village_id=village)
    return page(qs, offset, limit)


@router.get("/village/public/{code}", response=PublicOut, auth=None, url_name="village_api_public")
def public(request, code: str):
    village = selectors.public_region(code)
    return {
        "village": village.name,
        "code": village.code,
        "items": selectors.public_items(village),
        "evaluation": selectors.public_evaluation(village),
    }


@router.get("/village/meetings", response=list[MeetingOut], url_name="village_api_meetings")
def meeting_list(
    request, village: str = "", year: Year | None = None, limit: Limit = 100, offset: Offset = 0
):
    qs = selectors.meetings(_viewer(request))
    if village:
        qs = qs.filter(village_id=village)
    if year:
        qs = qs.filter(held_on__year=year)
    return page(qs, offset, limit)


@router.get("/village/meetings/{meeting_id}", response=MeetingOut, url_name="village_api_meeting")
def meeting_read(request, meeting_id: Id):
    return selectors.meeting(_viewer(request), meeting_id)


@router.get("/village/inquiries", response=list[InquiryOut], url_name="village_api_inquiries")
def inquiry_list(
    request, village: str = "", kind: str = "", state: str = "", limit: Limit = 100, offset: Offset = 0
):
    """`state`: open, overdue or answered; `kind`: inquiry (质询), recheck (复核), suggestion (建议)."""
    user = _viewer(request)
    qs = selectors.inquiries_filtered(user, kind=kind, state=state)
    if village:
        qs = qs.filter(village_id=village)
    return page(qs, offset, limit)


@router.post("/village/inquiries", response={201: InquiryOut}, url_name="village_api_inquiry_create")
def inquiry_create(request, payload: InquiryIn):
    user = _viewer(request)
    if not user.can(Cap.REVIEW_VOUCHERS):
        raise HttpError(403, "只有村务监督委员会成员可以提出质询、复核或建议。")
    village = selectors.village(user, payload.village)
    voucher = selectors.voucher(user, payload.voucher) if payload.voucher else None
    inquiry = service_call(
        services.inquiry_ask,
        actor=user,
        village=village,
        kind=payload.kind,
        subject=payload.subject,
        question=payload.question,
        voucher=voucher,
    )
    return Status(201, inquiry)


@router.post(
    "/village/inquiries/{inquiry_id}/answer", response=InquiryOut, url_name="village_api_inquiry_answer"
)
def inquiry_answer(request, inquiry_id: Id, payload: AnswerIn):
    user = _viewer(request)
    if not user.can(Cap.SUBMIT_VOUCHERS):
        raise HttpError(403, "只有村干部可以书面答复。")
    inquiry = selectors.inquiry(user, inquiry_id)
    return service_call(services.inquiry_answer, actor=user, inquiry=inquiry, answer=payload.answer)


@router.get("/village/evaluations", response=list[EvaluationOut], url_name="village_api_evaluations")
def evaluation_list(
    request, village: str = "", year: Year | None = None, limit: Limit = 100, offset: Offset = 0
):
    qs = selectors.evaluations(_viewer(request)).prefetch_related("subjects")
    if village:
        qs = qs.filter(village_id=village)
    if year:
        qs = qs.filter(year=year)
    return page(qs, offset, limit)
