"""Points-scheme pages: thin views (form → service → render); every lookup through selectors (the
scope), so a forged or out-of-area id answers 404. Awarding is laid out for a phone."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doudi.core import jobs
from doudi.core import regions as rlevels
from doudi.core.models import Region
from doudi.core.roles import Cap
from doudi.core.scope import scoped
from doudi.core.views import paginate

from . import rules, schemefile, selectors, services
from .models import Appeal, HonourList, Scheme


def _need(user, cap):
    if not user.can(cap):
        raise PermissionDenied(_("Your role does not allow this."))


def _error(request, exc):
    if isinstance(exc, schemefile.SchemeFileError):
        for where, message in exc.errors:
            messages.error(request, f"{where}：{message}")
        return
    for message in getattr(exc, "messages", [str(exc)]):
        messages.error(request, message)


def _run(request, fn, ok: str):
    """Call a service; a refusal becomes a message (the service wrote nothing)."""
    try:
        result = fn()
    except (ValidationError, schemefile.SchemeFileError) as exc:
        _error(request, exc)
        return None
    messages.success(request, ok)
    return result


def _date(text, default=None):
    try:
        return dt.date.fromisoformat(text) if text else default
    except ValueError:
        return None


# ---- schemes --------------------------------------------------------------------------------------


def scheme_list(request):
    _need(request.user, Cap.VIEW_SCORES)
    areas = scoped(Region, request.user).filter(level__in=[rlevels.COUNTY, rlevels.TOWNSHIP], is_active=True)
    return render(
        request,
        "governance/scheme_list.html",
        {
            "schemes": selectors.schemes(request.user).order_by("region", "name"),
            "examples": schemefile.examples(),
            "areas": areas.order_by("code") if request.user.can(Cap.MANAGE_SCHEMES) else [],
        },
    )


@require_POST
def scheme_new(request):
    _need(request.user, Cap.MANAGE_SCHEMES)
    region = scoped(Region, request.user).filter(code=request.POST.get("region", "")).first()
    if region is None:
        messages.error(request, "请选择您管辖范围内的县或乡镇。")
        return redirect("governance_schemes")
    scheme = _run(
        request,
        lambda: services.scheme_instantiate(
            actor=request.user, region=region, example=request.POST.get("example", "")
        ),
        _("The scheme is set up."),
    )
    return redirect("governance_scheme", scheme.pk) if scheme else redirect("governance_schemes")


def scheme_detail(request, pk):
    _need(request.user, Cap.VIEW_SCORES)
    scheme = selectors.scheme_or_404(request.user, pk)
    today = timezone.localdate()
    subjects = selectors.subjects(request.user, scheme)
    manages = (
        request.user.can(Cap.MANAGE_SCHEMES) and scoped(Scheme, request.user).filter(pk=scheme.pk).exists()
    )
    return render(
        request,
        "governance/scheme_detail.html",
        {
            "scheme": scheme,
            "dimensions": scheme.dimensions.prefetch_related("items"),
            "subjects": paginate(request, subjects),
            "closes": [(c, selectors.count_rows(c)) for c in selectors.closes(request.user, scheme)],
            "villages": selectors.villages(request.user, scheme)
            if request.user.can(Cap.AWARD_POINTS)
            else [],
            "manages": manages,
            "year": today.year,
            "year_totals": selectors.year_totals(request.user, scheme, today.year)[:20],
            "sources": dict(services.Entry.Source.choices),
        },
    )


@require_POST
def scheme_lines(request, pk):
    scheme = selectors.scheme_or_404(request.user, pk)
    lines = {c: request.POST.get(c, "").strip() or None for c in ("red", "yellow", "blue")}
    lines["mode"] = request.POST.get("mode") or "score"
    _run(
        request,
        lambda: services.scheme_set_lines(actor=request.user, scheme=scheme, lines=lines),
        _("Saved."),
    )
    return redirect("governance_scheme", scheme.pk)


@require_POST
def scheme_close(request, pk):
    """Close a period as a background job (the quarterly 三色预警, the monthly ABC grades)."""
    _need(request.user, Cap.MANAGE_SCHEMES)
    scheme = selectors.scheme_or_404(request.user, pk)
    if not scoped(Scheme, request.user).filter(pk=scheme.pk).exists():
        raise Http404(selectors.NOT_FOUND)
    period = request.POST.get("period", "").strip()
    try:
        services.period_of(scheme, period)
    except ValidationError as exc:
        _error(request, exc)
        return redirect("governance_scheme", scheme.pk)
    job = jobs.start_job(
        kind="governance_close",
        title=f"{scheme.name} {period} 结算",
        actor=request.user,
        region=scheme.region,
        params={"scheme": scheme.pk, "period": period},
    )
    return redirect("job_detail", job.pk)


@require_POST
def subject_add(request, pk):
    scheme = selectors.scheme_or_404(request.user, pk)
    village = selectors.villages(request.user, scheme).filter(code=request.POST.get("village", "")).first()
    if village is None:
        messages.error(request, "请选择您管辖范围内的村。")
    else:
        _run(
            request,
            lambda: services.subject_add(
                actor=request.user, scheme=scheme, village=village, name=request.POST.get("name", "")
            ),
            _("Saved."),
        )
    return redirect("governance_scheme", scheme.pk)


def close_detail(request, pk):
    _need(request.user, Cap.VIEW_SCORES)
    close = selectors.close_or_404(request.user, pk)
    results = selectors.results(request.user, close)
    colour = request.GET.get("colour")
    if colour in ("red", "yellow", "blue"):
        results = results.filter(colour=colour)
    dims = {d.key: d.name for d in close.scheme.dimensions.all()}
    return render(
        request,
        "governance/close_detail.html",
        {
            "close": close,
            "counts": selectors.count_rows(close),
            "results": paginate(request, results, 100),
            "dims": dims,
            "colour": colour or "",
        },
    )


def payroll_xlsx(request, pk):
    _need(request.user, Cap.VIEW_SCORES)
    close = selectors.close_or_404(request.user, pk)
    if close.scheme.purpose != Scheme.Purpose.ABC:
        raise Http404(selectors.NOT_FOUND)
    return _xlsx(services.payroll_export(actor=request.user, close=close), f"payroll-{close.period}.xlsx")


def _abc_scheme_and_month(request, pk):
    """An ABC scheme of the user's area and the month asked for (?month=YYYY-MM, this month by
    default); another purpose is a 404, a malformed month a Chinese message and this month."""
    scheme = selectors.scheme_or_404(request.user, pk)
    if scheme.purpose != Scheme.Purpose.ABC:
        raise Http404(_("The weekly summary is for ABC schemes only."))
    today = timezone.localdate()
    text = request.GET.get("month") or today.strftime("%Y-%m")
    try:
        year, month = rules.month_of(text)
    except rules.RuleError as exc:
        return scheme, None, str(exc)
    return scheme, (year, month), ""


def abc_weeks(request, pk):
    """The weekly ABC summary (周督查、月考核): per sanitation worker the points of each week of the
    month, the month-to-date total, its grade and pay (provisional until the month is closed)."""
    _need(request.user, Cap.VIEW_SCORES)
    scheme, month, error = _abc_scheme_and_month(request, pk)
    if month is None:
        messages.error(request, error)
        today = timezone.localdate()
        month = (today.year, today.month)
    summary = selectors.abc_weeks(request.user, scheme, *month)
    first = summary.weeks[0].start
    previous = (first - dt.timedelta(days=1)).strftime("%Y-%m")
    following = (summary.weeks[-1].end + dt.timedelta(days=1)).strftime("%Y-%m")
    return render(
        request,
        "governance/abc_weeks.html",
        {
            "scheme": scheme,
            "summary": summary,
            "previous": previous,
            "following": following if following <= timezone.localdate().strftime("%Y-%m") else "",
            "this_month": timezone.localdate().strftime("%Y-%m"),
        },
    )


def abc_weeks_xlsx(request, pk):
    """The weekly ABC summary as a spreadsheet (audited: names and pay of the area's workers)."""
    _need(request.user, Cap.VIEW_SCORES)
    scheme, month, error = _abc_scheme_and_month(request, pk)
    if month is None:
        raise Http404(error)
    summary = selectors.abc_weeks(request.user, scheme, *month)
    return _xlsx(
        services.abc_weeks_export(actor=request.user, summary=summary), f"abc-weeks-{summary.label}.xlsx"
    )


def _xlsx(buf: io.BytesIO, name: str) -> HttpResponse:
    response = HttpResponse(
        buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# ---- awarding (phone-first) -----------------------------------------------------------------------


def award(request):
    """Award points at the village: scheme → subject → item, a photo as evidence."""
    _need(request.user, Cap.AWARD_POINTS)
    schemes = list(selectors.schemes(request.user))
    scheme = None
    if request.GET.get("scheme") or request.POST.get("scheme"):
        scheme = selectors.scheme_or_404(
            request.user, request.POST.get("scheme") or request.GET.get("scheme")
        )
    elif len(schemes) == 1:
        scheme = schemes[0]
    if request.method == "POST" and scheme is not None:
        subject = selectors.subject_or_404(request.user, request.POST.get("subject"))
        item = selectors.item_of(scheme, request.POST.get("item"))
        on = _date(request.POST.get("occurred_on"), timezone.localdate())
        if subject.scheme_id != scheme.pk or item is None:
            messages.error(request, "该积分项不属于这个方案。")
        elif on is None:
            messages.error(request, "日期格式不对。")
        else:
            try:
                evidence = services.evidence_store(
                    actor=request.user, village=subject.village, uploaded=request.FILES.get("evidence")
                )
                services.entry_award(
                    actor=request.user,
                    subject=subject,
                    item=item,
                    source=request.POST.get("source", ""),
                    occurred_on=on,
                    note=request.POST.get("note", ""),
                    evidence=evidence,
                )
            except ValidationError as exc:
                _error(request, exc)
            else:
                messages.success(
                    request, f"已为{subject.name}记分：{item.name}（{item.points.normalize():+}）"
                )
                return redirect(f"{request.path}?scheme={scheme.pk}")
    context = {"schemes": schemes, "scheme": scheme, "today": timezone.localdate()}
    if scheme is not None:
        context.update(
            subjects=selectors.subjects(request.user, scheme)[:500],
            items=selectors.items(scheme),
            sources=[
                (s, label)
                for s, label in services.Entry.Source.choices
                if s in services.allowed_sources(request.user, scheme)
            ],
            recent=selectors.entries(request.user, scheme).filter(awarded_by=request.user)[:10],
        )
    return render(request, "governance/award.html", context)


def subject_detail(request, pk):
    """Why a subject has its points: every entry, its corrections, its appeals."""
    _need(request.user, Cap.VIEW_SCORES)
    subject = selectors.subject_or_404(request.user, pk)
    entries = selectors.entries(request.user, subject=subject).select_related("corrects", "appeal")
    # ?from=…&to=…: the entries of a week (the weekly ABC summary links its cells here)
    since, until = _date(request.GET.get("from")), _date(request.GET.get("to"))
    if since:
        entries = entries.filter(occurred_on__gte=since)
    if until:
        entries = entries.filter(occurred_on__lte=until)
    return render(
        request,
        "governance/subject_detail.html",
        {
            "subject": subject,
            "since": since,
            "until": until,
            "entries": paginate(request, entries),
            "results": subject.results.select_related("close").order_by("-close__end")[:12],
            "redemptions": subject.redemptions.select_related("goods")[:20],
            "can_award": request.user.can(Cap.AWARD_POINTS),
        },
    )


@require_POST
def entry_correct(request, pk):
    entry = selectors.entry_or_404(request.user, pk)
    try:
        points = Decimal(request.POST.get("points", ""))
    except InvalidOperation:
        messages.error(request, "分值必须是数字。")
    else:
        _run(
            request,
            lambda: services.entry_correct(
                actor=request.user, entry=entry, points=points, note=request.POST.get("note", "")
            ),
            _("The correction is recorded."),
        )
    return redirect("governance_subject", entry.subject_id)


@require_POST
def entry_appeal(request, pk):
    entry = selectors.entry_or_404(request.user, pk)
    _run(
        request,
        lambda: services.appeal_file(actor=request.user, entry=entry, reason=request.POST.get("reason", "")),
        _("The appeal is filed."),
    )
    return redirect("governance_subject", entry.subject_id)


def appeal_list(request):
    _need(request.user, Cap.VIEW_SCORES)
    return render(
        request,
        "governance/appeal_list.html",
        {
            "appeals": paginate(request, selectors.appeals(request.user)),
            "can_decide": request.user.can(Cap.MANAGE_SCHEMES),
            "OPEN": Appeal.Status.OPEN,
        },
    )


@require_POST
def appeal_decide(request, pk):
    appeal = selectors.appeal_or_404(request.user, pk)
    upheld = request.POST.get("upheld") == "1"
    try:
        points = Decimal(request.POST.get("points") or "0")
    except InvalidOperation:
        messages.error(request, "分值必须是数字。")
        return redirect("governance_appeals")
    _run(
        request,
        lambda: services.appeal_decide(
            actor=request.user,
            appeal=appeal,
            upheld=upheld,
            decision=request.POST.get("decision", ""),
            points=points,
        ),
        _("The appeal is decided."),
    )
    return redirect("governance_appeals")


# ---- 积分超市 -------------------------------------------------------------------------------------


def market(request):
    """The village counter: pick the household, the good, redeem; the goods and their stock."""
    _need(request.user, Cap.REDEEM_POINTS)
    schemes = [s for s in selectors.schemes(request.user) if s.purpose == Scheme.Purpose.MARKET]
    scheme = None
    if request.GET.get("scheme"):
        scheme = selectors.scheme_or_404(request.user, request.GET["scheme"])
    elif schemes:
        scheme = schemes[0]
    context = {"schemes": schemes, "scheme": scheme, "month": timezone.localdate().strftime("%Y-%m")}
    if scheme is not None:
        villages = selectors.villages(request.user, scheme)
        village = villages.filter(code=request.GET.get("village", "")).first() or villages.first()
        context.update(
            villages=villages,
            village=village,
            goods=selectors.goods(request.user, scheme, village) if village else [],
            subjects=selectors.subjects(request.user, scheme).filter(village=village) if village else [],
            redemptions=selectors.redemptions(request.user, scheme).filter(village=village)[:20]
            if village
            else [],
        )
    return render(request, "governance/market.html", context)


@require_POST
def goods_save(request, pk):
    scheme = selectors.scheme_or_404(request.user, pk)
    village = selectors.villages(request.user, scheme).filter(code=request.POST.get("village", "")).first()
    if village is None:
        raise Http404(selectors.NOT_FOUND)
    _run(
        request,
        lambda: services.goods_save(
            actor=request.user,
            scheme=scheme,
            village=village,
            name=request.POST.get("name", ""),
            price=request.POST.get("price", ""),
            stock=request.POST.get("stock", ""),
        ),
        _("Saved."),
    )
    return redirect(f"/governance/market/?scheme={scheme.pk}&village={village.code}")


@require_POST
def redeem(request):
    subject = selectors.subject_or_404(request.user, request.POST.get("subject"))
    goods = selectors.goods_or_404(request.user, request.POST.get("goods"))
    r = _run(
        request,
        lambda: services.redeem(
            actor=request.user, subject=subject, goods=goods, quantity=request.POST.get("quantity", "1")
        ),
        _("Redeemed."),
    )
    if r is not None:
        messages.info(
            request, f"{subject.name}兑换{goods.name}×{r.quantity}，余额 {r.balance_after.normalize()} 分。"
        )
    return redirect(f"/governance/market/?scheme={subject.scheme_id}&village={subject.village_id}")


def ledger_xlsx(request, pk):
    """The month's redemption ledger (兑换台账) of the villages in the user's area."""
    _need(request.user, Cap.VIEW_SCORES)
    scheme = selectors.scheme_or_404(request.user, pk)
    month = request.GET.get("month") or timezone.localdate().strftime("%Y-%m")
    try:
        services.month_bounds(month)
    except ValidationError as exc:
        raise Http404(str(exc)) from exc
    buf = services.redemption_ledger_export(actor=request.user, scheme=scheme, month=month)
    return _xlsx(buf, f"redemptions-{month}.xlsx")


# ---- 红黑榜 ---------------------------------------------------------------------------------------


def list_index(request):
    _need(request.user, Cap.VIEW_SCORES)
    schemes = [s for s in selectors.schemes(request.user) if s.purpose == Scheme.Purpose.MARKET]
    last = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    villages = selectors.villages(request.user, schemes[0]) if schemes else []
    return render(
        request,
        "governance/list_index.html",
        {
            "lists": paginate(request, selectors.honour_lists(request.user)),
            "schemes": schemes,
            "villages": villages,
            "month": last,
            "can_draft": request.user.can(Cap.AWARD_POINTS),
        },
    )


@require_POST
def list_draft(request):
    scheme = selectors.scheme_or_404(request.user, request.POST.get("scheme"))
    village = selectors.villages(request.user, scheme).filter(code=request.POST.get("village", "")).first()
    if village is None:
        raise Http404(selectors.NOT_FOUND)
    hl = _run(
        request,
        lambda: services.honour_list_draft(
            actor=request.user, scheme=scheme, village=village, month=request.POST.get("month", "")
        ),
        _("The list is drafted; it is published after review."),
    )
    return redirect("governance_list", hl.pk) if hl else redirect("governance_lists")


def list_detail(request, pk):
    _need(request.user, Cap.VIEW_SCORES)
    hl = selectors.honour_list_or_404(request.user, pk)
    return render(
        request,
        "governance/list_detail.html",
        {
            "hl": hl,
            "can_publish": request.user.can(Cap.MANAGE_SCHEMES) and hl.status == HonourList.Status.DRAFT,
        },
    )


@require_POST
def list_publish(request, pk):
    hl = selectors.honour_list_or_404(request.user, pk)
    _run(request, lambda: services.honour_list_publish(actor=request.user, honour_list=hl), _("Published."))
    return redirect("governance_list", hl.pk)
