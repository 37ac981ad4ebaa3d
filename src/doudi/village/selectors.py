"""Reads of village supervision, always through the area scope (core.scope)."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Count, Q
from django.utils import timezone

from doudi.core import regions as rcodes
from doudi.core.models import Region
from doudi.core.scope import get_scoped_or_404, scoped, within
from doudi.registry.idcard import InvalidIdNumber, mask_id_number, parse_id_number

from . import rules
from .models import Candidate, Committee, Inquiry, Official, OpennessItem, Relative, Voucher


def village(user, code: str) -> Region:
    return get_scoped_or_404(Region, user, code=code, level=rcodes.VILLAGE)


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
    return get_scoped_or_404(Inquiry, user, pk=pk)


def openness(user, village=None):
    qs = scoped(OpennessItem, user).select_related("village")
    return qs.filter(village=village) if village is not None else qs


def openness_item(user, pk) -> OpennessItem:
    return get_scoped_or_404(OpennessItem, user, pk=pk)


def overdue_reviews(qs, today: dt.date):
    """Vouchers whose review period's due day has passed while they still await review: a voucher
    of month M (monthly) or quarter Q is due by the 10th of the next month (rules.review_due)."""
    # The due day depends only on the voucher's month, so "overdue" is "dated before the first
    # day of the month before last-due": computed as a date bound, one query.
    first_of_month = today.replace(day=1)
    bound = first_of_month if today.day > 10 else (first_of_month - dt.timedelta(days=1)).replace(day=1)
    return qs.filter(status=Voucher.Status.PENDING, spent_on__lt=bound)


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
    vill = scoped(Region, user).filter(level=rcodes.VILLAGE)
    for unit in units:
        p = unit.code[:width]
        vv = within(vq, p)
        # on time: reviewed by the due day (rules.review_due); the base is every voucher already
        # reviewed plus those still pending past their due day (not this month's, not yet due)
        reviewed = vv.exclude(status=Voucher.Status.PENDING).values_list("spent_on", "reviewed_at")
        in_time = sum(
            1
            for spent_on, at in reviewed
            if at and timezone.localtime(at).date() <= rules.review_due(spent_on, "monthly")
        )
        due = len(reviewed) + overdue_reviews(vv, today).count()
        total = vv.count()
        rows.append(
            {
                "region": unit,
                "villages": within(vill, p).count() if child_level == rcodes.TOWNSHIP else 1,
                "committees": within(cq, p).values("village").distinct().count(),
                "elected": within(cq, p).filter(status__in=["elected", "filed"]).count(),
                "vouchers": total,
                "on_time_pct": round(100 * in_time / due) if due else None,
                "unreviewed_booked": vv.filter(booked_at__isnull=False).exclude(status="stamped").count(),
                "overdue_reviews": overdue_reviews(vv, today).count(),
                "inquiries_overdue": within(iq, p).filter(answered_on__isnull=True, due_on__lt=today).count(),
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
