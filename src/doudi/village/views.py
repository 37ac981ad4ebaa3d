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
    AnswerForm,
    AppealForm,
    AppealHandleForm,
    CandidateForm,
    CommitteeForm,
    EvaluationForm,
    ImportForm,
    InquiryForm,
    MeetingForm,
    MotionForm,
    OfficialForm,
    OpennessForm,
    RelativeForm,
    SettingForm,
    VoucherForm,
)
from .models import Candidate, Committee, Inquiry, Voucher
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
        "appeals": user.can(Cap.HANDLE_APPEALS),
        "settings": user.can(Cap.EDIT_VILLAGE_SETTINGS),
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
        qs = selectors.inquiries_overdue(selectors.inquiries(request.user), today)
    elif what == "meetings":
        qs = selectors.meetings(request.user).filter(held_on__year=today.year)
    elif what == "evaluation_flagged":
        qs = selectors.flagged_subjects(request.user, today)
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
            "inquiries": selectors.inquiries(request.user, village)[:10],
            "meetings": selectors.meetings(request.user, village)[:5],
            "evaluations": selectors.evaluations(request.user, village)[:3],
            "current": selectors.current_committee(village),
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
    return redirect("village_inquiry", pk=inquiry.pk)


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
    evaluation = selectors.public_evaluation(village)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {"village": village.name, "code": village.code, "items": items, "evaluation": evaluation}
        )
    return render(
        request,
        "village/public.html",
        {"village": village, "items": items, "evaluation": evaluation, "sections": public_sections(village)},
    )


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


def _post_form(request, form, call):
    """A posted form through its service: (what the service returned, 200), or (None, 400) with
    the form's own errors shown beside its fields and the service's refusals as messages (they
    show even where the form is no longer on the page, e.g. an appeal already handled)."""
    if not form.is_valid():
        return None, 400
    try:
        return call(**form.cleaned_data), 200
    except ValidationError as exc:
        _error(request, exc)
        return None, 400


# ---- the township's settings ----------------------------------------------------------------------


def settings_home(request):
    """A township account goes to its own setting; a county account picks a township."""
    _need(request.user, Cap.EDIT_VILLAGE_SETTINGS)
    region = request.user.region
    if region.level == rcodes.TOWNSHIP:
        return redirect("village_setting_edit", code=region.code)
    return _render(request, "village/settings_list.html", {"townships": selectors.townships(request.user)})


def setting_edit(request, code):
    """The township's review cycle and time limits; each refused value is named beside its field."""
    _need(request.user, Cap.EDIT_VILLAGE_SETTINGS)
    township = selectors.township(request.user, code)
    setting = services.setting_for(township)
    form = SettingForm(
        initial={
            "cycle": setting.cycle,
            "inquiry_days": setting.inquiry_days,
            "appeal_days": setting.appeal_days,
        }
    )
    if request.method == "POST":
        form = SettingForm(request.POST)
        if form.is_valid():
            try:
                services.village_setting_set(actor=request.user, township=township, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for e in errors:
                        form.add_error(field if field in form.fields else None, e)
            else:
                messages.success(request, _("The township's settings were saved."))
                return redirect("village_setting_edit", code=code)
    return _render(
        request,
        "village/setting_edit.html",
        {"township": township, "form": form, "setting": setting},
        status=400 if form.errors else 200,
    )


# ---- meetings --------------------------------------------------------------------------------------


def _village_list(
    request, code, *, form_class, cap, create, success, detail, template, context, initial=None
):
    """A village's list with the form that adds to it (meetings, inquiries, evaluations): the list
    and an empty form; a POST (needs `cap`) runs the form through `create(village, **data)` and
    opens the new record's page (`detail`) with `success(record)` as its message, or shows the
    list again with the form's errors and the service's refusals (400). `context(village)` is the
    page's own part of the template context."""
    _need(request.user, Cap.VIEW_VILLAGE_AFFAIRS)
    village = selectors.village(request.user, code)
    form, status = form_class(initial=initial), 200
    if request.method == "POST":
        _need(request.user, cap)
        form = form_class(request.POST)
        record, status = _post_form(request, form, lambda **d: create(village, **d))
        if record:
            messages.success(request, success(record))
            return redirect(detail, pk=record.pk)
    return _render(request, template, {"village": village, "form": form, **context(village)}, status=status)


def meeting_list(request, code):
    """The village's meetings; a member records a new one (its attendees ticked from the members)."""
    checked = request.POST.getlist("attendees") if request.method == "POST" else []

    def context(village):
        committee = selectors.current_committee(village)
        return {
            "committee": committee,
            "members": selectors.members(committee),
            "checked": checked,
            "page": paginate(request, selectors.meetings(request.user, village)),
        }

    return _village_list(
        request,
        code,
        form_class=MeetingForm,
        initial={"held_on": timezone.localdate(), "kind": "regular"},
        cap=Cap.REVIEW_VOUCHERS,
        create=lambda village, **d: services.meeting_record(
            actor=request.user, village=village, attendees=checked, **d
        ),
        success=lambda meeting: _("The meeting was recorded. Now enter its motions and votes."),
        detail="village_meeting",
        template="village/meeting_list.html",
        context=context,
    )


def meeting_detail(request, pk):
    _need(request.user, Cap.VIEW_VILLAGE_AFFAIRS)
    meeting = selectors.meeting(request.user, pk)
    form, status = MotionForm(), 200
    if request.method == "POST":
        _need(request.user, Cap.REVIEW_VOUCHERS)
        form = MotionForm(request.POST)
        motion, status = _post_form(
            request, form, lambda **d: services.motion_record(actor=request.user, meeting=meeting, **d)
        )
        if motion:
            messages.success(request, motion.explanation)
            return redirect("village_meeting", pk=pk)
    return _render(
        request,
        "village/meeting_detail.html",
        {
            "meeting": meeting,
            "attendees": list(meeting.attendees.all()),
            "motions": list(meeting.motions.all()),
            "form": form,
        },
        status=status,
    )


# ---- inquiries, review requests, suggestions ------------------------------------------------------------


def inquiry_list(request, code):
    kind, state = request.GET.get("kind", ""), request.GET.get("state", "")
    return _village_list(
        request,
        code,
        form_class=InquiryForm,
        cap=Cap.REVIEW_VOUCHERS,
        create=lambda village, **d: services.inquiry_ask(actor=request.user, village=village, **d),
        success=lambda inquiry: (
            _("Sent to the village officials; the written answer is due by %(day)s.")
            % {"day": f"{inquiry.due_on:%Y-%m-%d}"}
        ),
        detail="village_inquiry",
        template="village/inquiry_list.html",
        context=lambda village: {
            "page": paginate(
                request, selectors.inquiries_filtered(request.user, village, kind=kind, state=state)
            ),
            "kind": kind,
            "state": state,
            "kinds": Inquiry.Kind.choices,
            "days": services.setting_for(village).inquiry_days,
            "today": timezone.localdate(),
        },
    )


def inquiry_detail(request, pk):
    _need(request.user, Cap.VIEW_VILLAGE_AFFAIRS)
    inquiry = selectors.inquiry(request.user, pk)
    form, status = AnswerForm(), 200
    if request.method == "POST":
        _need(request.user, Cap.SUBMIT_VOUCHERS)
        form = AnswerForm(request.POST)
        answered, status = _post_form(
            request, form, lambda **d: services.inquiry_answer(actor=request.user, inquiry=inquiry, **d)
        )
        if answered:
            messages.success(request, _("The answer was recorded."))
            return redirect("village_inquiry", pk=pk)
    return _render(
        request,
        "village/inquiry_detail.html",
        {
            "inquiry": inquiry,
            "form": form,
            "today": timezone.localdate(),
            "task_url": (
                reverse("oversight_task", args=[inquiry.task_id])
                if inquiry.task_id and request.user.can(Cap.VIEW_PERSONS)
                else ""
            ),
        },
        status=status,
    )


# ---- the yearly work report and the work ledger ------------------------------------------------------


def _year(request) -> int:
    year = _int(request.GET.get("year"), timezone.localdate().year)
    if not 2000 <= year <= timezone.localdate().year:
        from django.http import Http404

        raise Http404(_("No such year."))
    return year


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename={filename}"
    return response


@require_GET
def work_report(request, pk):
    """年度工作报告 (.docx) from the year's records (?year=, default this year)."""
    _need(request.user, Cap.VIEW_VILLAGE_AFFAIRS)
    committee = selectors.committee(request.user, pk)
    year = _year(request)
    records = selectors.year_records(request.user, committee, year)
    return _download(
        documents.work_report_docx(records),
        f"work-report-{committee.village_id}-{year}.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


@require_GET
def work_ledger(request, pk):
    """工作台账 (.xlsx): the year's meetings, motions, voucher reviews, inquiries, openness, evaluation."""
    _need(request.user, Cap.VIEW_VILLAGE_AFFAIRS)
    committee = selectors.committee(request.user, pk)
    year = _year(request)
    records = selectors.year_records(request.user, committee, year)
    return _download(
        documents.work_ledger_xlsx(records),
        f"work-ledger-{committee.village_id}-{year}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# ---- democratic evaluation --------------------------------------------------------------------------------


def evaluation_list(request, code):
    return _village_list(
        request,
        code,
        form_class=EvaluationForm,
        initial={"year": timezone.localdate().year, "held_on": timezone.localdate()},
        cap=Cap.MANAGE_VILLAGE_REGISTER,
        create=lambda village, **d: services.evaluation_start(actor=request.user, village=village, **d),
        success=lambda evaluation: _("Now enter the ratings of each subject."),
        detail="village_evaluation",
        template="village/evaluation_list.html",
        context=lambda village: {"evaluations": selectors.evaluations(request.user, village)},
    )


RATING_FIELDS = ("satisfied", "fairly", "dissatisfied")


def evaluation_detail(request, pk):
    """The tally form: per subject, how many rated 满意 / 基本满意 / 不满意 (phone-usable number
    inputs); the rule counts it and flags a subject with more than half 不满意."""
    _need(request.user, Cap.VIEW_VILLAGE_AFFAIRS)
    ev = selectors.evaluation(request.user, pk)
    subjects = selectors.evaluation_subjects(ev)
    status = 200
    if request.method == "POST":
        _need(request.user, Cap.MANAGE_VILLAGE_REGISTER)
        tallies = {}
        for key in request.POST:
            parts = key.split("_")
            if len(parts) == 3 and parts[0] == "s" and parts[2] in RATING_FIELDS:
                sid = _int(parts[1], -1)
                tallies.setdefault(sid, {})[parts[2]] = request.POST[key]
        try:
            services.evaluation_record(actor=request.user, evaluation=ev, tallies=tallies)
        except ValidationError as exc:
            _error(request, exc)
            status = 400
            for s in subjects:  # show what was typed
                for r in RATING_FIELDS:
                    setattr(s, f"typed_{r}", request.POST.get(f"s_{s.pk}_{r}", ""))
        else:
            messages.success(request, _("The ratings were counted."))
            return redirect("village_evaluation", pk=pk)
    for s in subjects:
        for r in RATING_FIELDS:
            if not hasattr(s, f"typed_{r}"):
                value = getattr(s, r)
                setattr(s, f"typed_{r}", "" if value is None else value)
    return _render(
        request,
        "village/evaluation_detail.html",
        {"evaluation": ev, "subjects": subjects, "ratings": RATING_FIELDS},
        status=status,
    )


@require_POST
def evaluation_publish(request, pk):
    _need(request.user, Cap.MANAGE_VILLAGE_REGISTER)
    ev = selectors.evaluation(request.user, pk)
    try:
        services.evaluation_publish(actor=request.user, evaluation=ev)
        messages.success(request, _("The results are published on the village's public page."))
    except ValidationError as exc:
        _error(request, exc)
    return redirect("village_evaluation", pk=pk)


# ---- appeals: only the handlers and the member who filed see them ---------------------------------------


def appeal_list(request):
    if not (request.user.can(Cap.HANDLE_APPEALS) or request.user.can(Cap.REVIEW_VOUCHERS)):
        raise PermissionDenied(_("Your role does not allow this."))
    return _render(
        request,
        "village/appeal_list.html",
        {"page": paginate(request, selectors.appeals(request.user)), "today": timezone.localdate()},
    )


def appeal_new(request, code):
    _need(request.user, Cap.REVIEW_VOUCHERS)
    village = selectors.village(request.user, code)
    form, status = AppealForm(), 200
    if request.method == "POST":
        form = AppealForm(request.POST)
        appeal, status = _post_form(
            request, form, lambda **d: services.appeal_file(actor=request.user, village=village, **d)
        )
        if appeal:
            messages.success(
                request,
                _(
                    "Sent to the township party committee and the county discipline commission; to be handled by %(day)s."
                )
                % {"day": f"{appeal.due_on:%Y-%m-%d}"},
            )
            return redirect("village_appeal", pk=appeal.pk)
    return _render(
        request,
        "village/appeal_new.html",
        {"village": village, "form": form},
        status=status,
    )


def appeal_detail(request, pk):
    appeal = selectors.appeal(request.user, pk)
    form, status = AppealHandleForm(), 200
    if request.method == "POST":
        _need(request.user, Cap.HANDLE_APPEALS)
        form = AppealHandleForm(request.POST)
        handled, status = _post_form(
            request, form, lambda **d: services.appeal_handle(actor=request.user, appeal=appeal, **d)
        )
        if handled:
            messages.success(request, _("Saved."))
            return redirect("village_appeal", pk=pk)
    return _render(
        request,
        "village/appeal_detail.html",
        {"appeal": appeal, "form": form, "today": timezone.localdate()},
        status=status,
    )
