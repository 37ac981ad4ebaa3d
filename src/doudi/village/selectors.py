"""Reads of village supervision, always through the area scope (core.scope)."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Count, Q
from django.utils import timezone

from doudi.core import regions as rcodes
from doudi.core.models import Region
from doudi.core.roles import Cap
from doudi.core.scope import get_scoped_or_404, prefix_range, scoped, within
from doudi.registry.idcard import InvalidIdNumber, mask_id_number, parse_id_number

from . import rules
from .models import (
    Appeal,
    Candidate,
    Committee,
    Evaluation,
    EvaluationSubject,
    Inquiry,
    Meeting,
    Motion,
    Official,
    OpennessItem,
    Relative,
    VillageSetting,
    Voucher,
)


def township_code(code: str) -> str:
    """The township a village (or anything below it) belongs to."""
    return code[:9] + "000"


def current_committee(village) -> Committee | None:
    """The village's committee in office: the latest term elected (and filed)."""
    return (
        Committee.objects.filter(
            village=village, status__in=[Committee.Status.ELECTED, Committee.Status.FILED]
        )
        .order_by("-term")
        .first()
    )


def members(committee) -> list[Candidate]:
    return list(committee.candidates.filter(elected=True).order_by("-chair", "pk")) if committee else []


def village(user, code: str) -> Region:
    return get_scoped_or_404(Region, user, code=code, level=rcodes.VILLAGE)


def township(user, code: str) -> Region:
    return get_scoped_or_404(Region, user, code=code, level=rcodes.TOWNSHIP)


def townships(user):
    return scoped(Region, user).filter(level=rcodes.TOWNSHIP).order_by("code")


def villages(user):
    return scoped(Region, user).filter(level=rcodes.VILLAGE).order_by("code")


def officials(user, village):
    return scoped(Official, user).filter(village=village).prefetch_related("relatives")


def committees(user, village=None):
    qs = scoped(Committee, user).select_related("village")
    return qs.filter(village=village) if village is not None else qs


def committee(user, pk) -> Committee:
    return get_scoped_or_404(Committee.objects.select_related("village"), user, pk=pk)


def candidate_facts(candidate: Candidate) -> dict:
    """The facts member_disqualifications reads, with offices and relatives computed from the
    register of the committee's village and term (matched by ID number), never ticked by hand."""
    committee = candidate.committee
    officials = Official.objects.filter(village_id=committee.village_id, term=committee.term)
    offices = sorted(set(officials.filter(id_number=candidate.id_number).values_list("office", flat=True)))
    relatives = [
        {"relation": r.relation, "office": r.official.office, "official": r.official.name}
        for r in Relative.objects.filter(
            official__in=officials, id_number=candidate.id_number
        ).select_related("official")
    ]
    return {
        "birth_date": candidate.birth_date,
        "resident": candidate.resident,
        "fit_to_serve": candidate.fit_to_serve,
        "offices": offices,
        "relatives_in_office": relatives,
        "discipline_unexpired": candidate.discipline_unexpired,
        "serving_sentence_or_detention": candidate.serving_sentence_or_detention,
        "cult_or_underground_religion": candidate.cult_or_underground_religion,
        "petition_organiser": candidate.petition_organiser,
    }


def official(user, pk) -> Official:
    return get_scoped_or_404(Official, user, pk=pk)


def candidate(user, pk) -> Candidate:
    return get_scoped_or_404(Candidate.objects.select_related("committee"), user, pk=pk)


def committee_candidates(committee: Committee, today) -> list[Candidate]:
    """The committee's candidates, each with its qualification findings (`check`) and the note on
    relatives who are not 近亲属 (`note`), from the register's facts read once per candidate."""
    out = list(committee.candidates.all())
    for c in out:
        facts = candidate_facts(c)
        c.check = rules.member_disqualifications(facts, today)
        c.note = rules.relatives_note(facts)
    return out


def vouchers(user, village=None, status: str = ""):
    qs = scoped(Voucher, user).select_related("village", "reviewed_by", "booked_by")
    if village is not None:
        qs = qs.filter(village=village)
    if status == "booked":
        qs = qs.filter(booked_at__isnull=False)
    elif status == "to_book":
        qs = qs.filter(status=Voucher.Status.STAMPED, booked_at__isnull=True)
    elif status:
        qs = qs.filter(status=status)
    return qs


def voucher(user, pk) -> Voucher:
    return get_scoped_or_404(Voucher.objects.select_related("village"), user, pk=pk)


def inquiries(user, village=None):
    qs = scoped(Inquiry, user).select_related("village", "voucher", "asked_by")
    return qs.filter(village=village) if village is not None else qs


def inquiry(user, pk) -> Inquiry:
    return get_scoped_or_404(
        Inquiry.objects.select_related("village", "voucher", "asked_by", "answered_by"), user, pk=pk
    )


def openness(user, village=None):
    qs = scoped(OpennessItem, user).select_related("village")
    return qs.filter(village=village) if village is not None else qs


def openness_item(user, pk) -> OpennessItem:
    return get_scoped_or_404(OpennessItem, user, pk=pk)


def quarterly_townships() -> list[str]:
    """The townships that chose the quarterly review cycle (all others review monthly)."""
    return list(
        VillageSetting.objects.filter(cycle=VillageSetting.Cycle.QUARTERLY).values_list(
            "region_id", flat=True
        )
    )


def cycle_of(code: str, quarterly: list[str]) -> str:
    return "quarterly" if township_code(code) in quarterly else "monthly"


def overdue_reviews(qs, today: dt.date, quarterly: list[str] | None = None):
    """Vouchers still awaiting review after their period's due day (rules.voucher_due: the 10th of
    the month after the month, or the quarter, of the township's cycle). The due day depends only
    on the voucher's period, so "overdue" is "dated before rules.overdue_before(today, cycle)": one
    date bound per cycle, one query."""
    quarterly = quarterly_townships() if quarterly is None else quarterly
    monthly_bound = rules.overdue_before(today, "monthly")
    quarterly_bound = rules.overdue_before(today, "quarterly")
    in_quarterly = Q()
    for code in quarterly:
        low, high = prefix_range(code[:9])
        in_quarterly |= Q(village_id__gte=low, village_id__lte=high)
    qs = qs.filter(status=Voucher.Status.PENDING)
    if not quarterly:
        return qs.filter(spent_on__lt=monthly_bound)
    return qs.filter(
        (in_quarterly & Q(spent_on__lt=quarterly_bound)) | (~in_quarterly & Q(spent_on__lt=monthly_bound))
    )


def reviewed_on_time(vouchers_qs, today: dt.date, quarterly: list[str]) -> tuple[int, int]:
    """(reviewed by the due day, reviews due): the base is every voucher already reviewed plus those
    still pending past their due day (not the current period's, not yet due)."""
    reviewed = vouchers_qs.exclude(status=Voucher.Status.PENDING).values_list(
        "village_id", "spent_on", "reviewed_at"
    )
    in_time = sum(
        1
        for code, spent_on, at in reviewed
        if at and timezone.localtime(at).date() <= rules.voucher_due(spent_on, cycle_of(code, quarterly))
    )
    return in_time, len(reviewed) + overdue_reviews(vouchers_qs, today, quarterly).count()


def inquiries_overdue(qs, today: dt.date):
    return qs.filter(answered_on__isnull=True, due_on__lt=today)


def flagged_subjects(user, today: dt.date):
    """Subjects of this or last year's democratic evaluations rated 不满意 by more than half."""
    return (
        scoped(EvaluationSubject, user)
        .filter(flagged=True, evaluation__year__gte=today.year - 1)
        .select_related("evaluation", "evaluation__village")
    )


def overview(user, today: dt.date | None = None) -> list[dict]:
    """One row per township (or village, for a township user) in the user's area: committees
    established, elections held, vouchers reviewed on time (%), booked without review (must be 0),
    inquiries overdue. Each number is computed from the very queryset its list shows."""
    today = today or timezone.localdate()
    area = user.region
    child_level = rcodes.TOWNSHIP if area.level < rcodes.TOWNSHIP else rcodes.VILLAGE
    rows = []
    units = scoped(Region, user).filter(level=child_level).order_by("code")
    width = 9 if child_level == rcodes.TOWNSHIP else 12
    vq = scoped(Voucher, user)
    cq = scoped(Committee, user)
    iq = scoped(Inquiry, user)
    mq = scoped(Meeting, user).filter(held_on__year=today.year)
    fq = flagged_subjects(user, today)
    vill = scoped(Region, user).filter(level=rcodes.VILLAGE)
    quarterly = quarterly_townships()
    for unit in units:
        p = unit.code[:width]
        vv = within(vq, p)
        in_time, due = reviewed_on_time(vv, today, quarterly)
        rows.append(
            {
                "region": unit,
                "villages": within(vill, p).count() if child_level == rcodes.TOWNSHIP else 1,
                "committees": within(cq, p).values("village").distinct().count(),
                "elected": within(cq, p).filter(status__in=["elected", "filed"]).count(),
                "vouchers": vv.count(),
                "on_time_pct": round(100 * in_time / due) if due else None,
                "unreviewed_booked": vv.filter(booked_at__isnull=False).exclude(status="stamped").count(),
                "overdue_reviews": overdue_reviews(vv, today, quarterly).count(),
                "inquiries_overdue": inquiries_overdue(within(iq, p), today).count(),
                "meetings": within(mq, p).count(),
                "evaluation_flagged": within(fq, p).count(),
            }
        )
    return rows


# ---- the public page: published items only, personal numbers masked -------------------------------

_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3}-?)(\d{3,4})(\d{4})(?!\d)")
_ADDRESS = re.compile(r"(\d+|[一二三四五六七八九十]+)(组|号|栋|幢|单元|室|巷|弄)")


def public_text(text: str) -> str:
    """Text for the public page: ID numbers masked as the registry masks them (the first 6 and
    last 4), phone numbers as 138****5678, house numbers (…组…号) as ＊."""

    def id_sub(m):
        try:
            return mask_id_number(parse_id_number(m[0]).number)
        except InvalidIdNumber:
            return mask_id_number(m[0])

    text = _ID.sub(id_sub, text or "")
    text = _PHONE.sub(lambda m: f"{m[1]}****{m[3]}", text)
    text = _LANDLINE.sub(lambda m: f"{m[1]}****{m[3]}", text)
    return _ADDRESS.sub(lambda m: f"＊{m[2]}", text)


def public_region(code: str) -> Region:
    """The village for the anonymous page (no user: any village; 404 for anything else)."""
    from django.http import Http404

    found = Region.objects.filter(code=code, level=rcodes.VILLAGE).select_related("parent").first()
    if found is None:
        raise Http404("没有这个村。")
    return found


def public_items(village) -> list[dict]:
    items = OpennessItem.objects.filter(village=village, status=OpennessItem.Status.PUBLISHED).order_by(
        "category", "-published_at"
    )
    return [
        {
            "id": i.pk,
            "category": i.category,
            "category_label": str(i.get_category_display()),
            "title": public_text(i.title),
            "body": public_text(i.body),
            "period": public_text(i.period),
            "published_on": timezone.localtime(i.published_at).date().isoformat() if i.published_at else None,
        }
        for i in items
    ]


def voucher_counts(user, village) -> dict:
    qs = vouchers(user, village)
    return qs.aggregate(
        total=Count("id"),
        pending=Count("id", filter=Q(status=Voucher.Status.PENDING)),
        stamped=Count("id", filter=Q(status=Voucher.Status.STAMPED, booked_at__isnull=True)),
        questioned=Count("id", filter=Q(status=Voucher.Status.QUESTIONED)),
        disputed=Count("id", filter=Q(status=Voucher.Status.DISPUTED)),
        booked=Count("id", filter=Q(booked_at__isnull=False)),
    )


# ---- meetings, inquiries, evaluations --------------------------------------------------------------


def meetings(user, village=None):
    qs = (
        scoped(Meeting, user)
        .select_related("village", "recorded_by")
        .prefetch_related("attendees", "motions")
    )
    return qs.filter(village=village) if village is not None else qs


def meeting(user, pk) -> Meeting:
    return get_scoped_or_404(Meeting.objects.select_related("village", "committee"), user, pk=pk)


def inquiries_filtered(user, village=None, *, kind: str = "", state: str = "", today: dt.date | None = None):
    """The inquiries list's filters: kind (质询/复核/建议) and state (open, overdue, answered)."""
    today = today or timezone.localdate()
    qs = inquiries(user, village)
    if kind in Inquiry.Kind.values:
        qs = qs.filter(kind=kind)
    if state == "open":
        qs = qs.filter(answered_on__isnull=True)
    elif state == "overdue":
        qs = inquiries_overdue(qs, today)
    elif state == "answered":
        qs = qs.filter(answered_on__isnull=False)
    return qs


def evaluations(user, village=None):
    qs = scoped(Evaluation, user).select_related("village")
    return qs.filter(village=village) if village is not None else qs


def evaluation(user, pk) -> Evaluation:
    return get_scoped_or_404(Evaluation.objects.select_related("village", "committee"), user, pk=pk)


def evaluation_subjects(evaluation) -> list[EvaluationSubject]:
    return list(evaluation.subjects.all())


# ---- appeals: seen only by those who handle them and the member who filed ---------------------------


def appeals(user):
    """Appeals a user may see: the township party committee and 纪委 (handle_appeals) those of
    their area; a member only the ones they filed; anyone else none at all."""
    qs = scoped(Appeal, user).select_related("village", "member", "handled_by")
    if user.can(Cap.HANDLE_APPEALS):
        return qs
    if user.can(Cap.REVIEW_VOUCHERS):
        return qs.filter(member=user)
    return qs.none()


def appeal(user, pk) -> Appeal:
    return get_scoped_or_404(appeals(user), user, pk=pk)


# ---- the year's records: the work report (.docx) and the work ledger (.xlsx) ------------------------


def year_records(user, committee, year: int) -> dict:
    """Everything the committee did in a year, read through the user's scope: meetings with their
    motions, vouchers of the year and their review, inquiries asked, openness items published, the
    year's evaluation. Appeals are not in it: they are seen only by their handlers and the member."""
    village = committee.village
    quarterly = quarterly_townships()
    vs = list(vouchers(user, village).filter(spent_on__year=year).order_by("spent_on", "number"))
    cycle = cycle_of(village.code, quarterly)
    for v in vs:
        v.due = rules.voucher_due(v.spent_on, cycle)
        v.in_time = bool(v.reviewed_at and timezone.localtime(v.reviewed_at).date() <= v.due)
    inq = list(inquiries(user, village).filter(asked_on__year=year).order_by("asked_on", "pk"))
    ev = evaluations(user, village).filter(year=year).first()
    return {
        "village": village,
        "committee": committee,
        "year": year,
        "members": members(committee),
        "meetings": list(meetings(user, village).filter(held_on__year=year).order_by("held_on", "pk")),
        "motions": list(
            scoped(Motion, user)
            .filter(meeting__village=village, meeting__held_on__year=year)
            .select_related("meeting")
            .order_by("meeting__held_on", "pk")
        ),
        "vouchers": vs,
        "inquiries": inq,
        "openness": list(
            openness(user, village)
            .filter(status=OpennessItem.Status.PUBLISHED, published_at__year=year)
            .order_by("published_at")
        ),
        "evaluation": ev,
        "subjects": evaluation_subjects(ev) if ev else [],
    }


def public_evaluation(village) -> dict | None:
    """The latest published evaluation for the public page: names, offices and counts only."""
    ev = Evaluation.objects.filter(village=village, published_at__isnull=False).order_by("-year").first()
    if ev is None:
        return None
    return {
        "year": ev.year,
        "held_on": ev.held_on.isoformat(),
        "participants": ev.participants,
        "subjects": [
            {
                "kind": s.kind,
                "name": s.name,
                "role": s.role,
                "satisfied": s.satisfied or 0,
                "fairly": s.fairly or 0,
                "dissatisfied": s.dissatisfied or 0,
            }
            for s in ev.subjects.all()
        ],
    }
