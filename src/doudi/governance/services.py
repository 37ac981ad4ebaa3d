"""Every write of points schemes: atomic, checked, audited in the same transaction (core.audit).

Errors a user can cause are ValidationError with a Chinese message; nothing is half-written.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, DecimalField, Exists, F, OuterRef, Sum, Value, When
from django.utils import timezone

from doudi.core import audit, regions
from doudi.core.models import Region, User
from doudi.core.roles import Cap
from doudi.core.scope import in_scope
from doudi.core.workdays import add_working_days

from . import exports, rules, schemefile, scoring, selectors
from .models import (
    Appeal,
    Dimension,
    Entry,
    Goods,
    HonourList,
    Item,
    PeriodClose,
    Redemption,
    Result,
    Scheme,
    Subject,
)

SOURCE_COLOUR = "score_colour"  # oversight source kind of the 三色预警 follow-up tasks

# Which sources an account of each level may award for (四方督评: 县督县评、乡督乡评、村督村评, and the
# peer and public evaluations a township or village records as they were given).
LEVEL_SOURCES = {
    regions.PROVINCE: {"county"},
    regions.CITY: {"county"},
    regions.COUNTY: {"county"},
    regions.TOWNSHIP: {"township", "peer", "public"},
    regions.VILLAGE: {"village", "peer", "public"},
}


def _require(actor, cap) -> None:
    if not actor.can(cap):
        raise PermissionDenied


def _area(actor, code) -> None:
    if not in_scope(actor, code):
        raise ValidationError("该对象不在您的管辖范围内。")


# ---- schemes --------------------------------------------------------------------------------------


def scheme_create(*, actor, region: Region, text: str, example: str = "") -> Scheme:
    """A scheme from a scheme file (a shipped example or the county's own) for a county or township."""
    _require(actor, Cap.MANAGE_SCHEMES)
    _area(actor, region.code)
    if region.level not in (regions.COUNTY, regions.TOWNSHIP):
        raise ValidationError("积分方案由县或乡镇制定。")
    spec = schemefile.load(text)
    if Scheme.objects.filter(region=region, key=spec.key).exists():
        raise ValidationError(f"{region.name}已经有“{spec.name}”方案。")
    with transaction.atomic():
        scheme = Scheme.objects.create(
            region=region,
            key=spec.key,
            name=spec.name,
            subject_kind=spec.subject_kind,
            purpose=spec.purpose,
            period=spec.period,
            floor=spec.floor,
            lines=spec.lines,
            thresholds=spec.thresholds,
            weights=spec.weights,
            sources=spec.sources,
            red_top=spec.red_top,
            black_bottom=spec.black_bottom,
            example=example,
            created_by=actor,
        )
        for i, d in enumerate(spec.dimensions):
            dim = Dimension.objects.create(scheme=scheme, key=d.key, name=d.name, cap=d.cap, order=i)
            Item.objects.bulk_create(
                Item(
                    scheme=scheme,
                    dimension=dim,
                    code=it.code,
                    name=it.name,
                    points=it.points,
                    veto=it.veto,
                    black=it.black,
                    order=j,
                )
                for j, it in enumerate(d.items)
            )
        audit.record(
            actor,
            "create",
            scheme,
            changes=audit.diff({}, audit.snapshot(scheme)),
            extra={"dimensions": len(spec.dimensions), "example": example},
        )
    return scheme


def scheme_instantiate(*, actor, region: Region, example: str) -> Scheme:
    return scheme_create(actor=actor, region=region, text=schemefile.example_text(example), example=example)


def scheme_set_lines(*, actor, scheme: Scheme, lines: dict) -> Scheme:
    """New 三色预警 lines; overlapping or unordered ones are refused (rules.check_lines)."""
    _require(actor, Cap.MANAGE_SCHEMES)
    _area(actor, scheme.region_id)
    try:
        checked = {k: str(v) for k, v in rules.check_lines(lines).items()}
        if rules.line_mode(lines) != rules.SCORE:
            checked["mode"] = rules.line_mode(lines)
    except rules.RuleError as exc:
        raise ValidationError(str(exc)) from exc
    with transaction.atomic():
        before = scheme.lines
        scheme.lines = checked
        scheme.save(update_fields=["lines"])
        audit.record(actor, "update", scheme, changes={"lines": [before, checked]})
    return scheme


def scheme_rule(scheme: Scheme) -> rules.SchemeRule:
    return selectors.scheme_rule(scheme)


# ---- subjects -------------------------------------------------------------------------------------


def _village_of_scheme(scheme: Scheme, village: Region) -> None:
    if village.level != regions.VILLAGE or not village.code.startswith(scheme.region.prefix):
        raise ValidationError("这个村不在方案的适用范围内。")


def subject_add(*, actor, scheme: Scheme, village: Region, name: str) -> Subject:
    _require(actor, Cap.AWARD_POINTS)
    _area(actor, village.code)
    _village_of_scheme(scheme, village)
    name = (name or "").strip()
    if not name:
        raise ValidationError("请填写名称。")
    if Subject.objects.filter(scheme=scheme, village=village, name=name).exists():
        raise ValidationError(f"“{name}”已在本村的名单中。")
    with transaction.atomic():
        subject = Subject.objects.create(scheme=scheme, village=village, name=name[:100])
        audit.record(actor, "create", subject, changes=audit.diff({}, audit.snapshot(subject)))
    return subject


# ---- entries --------------------------------------------------------------------------------------


def allowed_sources(actor, scheme: Scheme) -> list[str]:
    level = actor.region.level if actor.region_id else None
    mine = LEVEL_SOURCES.get(level, set())
    return [s for s in scheme.sources if s in mine]


def _closed(scheme: Scheme, on: dt.date) -> bool:
    return PeriodClose.objects.filter(scheme=scheme, start__lte=on, end__gte=on).exists()


def _lock_subject(subject: Subject) -> Subject:
    return Subject.objects.select_for_update().get(pk=subject.pk)


def entry_award(
    *,
    actor,
    subject: Subject,
    item: Item,
    source: str,
    occurred_on: dt.date,
    note: str = "",
    evidence=None,
) -> Entry:
    """Award an item to a subject. The item must be the scheme's, the subject in the actor's area,
    the source one the actor may award for, the period still open."""
    _require(actor, Cap.AWARD_POINTS)
    _area(actor, subject.village_id)
    scheme = subject.scheme
    if item.scheme_id != scheme.pk:
        raise ValidationError("该积分项不属于这个方案。")
    if source not in allowed_sources(actor, scheme):
        raise ValidationError("您不能以这个评分来源记分。")
    if occurred_on > timezone.localdate():
        raise ValidationError("记分日期不能晚于今天。")
    if _closed(scheme, occurred_on):
        raise ValidationError("该日期所在的周期已经结算，不能再记分。")
    with transaction.atomic():
        entry = Entry.objects.create(
            scheme=scheme,
            subject=subject,
            village_id=subject.village_id,
            item=item,
            points=item.points,
            source=source,
            occurred_on=occurred_on,
            note=(note or "").strip()[:300],
            evidence=evidence,
            awarded_by=actor,
        )
        if scheme.purpose == Scheme.Purpose.MARKET:
            locked = _lock_subject(subject)
            Subject.objects.filter(pk=locked.pk).update(balance=F("balance") + entry.points)
        audit.record(actor, "create", entry, changes=audit.diff({}, audit.snapshot(entry)))
    return entry


def entry_correct(*, actor, entry: Entry, points, note: str) -> Entry:
    """A correction is a new entry that replaces `entry` (never an edit); 0 points withdraws it."""
    _require(actor, Cap.AWARD_POINTS)
    _area(actor, entry.village_id)
    if not (note or "").strip():
        raise ValidationError("请写明更正的原因。")
    try:
        points = Decimal(str(points))
    except ArithmeticError as exc:
        raise ValidationError("分值必须是数字。") from exc
    if _closed(entry.scheme, entry.occurred_on):
        raise ValidationError("该记分所在的周期已经结算，不能更正。")
    with transaction.atomic():
        if Entry.objects.select_for_update().filter(corrects=entry).exists():
            raise ValidationError("这条记分已经更正过，请更正最新的一条。")
        correction = Entry.objects.create(
            scheme=entry.scheme,
            subject=entry.subject,
            village_id=entry.village_id,
            item=entry.item,
            points=points,
            source=entry.source,
            occurred_on=entry.occurred_on,
            note=note.strip()[:300],
            corrects=entry,
            awarded_by=actor,
        )
        if entry.scheme.purpose == Scheme.Purpose.MARKET:
            locked = _lock_subject(entry.subject)
            Subject.objects.filter(pk=locked.pk).update(balance=F("balance") + (points - entry.points))
        audit.record(
            actor,
            "create",
            correction,
            changes=audit.diff({}, audit.snapshot(correction)),
            extra={"corrects": entry.pk},
        )
    return correction


# ---- appeals --------------------------------------------------------------------------------------


def appeal_deadline(entry: Entry) -> dt.date:
    awarded = timezone.localtime(entry.created_at).date() if entry.created_at else timezone.localdate()
    return add_working_days(awarded, entry.scheme.appeal_days)


def appeal_file(*, actor, entry: Entry, reason: str, today: dt.date | None = None) -> Appeal:
    _require(actor, Cap.AWARD_POINTS)
    _area(actor, entry.village_id)
    today = today or timezone.localdate()
    if not (reason or "").strip():
        raise ValidationError("请写明申诉理由。")
    deadline = appeal_deadline(entry)
    if today > deadline:
        raise ValidationError(f"申诉期限已过（{deadline.isoformat()}）。")
    if hasattr(entry, "corrected_by"):
        raise ValidationError("这条记分已经更正过。")
    with transaction.atomic():
        try:
            with transaction.atomic():
                appeal = Appeal.objects.create(
                    entry=entry, reason=reason.strip(), deadline=deadline, filed_by=actor
                )
        except IntegrityError as exc:
            raise ValidationError("这条记分已经申诉过。") from exc
        audit.record(
            actor,
            "create",
            appeal,
            region_code=entry.village_id,
            changes=audit.diff({}, audit.snapshot(appeal)),
        )
    return appeal


def appeal_decide(*, actor, appeal: Appeal, upheld: bool, decision: str, points=0) -> Appeal:
    """The township decides; an upheld appeal corrects the entry (to `points`, 0 by default)."""
    _require(actor, Cap.MANAGE_SCHEMES)
    _area(actor, appeal.entry.village_id)
    if appeal.status != Appeal.Status.OPEN:
        raise ValidationError("这项申诉已经处理。")
    if not (decision or "").strip():
        raise ValidationError("请写明处理意见。")
    with transaction.atomic():
        before = audit.snapshot(appeal)
        if upheld:
            appeal.correction = entry_correct(
                actor=actor, entry=appeal.entry, points=points, note=f"申诉成立：{decision.strip()}"
            )
        appeal.status = Appeal.Status.UPHELD if upheld else Appeal.Status.REJECTED
        appeal.decision = decision.strip()
        appeal.decided_by = actor
        appeal.decided_at = timezone.now()
        appeal.save()
        audit.record(
            actor,
            "update",
            appeal,
            region_code=appeal.entry.village_id,
            changes=audit.diff(before, audit.snapshot(appeal)),
        )
    return appeal


# ---- closing a period -----------------------------------------------------------------------------


def period_sums(scheme: Scheme, start: dt.date, end: dt.date, village_prefix: str | None = None):
    """{subject id: ({dimension: weighted sum}, [veto item codes], black item count)} of the entries
    that count in the period, summed by the database (replaced entries left out). The caps and the
    veto are then applied by rules.score_from_sums."""
    weights = {k: Decimal(str(v)) for k, v in (scheme.weights or {}).items()}
    weighted = F("points")
    if weights:
        weighted = Case(
            *(When(source=s, then=F("points") * Value(w)) for s, w in weights.items()),
            default=F("points"),
            output_field=DecimalField(max_digits=12, decimal_places=4),
        )
    qs = Entry.objects.filter(scheme=scheme, occurred_on__gte=start, occurred_on__lte=end).exclude(
        Exists(Entry.objects.filter(corrects=OuterRef("pk")))
    )
    if village_prefix:
        low, high = village_prefix.ljust(12, "0"), village_prefix.ljust(12, "9")
        qs = qs.filter(village__gte=low, village__lte=high)
    out: dict[int, tuple[dict, list, int]] = defaultdict(lambda: ({}, [], 0))
    rows = qs.values_list(
        "subject_id", "item__dimension__key", "item__veto", "item__black", "item__code"
    ).annotate(total=Sum(weighted))
    for subject_id, dim, veto, black, code, total in rows:
        sums, vetoes, blacks = out[subject_id]
        sums[dim] = sums.get(dim, Decimal(0)) + (total or Decimal(0))
        if veto:
            vetoes.append(code)
        out[subject_id] = (sums, vetoes, blacks + (1 if black else 0))
    return out


def period_of(scheme: Scheme, label: str) -> tuple[int, int]:
    try:
        if scheme.period == Scheme.Period.QUARTER:
            year, q = label.split("-Q")
            index = int(q)
            ok = 1 <= index <= 4
        elif scheme.period == Scheme.Period.MONTH:
            year, m = label.split("-")
            index = int(m)
            ok = 1 <= index <= 12
        else:
            year, index, ok = label, 1, True
        year = int(year)
    except ValueError as exc:
        raise ValidationError(f"周期“{label}”格式不对。") from exc
    if not ok or not 2000 <= year <= 2100:
        raise ValidationError(f"周期“{label}”格式不对。")
    return year, index


def _follow_up_owner(village_code: str, fallback):
    """The village's own staff handle its follow-up (a village has a handful of accounts)."""
    users = User.objects.filter(region_id=village_code, is_active=True).order_by("pk")
    return next((u for u in users if u.can(Cap.HANDLE_RECTIFICATION)), None) or fallback


def period_close(*, actor, scheme: Scheme, period: str, today: dt.date | None = None) -> PeriodClose:
    """Close one period of a scheme: each subject's score (rules), its rank, and by purpose its
    warning colour with a follow-up task (三色预警: 提醒/提质/提升, through oversight) or its ABC
    grade with the month's pay. A period closes once, after it has ended."""
    _require(actor, Cap.MANAGE_SCHEMES)
    _area(actor, scheme.region_id)
    today = today or timezone.localdate()
    year, index = period_of(scheme, period)
    start, end = rules.period_bounds(scheme.period, year, index)
    if end >= today:
        raise ValidationError("周期尚未结束，不能结算。")
    if PeriodClose.objects.filter(scheme=scheme, period=period).exists():
        raise ValidationError(f"{period}已经结算。")
    rows, dims = scoring.results_query(scheme, start, end)
    rows = list(rows)
    by_rank = (
        scheme.purpose == Scheme.Purpose.RANKING
        and bool(scheme.lines)
        and rules.line_mode(scheme.lines) == rules.PERCENTILE
    )
    vetoes = defaultdict(list)
    for subject_id, code in (
        Entry.objects.filter(scheme=scheme, occurred_on__gte=start, occurred_on__lte=end, item__veto=True)
        .exclude(Exists(Entry.objects.filter(corrects=OuterRef("pk"))))
        .values_list("subject_id", "item__code")
        .distinct()
    ):
        vetoes[subject_id].append(code)
    pay = getattr(settings, "DOUDI_GOVERNANCE_ABC_PAY", {"A": "2000", "B": "1600", "C": "1200"})
    counts: dict[str, int] = defaultdict(int)
    cent = Decimal("0.01")
    with transaction.atomic():
        close = PeriodClose.objects.create(
            scheme=scheme, period=period, start=start, end=end, closed_by=actor
        )
        results = []
        for row in rows:
            total = Decimal(row["total"]).quantize(cent)
            grade, amount = "", None
            if scheme.purpose == Scheme.Purpose.ABC:
                try:
                    grade = rules.abc_grade(total, scheme.thresholds)
                    amount = rules.grade_pay(grade, pay)
                except rules.RuleError as exc:
                    raise ValidationError(str(exc)) from exc
            colour = row["colour"] if scheme.purpose == Scheme.Purpose.RANKING else ""
            if by_rank:
                colour = rules.rank_colour(row["rank"], len(rows), scheme.lines) or ""
            reasons = [f"cap:{d.key}" for i, d in enumerate(dims) if row[f"capped_{i}"]] + [
                f"veto:{c}" for c in sorted(vetoes.get(row["pk"], []))
            ]
            counts[colour or grade or "none"] += 1
            results.append(
                Result(
                    close=close,
                    subject_id=row["pk"],
                    village_id=row["village_id"],
                    total=total,
                    breakdown={d.key: str(Decimal(row[f"d_{i}"]).quantize(cent)) for i, d in enumerate(dims)},
                    reasons=reasons,
                    vetoed=bool(row["vetoed"]),
                    rank=row["rank"],
                    colour=colour,
                    grade=grade,
                    pay=amount,
                )
            )
        Result.objects.bulk_create(results, batch_size=2000)
        close.counts = dict(counts)
        close.save(update_fields=["counts"])
        audit.record(actor, "create", close, region_code=scheme.region_id, extra={"counts": close.counts})
        if scheme.purpose == Scheme.Purpose.RANKING:
            _open_follow_ups(actor, close, today)
    return close


FOLLOW_UP_TITLES = {
    "remind": "红色预警：{name}{period}积分低于红色提醒线，须约谈提醒",
    "improve": "黄色预警：{name}{period}积分低于黄色提质线，须制定提质措施",
    "raise": "蓝色预警：{name}{period}积分低于蓝色提升线，须明确提升方向",
}


def _open_follow_ups(actor, close: PeriodClose, today: dt.date) -> None:
    """One task per coloured result (plan 2, 三 2: 作出提醒、提质、提升的相应安排), opened through
    oversight's rectification_open so it sits in the township's task list with its deadline."""
    from doudi.oversight.services import rectification_open
    from doudi.oversight.sources import Source

    deadline = add_working_days(today, close.scheme.follow_up_days)
    villages = {}
    for result in close.results.exclude(colour="").select_related("subject", "village"):
        kind = rules.FOLLOW_UP[result.colour]
        owner = villages.get(result.village_id)
        if owner is None:
            owner = villages[result.village_id] = _follow_up_owner(result.village_id, actor)
        rectification_open(
            actor=actor,
            source=Source(SOURCE_COLOUR, result.pk),
            region=result.village,
            title=FOLLOW_UP_TITLES[kind].format(name=result.subject.name, period=close.period),
            owner=owner,
            deadline=deadline,
            aspect=kind,
            description=f"{close.scheme.name} {close.period}：{result.total} 分，排名第 {result.rank}。",
        )


# ---- 积分超市 -------------------------------------------------------------------------------------


def goods_save(*, actor, scheme: Scheme, village: Region, name: str, price, stock: int) -> Goods:
    """Add a good to a village's supermarket, or set the price and stock of one it has."""
    _require(actor, Cap.REDEEM_POINTS)
    _area(actor, village.code)
    _village_of_scheme(scheme, village)
    if scheme.purpose != Scheme.Purpose.MARKET:
        raise ValidationError("这个方案没有积分超市。")
    try:
        price = Decimal(str(price))
        stock = int(stock)
    except (ArithmeticError, ValueError) as exc:
        raise ValidationError("价格和库存必须是数字。") from exc
    if price <= 0 or stock < 0:
        raise ValidationError("价格须大于 0，库存不能为负。")
    name = (name or "").strip()
    if not name:
        raise ValidationError("请填写商品名称。")
    with transaction.atomic():
        goods = Goods.objects.select_for_update().filter(scheme=scheme, village=village, name=name).first()
        before = audit.snapshot(goods) if goods else {}
        if goods is None:
            goods = Goods(scheme=scheme, village=village, name=name[:100])
        goods.price, goods.stock, goods.is_active = price, stock, True
        goods.save()
        audit.record(
            actor, "update" if before else "create", goods, changes=audit.diff(before, audit.snapshot(goods))
        )
    return goods


def redeem(*, actor, subject: Subject, goods: Goods, quantity: int) -> Redemption:
    """A redemption at the village counter. The subject's and the good's rows are locked (SELECT …
    FOR UPDATE), so two counters redeeming at once cannot spend the same points or the last item:
    the balance never goes negative (rules.balance_after) and stock never below zero."""
    _require(actor, Cap.REDEEM_POINTS)
    _area(actor, subject.village_id)
    if goods.scheme_id != subject.scheme_id or goods.village_id != subject.village_id:
        raise ValidationError("这件商品不在本村的积分超市。")
    try:
        quantity = int(quantity)
    except (TypeError, ValueError) as exc:
        raise ValidationError("数量必须是整数。") from exc
    with transaction.atomic():
        locked = _lock_subject(subject)
        g = Goods.objects.select_for_update().get(pk=goods.pk)
        if not g.is_active:
            raise ValidationError("这件商品已下架。")
        try:
            after = rules.balance_after(locked.balance, g.price, quantity)
        except rules.RuleError as exc:
            raise ValidationError(str(exc)) from exc
        if g.stock < quantity:
            raise ValidationError(f"库存不足：还剩 {g.stock} 件。")
        g.stock -= quantity
        g.save(update_fields=["stock"])
        locked.balance = after
        locked.save(update_fields=["balance"])
        redemption = Redemption.objects.create(
            subject=locked,
            goods=g,
            village_id=locked.village_id,
            quantity=quantity,
            points=g.price * quantity,
            balance_after=after,
            redeemed_by=actor,
        )
        audit.record(
            actor,
            "create",
            redemption,
            changes=audit.diff({}, audit.snapshot(redemption)),
            extra={"goods": g.name},
        )
    return redemption


# ---- 红黑榜 ---------------------------------------------------------------------------------------


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    try:
        year, m = (int(x) for x in month.split("-"))
        return rules.period_bounds("month", year, m)
    except (ValueError, TypeError) as exc:
        raise ValidationError(f"月份“{month}”格式不对，应为 2026-03。") from exc


REASONS = {"top": "本月积分前列", "bottom": "本月积分末位", "item": "本月有上黑榜的行为"}


def honour_list_draft(*, actor, scheme: Scheme, village: Region, month: str) -> HonourList:
    """Draft (or redraft, while unpublished) a village's 红黑榜 of a month from the scheme's rules.
    Rows hold the subject's name, its board, total and the rule's reason — nothing else."""
    _require(actor, Cap.AWARD_POINTS)
    _area(actor, village.code)
    _village_of_scheme(scheme, village)
    start, end = month_bounds(month)
    if start > timezone.localdate():
        raise ValidationError("这个月还没有开始。")
    sums = period_sums(scheme, start, end, village_prefix=village.code)
    rule = scheme_rule(scheme)
    totals = {pk: rules.score_from_sums(s, v, rule).total for pk, (s, v, _b) in sums.items()}
    blacks = [pk for pk, (_s, _v, b) in sums.items() if b]
    board = rules.honour_lists(
        totals, blacks, rules.ListRule(red_top=scheme.red_top, black_bottom=scheme.black_bottom)
    )
    names = dict(Subject.objects.filter(pk__in=[e.subject for e in board]).values_list("pk", "name"))
    rows = [
        {"board": e.board, "name": names[e.subject], "total": str(e.total), "reason": REASONS[e.reason]}
        for e in board
    ]
    with transaction.atomic():
        hl = (
            HonourList.objects.select_for_update().filter(scheme=scheme, village=village, month=month).first()
        )
        if hl is not None and hl.status == HonourList.Status.PUBLISHED:
            raise ValidationError("本月红黑榜已经发布。")
        before = audit.snapshot(hl) if hl else {}
        if hl is None:
            hl = HonourList(scheme=scheme, village=village, month=month, drafted_by=actor)
        hl.rows, hl.drafted_by = rows, actor
        hl.save()
        audit.record(
            actor, "update" if before else "create", hl, changes=audit.diff(before, audit.snapshot(hl))
        )
    return hl


def honour_list_publish(*, actor, honour_list: HonourList) -> HonourList:
    """Reviewed by the township, then published on the village's public page."""
    _require(actor, Cap.MANAGE_SCHEMES)
    _area(actor, honour_list.village_id)
    with transaction.atomic():
        hl = HonourList.objects.select_for_update().get(pk=honour_list.pk)
        if hl.status == HonourList.Status.PUBLISHED:
            raise ValidationError("本月红黑榜已经发布。")
        before = audit.snapshot(hl)
        hl.status = HonourList.Status.PUBLISHED
        hl.published_by, hl.published_at = actor, timezone.now()
        hl.save()
        audit.record(actor, "update", hl, changes=audit.diff(before, audit.snapshot(hl)))
    return hl


def evidence_store(*, actor, village: Region, uploaded):
    """Keep the evidence of an award (a photo, or a PDF document) as an Upload; None without one."""
    from doudi.core.services import check_image, upload_store

    if uploaded is None:
        return None
    head = uploaded.read(5)
    uploaded.seek(0)
    if head != b"%PDF-":
        check_image(uploaded, what="证明材料")
    return upload_store(actor=actor, region=village, uploaded_file=uploaded, kind="governance_evidence")


# ---- exports --------------------------------------------------------------------------------------


def _exported(actor, target, build, **extra):
    """An .xlsx of names (and points or pay) in the actor's area, its download written to the audit
    log in the same transaction (DESIGN.md promise 4)."""
    _require(actor, Cap.VIEW_SCORES)
    with transaction.atomic():
        buf = build()
        audit.record(actor, "export", target, region_code=actor.region_id, extra=extra)
    return buf


def abc_weeks_export(*, actor, summary):
    """The weekly ABC summary (names and pay of the area's workers)."""
    return _exported(
        actor,
        summary.scheme,
        lambda: exports.abc_weeks(summary),
        sheet="abc-weeks",
        month=summary.label,
        rows=len(summary.rows),
    )


def payroll_export(*, actor, close):
    """A closed month's payroll of the sanitation workers in the actor's area (工资表)."""
    return _exported(
        actor, close, lambda: exports.payroll(actor, close), sheet="payroll", period=close.period
    )


def redemption_ledger_export(*, actor, scheme, month: str):
    """The month's redemption ledger (兑换台账) of the villages in the actor's area."""
    return _exported(
        actor,
        scheme,
        lambda: exports.redemption_ledger(actor, scheme, month),
        sheet="redemptions",
        month=month,
    )
