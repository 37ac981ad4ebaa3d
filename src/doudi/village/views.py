"""Village supervision pages: thin views (form → service → render), every lookup through the scope."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from doudi.core import regions as rcodes
from doudi.core.roles import Cap
from doudi.core.views import paginate

from . import documents, rules, selectors, services
from .forms import (
    CandidateForm,
    CommitteeForm,
    ImportForm,
    OfficialForm,
    OpennessForm,
    RelativeForm,
    VoucherForm,
)
from .models import Candidate, Committee, Voucher
from .public import for_village as public_sections


def _need(user, cap):
    if not user.can(cap):
        raise PermissionDenied(_("Your role does not allow this."))


def _render(request, template, ctx, status=200):
    user = request.user
    ctx["can"] = {
        "register": user.can(Cap.MANAGE_VILLAGE_REGISTER),
        "approve": user.can(Cap.APPROVE_CANDIDATES),
        "submit": user.can(Cap.SUBMIT_VOUCHERS),
        "review": user.can(Cap.REVIEW_VOUCHERS),
        "book": user.can(Cap.BOOK_VOUCHERS),
    }
    return render(request, template, ctx, status=status)


def _error(request, exc: ValidationError):
    for m in exc.messages:
        messages.error(request, m)


def _form_errors(request, form):
    for errors in form.errors.values():
        for e in errors:
            messages.error(request, e)


def _submit(request, form, call, success) -> bool:
    """A posted form through its service: the success message, or every problem as a message
    (the page it returns to shows them). True when the service ran."""
    if not form.is_valid():
        _form_errors(request, form)
        return False
    try:
        call(**form.cleaned_data)
    except ValidationError as exc:
        _error(request, exc)
        return False
    messages.success(request, success)
    return True


def home(request):
    """A village account goes to its village; others see the overview of their area."""
    _need(request.user, Cap.VIEW_VILLAGE_AFFAIRS)
    region = request.user.region
    if region is not None and region.level == rcodes.VILLAGE:
        return redirect("village_detail", code=region.code)
    rows = selectors.overview(request.user)
    list_url = reverse("village_overview_list", args=["vouchers"])
    chart = {
        "label": _("Vouchers reviewed on time (%)"),
        "names": [r["region"].name for r in rows],
        "values": [r["on_time_pct"] or 0 for r in rows],
        "links": [f"{list_url}?region={r['region'].code}" for r in rows],
    }
    return _render(
        request,
        "village/overview.html",
        {
            "rows": rows,
            "chart": chart,
            "villages": selectors.villages(request.user)[:500],
            "child_is_township": region.level < rcodes.TOWNSHIP,
        },
    )


def overview_list(request, what: str):
    """The list behind a number of the overview (?region= narrows to one township or village)."""
    _need(request.user, Cap.VIEW_VILLAGE_AFFAIRS)
    prefix = request.GET.get("region", "")
    today = timezone.localdate()
    if what == "overdue_reviews":
        qs = selectors.overdue_reviews(selectors.vouchers(request.user), today)
    elif what == "unreviewed_booked":
        qs = selectors.vouchers(request.user, status="booked").exclude(status=Voucher.Status.STAMPED)
    elif what == "inquiries_overdue":
        qs = selectors.inquiries(request.user).filter(answered_on__isnull=True, due_on__lt=today)
    elif what == "committees":
        qs = selectors.committees(request.user)
    elif what == "vouchers":
        qs = selectors.vouchers(request.user)
    else:
        from django.http import Http404

        raise Http404
    if prefix.isdigit() and len(prefix) == 12:
        from doudi.core.regions import parse_region_code
        from doudi.core.scope import within

        try:
            qs = within(qs, parse_region_code(prefix).prefix)
        except ValueError:
            qs = qs.none()
    return _render(request, "village/overview_list.html", {"what": what, "page": paginate(request, qs)})


def village_detail(request, code):
    _need(request.user, Cap.VIEW_VILLAGE_AFFAIRS)
    village = selectors.village(request.user, code)
    return _render(
        request,
        "village/village_detail.html",
        {
            "village": village,
            "officials": selectors.officials(request.user, village),
            "committees": selectors.committees(request.user, village),
            "counts": selectors.voucher_counts(request.user, village),
            "inquiries": selectors.inquiries(request.user, village)[:20],
            "items": selectors.openness(request.user, village)[:20],
            "official_form": OfficialForm(initial={"term": timezone.localdate().year}),
            "relative_form": RelativeForm(),
            "committee_form": CommitteeForm(initial={"term": timezone.localdate().year, "seats": 3}),
            "openness_form": OpennessForm(),
            "today": timezone.localdate(),
        },
    )


@require_POST
def official_add(request, code):
    _need(request.user, Cap.MANAGE_VILLAGE_REGISTER)
    village = selectors.village(request.user, code)
    _submit(
        request,
        OfficialForm(request.POST),
        lambda **d: services.official_add(actor=request.user, village=village, **d),
        _("The official was added to the register."),
    )
    return redirect("village_detail", code=code)


@require_POST
def relative_add(request, pk):
    _need(request.user, Cap.MANAGE_VILLAGE_REGISTER)
    official = selectors.official(request.user, pk)
    _submit(
        request,
        RelativeForm(request.POST),
        lambda **d: services.relative_add(actor=request.user, official=official, **d),
        _("The relative was recorded."),
    )
    return redirect("village_detail", code=official.village_id)


@require_POST
def committee_create(request, code):
    _need(request.user, Cap.MANAGE_VILLAGE_REGISTER)
    village = selectors.village(request.user, code)
    form = CommitteeForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("village_detail", code=code)
    try:
        committee = services.committee_create(actor=request.user, village=village, **form.cleaned_data)
    except ValidationError as exc:
        _error(request, exc)
        return redirect("village_detail", code=code)
    return redirect("village_committee", pk=committee.pk)


def committee_detail(request, pk):
    _need(request.user, Cap.VIEW_VILLAGE_AFFAIRS)
    committee = selectors.committee(request.user, pk)
    candidates = selectors.committee_candidates(committee, timezone.localdate())
    formal = sum(1 for c in candidates if c.status == Candidate.Status.FORMAL)
    return _render(
        request,
        "village/committee_detail.html",
        {
            "committee": committee,
            "candidates": candidates,
            "formal": formal,
            "list_findings": rules.check_candidate_list(committee.seats, formal),
            "form": CandidateForm(),
        },
    )


@require_POST
def candidate_add(request, pk):
    _need(request.user, Cap.MANAGE_VILLAGE_REGISTER)
    committee = selectors.committee(request.user, pk)
    _submit(
        request,
        CandidateForm(request.POST),
        lambda **d: services.candidate_nominate(actor=request.user, committee=committee, **d),
        _("The candidate was nominated."),
    )
    return redirect("village_committee", pk=pk)


@require_POST
def candidate_review(request, pk):
    _need(request.user, Cap.MANAGE_VILLAGE_REGISTER)
    candidate = selectors.candidate(request.user, pk)
    try:
        services.candidate_review(
            actor=request.user,
            candidate=candidate,
            admit=request.POST.get("decision") == "admit",
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        _error(request, exc)
    return redirect("village_committee", pk=candidate.committee_id)


@require_POST
def committee_action(request, pk, action):
    _need(request.user, Cap.VIEW_VILLAGE_AFFAIRS)
    committee = selectors.committee(request.user, pk)
    actions = {
        "submit": lambda: services.committee_submit(actor=request.user, committee=committee),
        "approve": lambda: services.committee_approve(actor=request.user, committee=committee),
        "return": lambda: services.committee_approve(actor=request.user, committee=committee, approve=False),
        "file": lambda: services.committee_file(actor=request.user, committee=committee),
    }
    if action not in actions:
        from django.http import Http404

        raise Http404
    try:
        actions[action]()
        messages.success(request, _("Saved."))
    except ValidationError as exc:
        _error(request, exc)
    return redirect("village_committee", pk=pk)


def _int(text, default=None):
    try:
        return int(str(text).strip())
    except (TypeError, ValueError):
        return default


def election(request, pk):
    """Enter the tallies (phone form); 'preview' shows the rule's result and explanation, nothing
    saved; 'save' records it with the 主任 chosen from those elected."""
    _need(request.user, Cap.VIEW_VILLAGE_AFFAIRS)
    committee = selectors.committee(request.user, pk)
    formal = list(committee.candidates.filter(status=Candidate.Status.FORMAL))
    ctx = {"committee": committee, "formal": formal, "result": None, "values": request.POST}
    if request.method == "POST":
        _need(request.user, Cap.MANAGE_VILLAGE_REGISTER)
        total, present = _int(request.POST.get("representatives_total")), _int(request.POST.get("present"))
        tallies = {c.pk: _int(request.POST.get(f"votes_{c.pk}")) for c in formal}
        held_on = request.POST.get("held_on") or ""
        errors = []
        if total is None or present is None or any(v is None for v in tallies.values()):
            errors.append("请填写代表总数、参会人数和每位候选人的得票数（整数）。")
        try:
            held = dt.date.fromisoformat(held_on)
        except ValueError:
            held = None
            errors.append("请填写选举日期。")
        if errors:
            for e in errors:
                messages.error(request, e)
            return _render(request, "village/election.html", ctx, status=400)
        try:
            result, keyed = services.election_preview(
                committee, representatives_total=total, present=present, tallies=tallies
            )
        except ValidationError as exc:
            _error(request, exc)
            return _render(request, "village/election.html", ctx, status=400)
        ctx["result"] = result
        ctx["explanation"] = services.display_text(result.explanation)
        ctx["elected"] = [keyed[k] for k in result.elected]
        ctx["runoff"] = [keyed[k] for k in result.runoff]
        if request.POST.get("action") == "save":
            try:
                services.election_record(
                    actor=request.user,
                    committee=committee,
                    held_on=held,
                    representatives_total=total,
                    present=present,
                    tallies=tallies,
                    chair_id=_int(request.POST.get("chair")),
                )
            except ValidationError as exc:
                _error(request, exc)
                return _render(request, "village/election.html", ctx, status=400)
            messages.success(request, _("The election was recorded."))
            return redirect("village_committee", pk=pk)
    return _render(request, "village/election.html", ctx)


@require_GET
def filing(request, pk):
    _need(request.user, Cap.VIEW_VILLAGE_AFFAIRS)
    committee = selectors.committee(request.user, pk)
    if committee.status not in (Committee.Status.ELECTED, Committee.Status.FILED):
        messages.error(request, "选举结果记录后才能生成备案表。")
        return redirect("village_committee", pk=pk)
    data = documents.filing_docx(committee)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = (
        f"attachment; filename=filing-{committee.village_id}-{committee.term}.docx"
    )
    return response


# ---- vouchers ------------------------------------------------------------------------------------


def voucher_list(request, code):
    _need(request.user, Cap.VIEW_VILLAGE_AFFAIRS)
    village = selectors.village(request.user, code)
    form = VoucherForm()
    if request.method == "POST":
        _need(request.user, Cap.SUBMIT_VOUCHERS)
        form = VoucherForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                v = services.voucher_create(actor=request.user, village=village, **form.cleaned_data)
                messages.success(request, _("Voucher %(number)s was entered.") % {"number": v.number})
                return redirect("village_vouchers", code=code)
            except ValidationError as exc:
                form.add_error(None, exc)
    status = request.GET.get("status", "")
    qs = selectors.vouchers(request.user, village, status)
    return _render(
        request,
        "village/voucher_list.html",
        {
            "village": village,
            "page": paginate(request, qs),
            "status": status,
            "counts": selectors.voucher_counts(request.user, village),
            "form": form,
            "statuses": Voucher.Status.choices,
        },
        status=400 if form.errors else 200,
    )


@require_POST
def voucher_review(request, pk):
    _need(request.user, Cap.REVIEW_VOUCHERS)
    voucher = selectors.voucher(request.user, pk)
    try:
        services.voucher_review(
            actor=request.user,
            voucher=voucher,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("Voucher %(number)s was reviewed.") % {"number": voucher.number})
    except ValidationError as exc:
        _error(request, exc)
    return redirect(
        reverse("village_vouchers", args=[voucher.village_id]) + "?status=" + request.POST.get("back", "")
    )


@require_POST
def voucher_decision(request, pk):
    _need(request.user, Cap.REVIEW_VOUCHERS)
    voucher = selectors.voucher(request.user, pk)
    try:
        services.voucher_meeting_decision(
            actor=request.user,
            voucher=voucher,
            approved=request.POST.get("approved") == "1",
            decision=request.POST.get("decision", ""),
        )
        messages.success(request, _("Saved."))
    except ValidationError as exc:
        _error(request, exc)
    return redirect("village_vouchers", code=voucher.village_id)


@require_POST
def voucher_book(request, pk):
    _need(request.user, Cap.BOOK_VOUCHERS)
    voucher = selectors.voucher(request.user, pk)
    try:
        services.voucher_book(actor=request.user, voucher=voucher)
        messages.success(request, _("Voucher %(number)s was booked.") % {"number": voucher.number})
    except ValidationError as exc:
        _error(request, exc)
    return redirect(
        reverse("village_vouchers", args=[voucher.village_id]) + "?status=" + request.POST.get("back", "")
    )


def voucher_import(request, code):
    _need(request.user, Cap.SUBMIT_VOUCHERS)
    village = selectors.village(request.user, code)
    form, report = ImportForm(), None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            report = services.voucher_import(
                actor=request.user, village=village, uploaded_file=form.cleaned_data["file"]
            )
            if not report.errors:
                messages.success(request, _("%(n)s vouchers were imported.") % {"n": report.created})
                return redirect("village_vouchers", code=code)
    return _render(
        request,
        "village/voucher_import.html",
        {"village": village, "form": form, "report": report, "columns": services.VOUCHER_COLUMNS},
        status=400 if report and report.errors else 200,
    )


@require_GET
def voucher_template(request, code):
    """An empty sheet with the import's columns."""
    _need(request.user, Cap.SUBMIT_VOUCHERS)
    selectors.village(request.user, code)
    from doudi.core.tabular import write_xlsx

    buf = io.BytesIO()
    write_xlsx(buf, "凭证", ["凭证号", "日期", "收款人", "金额", "用途", "类别"], [])
    response = HttpResponse(
        buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = "attachment; filename=vouchers-template.xlsx"
    return response


# ---- inquiries, openness, the public page ------------------------------------------------------------


@require_POST
def inquiry_answer(request, pk):
    _need(request.user, Cap.SUBMIT_VOUCHERS)
    inquiry = selectors.inquiry(request.user, pk)
    try:
        services.inquiry_answer(actor=request.user, inquiry=inquiry, answer=request.POST.get("answer", ""))
        messages.success(request, _("The answer was recorded."))
    except ValidationError as exc:
        _error(request, exc)
    return redirect("village_detail", code=inquiry.village_id)


@require_POST
def openness_submit(request, code):
    _need(request.user, Cap.SUBMIT_VOUCHERS)
    village = selectors.village(request.user, code)
    _submit(
        request,
        OpennessForm(request.POST),
        lambda **d: services.openness_submit(actor=request.user, village=village, **d),
        _("The item awaits the committee's review."),
    )
    return redirect("village_detail", code=code)


@require_POST
def openness_review(request, pk):
    _need(request.user, Cap.REVIEW_VOUCHERS)
    item = selectors.openness_item(request.user, pk)
    try:
        services.openness_review(
            actor=request.user,
            item=item,
            publish=request.POST.get("publish") == "1",
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("Saved."))
    except ValidationError as exc:
        _error(request, exc)
    return redirect("village_detail", code=item.village_id)


@login_not_required
@require_GET
def public_page(request, code):
    """The village's openness page for villagers: no login, published items only, masked."""
    village = selectors.public_region(code)
    items = selectors.public_items(village)
    if request.GET.get("format") == "json":
        return JsonResponse({"village": village.name, "code": village.code, "items": items})
    sections = public_sections(village)
    return render(request, "village/public.html", {"village": village, "items": items, "sections": sections})


@require_GET
def poster(request, code):
    """A printable poster with a QR code to the public page."""
    _need(request.user, Cap.VIEW_VILLAGE_AFFAIRS)
    village = selectors.village(request.user, code)
    import segno

    url = request.build_absolute_uri(reverse("village_public", args=[village.code]))
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=8, border=2, xmldecl=False, svgns=True)
    return render(
        request, "village/poster.html", {"village": village, "url": url, "qr_svg": buf.getvalue().decode()}
    )
