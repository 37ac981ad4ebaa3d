"""Every read of points schemes, through the area scope (core.scope).

A scheme belongs to the county or township that defined it; the villages below it award points
under it, so a user sees the schemes of their area and those of the regions above them. Subjects,
entries, results, goods, redemptions and lists are scoped by their village.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from doudi.core import regions
from doudi.core.models import Region
from doudi.core.scope import get_scoped_or_404, scoped

from . import rules
from .models import Appeal, Entry, Goods, HonourList, Item, PeriodClose, Redemption, Result, Scheme, Subject

NOT_FOUND = "您的管辖范围内没有这条记录。"


def _ancestor_codes(region) -> list[str]:
    codes = []
    while region is not None:
        codes.append(region.code)
        region = region.parent
    return codes


def schemes(user) -> QuerySet:
    if getattr(user, "region", None) is None or not user.is_active:
        return Scheme.objects.none()
    return Scheme.objects.filter(
        Q(pk__in=scoped(Scheme, user).values("pk")) | Q(region__in=_ancestor_codes(user.region))
    ).select_related("region")


def scheme_or_404(user, pk) -> Scheme:
    try:
        return schemes(user).get(pk=pk)
    except (ValueError, TypeError, ObjectDoesNotExist) as exc:
        raise Http404(NOT_FOUND) from exc


def items(scheme: Scheme) -> QuerySet:
    return Item.objects.filter(scheme=scheme).select_related("dimension")


def item_of(scheme: Scheme, pk) -> Item | None:
    try:
        return items(scheme).filter(pk=pk).first()
    except (ValueError, TypeError):
        return None


def villages(user, scheme: Scheme) -> QuerySet:
    """The villages under the scheme the user may act in."""
    return (
        scoped(Region, user)
        .filter(level=regions.VILLAGE, is_active=True, code__startswith=scheme.region.prefix)
        .order_by("code")
    )


def village_or_404(user, scheme: Scheme, code) -> Region:
    found = villages(user, scheme).filter(code=code).first()
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def subjects(user, scheme: Scheme) -> QuerySet:
    return scoped(Subject.objects.filter(scheme=scheme, is_active=True), user).select_related("village")


def subject_or_404(user, pk) -> Subject:
    return get_scoped_or_404(
        Subject.objects.select_related("scheme", "scheme__region", "village"), user, pk=pk
    )


def entries(user, scheme: Scheme | None = None, subject: Subject | None = None) -> QuerySet:
    qs = scoped(Entry, user).select_related("subject", "item", "item__dimension", "awarded_by", "village")
    if scheme is not None:
        qs = qs.filter(scheme=scheme)
    if subject is not None:
        qs = qs.filter(subject=subject)
    return qs


def entry_or_404(user, pk) -> Entry:
    return get_scoped_or_404(
        Entry.objects.select_related("scheme", "scheme__region", "subject", "item"), user, pk=pk
    )


def appeals(user) -> QuerySet:
    return scoped(Appeal, user).select_related("entry", "entry__subject", "entry__item", "entry__scheme")


def appeal_or_404(user, pk) -> Appeal:
    return get_scoped_or_404(
        Appeal.objects.select_related("entry", "entry__scheme", "entry__subject", "entry__item"), user, pk=pk
    )


def closes(user, scheme: Scheme) -> QuerySet:
    return PeriodClose.objects.filter(scheme=scheme)


def close_or_404(user, pk) -> PeriodClose:
    try:
        close = PeriodClose.objects.select_related("scheme").get(pk=pk)
    except (ValueError, TypeError, ObjectDoesNotExist) as exc:
        raise Http404(NOT_FOUND) from exc
    scheme_or_404(user, close.scheme_id)  # results are then scoped by village (results())
    return close


COUNT_LABELS = {
    "red": _("Red warning"),
    "yellow": _("Yellow warning"),
    "blue": _("Blue warning"),
    "A": _("Grade A"),
    "B": _("Grade B"),
    "C": _("Grade C"),
    "none": _("No warning"),
}


def count_rows(close: PeriodClose) -> list[tuple[str, str, int]]:
    """(key, label, number) of a closed period's colours or grades, in the order of the lines."""
    order = list(COUNT_LABELS)
    return [
        (k, COUNT_LABELS.get(k, k), n)
        for k, n in sorted(close.counts.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
    ]


def results(user, close: PeriodClose) -> QuerySet:
    return scoped(Result.objects.filter(close=close), user).select_related("subject", "village")


def year_totals(user, scheme: Scheme, year: int) -> list[dict]:
    """The year's totals (年底积分总评), best first: the basis of 评先评优."""
    rows = (
        scoped(Result.objects.filter(close__scheme=scheme, close__start__year=year), user)
        .values("subject_id", "subject__name", "village__name")
        .annotate(total=Sum("total"))
        .order_by("-total", "subject_id")
    )
    return list(rows)


def goods(user, scheme: Scheme, village: Region | None = None) -> QuerySet:
    qs = scoped(Goods.objects.filter(scheme=scheme, is_active=True), user).select_related("village")
    return qs.filter(village=village) if village is not None else qs


def goods_or_404(user, pk) -> Goods:
    return get_scoped_or_404(Goods.objects.select_related("scheme", "village"), user, pk=pk)


def redemptions(user, scheme: Scheme, month: str | None = None) -> QuerySet:
    qs = scoped(Redemption.objects.filter(goods__scheme=scheme), user).select_related(
        "subject", "goods", "village", "redeemed_by"
    )
    if month:
        try:
            year, m = (int(x) for x in month.split("-"))
            qs = qs.filter(redeemed_at__year=year, redeemed_at__month=m)
        except ValueError:
            return qs.none()
    return qs


def honour_lists(user) -> QuerySet:
    return scoped(HonourList, user).select_related("scheme", "village")


def honour_list_or_404(user, pk) -> HonourList:
    return get_scoped_or_404(HonourList.objects.select_related("scheme", "village"), user, pk=pk)


def public_lists(village) -> dict | None:
    """The village's published 红黑榜 for its public page (no login): names, boards and reasons."""
    lists = list(
        HonourList.objects.filter(village=village, status=HonourList.Status.PUBLISHED)
        .select_related("scheme")
        .order_by("-month")[:3]
    )
    if not lists:
        return None
    return {"lists": lists}


def find_colour_result(user, result_id: str):
    """oversight source lookup: the period result a 三色预警 follow-up task came from."""
    from doudi.oversight.sources import Source, SourceRecord

    result = get_scoped_or_404(
        Result.objects.select_related("close", "close__scheme", "subject"), user, pk=result_id
    )
    return SourceRecord(
        source=Source("score_colour", result.pk),
        person_id=None,
        on=result.close.end,
        url=reverse("governance_close", args=[result.close_id]),
        text=f"{result.close.scheme.name} {result.close.period} {result.subject.name}",
    )


# ---- the weekly ABC summary (周督查、月考核) -----------------------------------------------------


def scheme_rule(scheme: Scheme) -> rules.SchemeRule:
    """What rules.period_score needs of a scheme (two queries: dimensions, items)."""
    dims = {d.key: d.cap for d in scheme.dimensions.all()}
    items = {
        i.code: rules.ItemRule(i.code, i.dimension.key, i.veto, i.black)
        for i in scheme.items.select_related("dimension")
    }
    weights = {k: Decimal(str(v)) for k, v in (scheme.weights or {}).items()}
    return rules.SchemeRule(dims, items, weights, scheme.floor)


def abc_pay() -> dict:
    """The pay per grade (settings.DOUDI_GOVERNANCE_ABC_PAY; docs/governance.md)."""
    return getattr(settings, "DOUDI_GOVERNANCE_ABC_PAY", {"A": "2000", "B": "1600", "C": "1200"})


@dataclass
class AbcCell:
    week: rules.Week
    points: Decimal
    items: list = field(default_factory=list)  # (date, item name, points) of the entries that count

    @property
    def title(self) -> str:
        return "；".join(f"{on:%m-%d} {name} {points.normalize():+f}" for on, name, points in self.items)

    @property
    def deducted(self) -> bool:
        return any(points < 0 for _on, _name, points in self.items)


@dataclass
class AbcRow:
    subject_id: int
    name: str
    village_code: str
    village_name: str
    cells: list
    total: Decimal
    grade: str
    pay: Decimal | None
    vetoed: bool
    capped: bool
    closed: bool  # grade and pay are the closed month's results, not provisional


@dataclass
class AbcVillage:
    code: str
    name: str
    rows: list = field(default_factory=list)

    @property
    def workers(self) -> int:
        return len(self.rows)

    @property
    def counts(self) -> dict:
        out = dict.fromkeys(rules.GRADES, 0)
        for r in self.rows:
            if r.grade in out:
                out[r.grade] += 1
        return out


@dataclass
class AbcWeeks:
    scheme: Scheme
    year: int
    month: int
    weeks: list
    villages: list
    close: PeriodClose | None

    @property
    def label(self) -> str:
        return rules.period_label("month", self.year, self.month)

    @property
    def rows(self) -> list:
        return [r for v in self.villages for r in v.rows]


def abc_weeks(user, scheme: Scheme, year: int, month: int) -> AbcWeeks:
    """The weekly summary of an ABC scheme's month in the user's area: per sanitation worker the
    points of each ISO week touching the month (rules.weekly_score), the month-to-date total, the
    grade it gives now (rules.abc_grade) and the pay (rules.grade_pay) — or, once the month is
    closed, the closed results' grade and pay. A fixed number of queries, whatever the number of
    workers: the subjects, the month's entries, the scheme's rule, the close and its results."""
    weeks = rules.month_weeks(year, month)
    start, end = weeks[0].start, weeks[-1].end
    rule = scheme_rule(scheme)
    by_subject: dict[int, list] = defaultdict(list)
    names: dict[int, str] = {}
    rows = (
        scoped(Entry.objects.filter(scheme=scheme, occurred_on__gte=start, occurred_on__lte=end), user)
        .order_by("occurred_on", "pk")
        .values_list(
            "pk", "subject_id", "item__code", "item__name", "points", "source", "occurred_on", "corrects_id"
        )
    )
    for pk, subject_id, code, name, points, source, on, corrects in rows:
        by_subject[subject_id].append((on, rules.EntryIn(pk, code, points, source, corrects)))
        names[pk] = name
    close = closes(user, scheme).filter(period=rules.period_label("month", year, month)).first()
    closed = {r.subject_id: r for r in results(user, close)} if close is not None else {}
    pay = abc_pay()
    villages: dict[str, AbcVillage] = {}
    for subject in subjects(user, scheme).order_by("village", "name", "pk"):
        dated = by_subject.get(subject.pk, [])
        ws = rules.weekly_score(dated, rule, weeks)
        when = {e.id: on for on, e in dated}
        points = {e.id: e.points for _on, e in dated}
        cells = [
            AbcCell(w, p, [(when[i], names[i], points[i]) for i in ids])
            for w, p, ids in zip(weeks, ws.weeks, ws.entries, strict=True)
        ]
        result = closed.get(subject.pk)
        if result is not None:
            total, grade, amount, is_closed = result.total, result.grade, result.pay, True
        elif close is not None:  # added after the month closed: no result of its own
            total, grade, amount, is_closed = ws.score.total, "", None, True
        else:
            total = ws.score.total
            grade = rules.abc_grade(total, scheme.thresholds)
            amount, is_closed = rules.grade_pay(grade, pay), False
        village = villages.setdefault(
            subject.village_id, AbcVillage(subject.village_id, subject.village.name)
        )
        village.rows.append(
            AbcRow(
                subject_id=subject.pk,
                name=subject.name,
                village_code=subject.village_id,
                village_name=subject.village.name,
                cells=cells,
                total=total,
                grade=grade,
                pay=amount,
                vetoed=ws.score.vetoed if result is None else result.vetoed,
                capped=any(r.startswith("cap:") for r in ws.score.reasons),
                closed=is_closed,
            )
        )
    return AbcWeeks(scheme, year, month, weeks, list(villages.values()), close)
