"""Mediation pages: thin views (form → service → render), every lookup through the scope."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doudi.core import regions as rcodes
from doudi.core.roles import Cap
from doudi.core.views import paginate, require_cap

from . import documents, exports, rules, selectors, services
from .forms import (
    CommitteeForm,
    ConcludeForm,
    DisputeForm,
    EscalateForm,
    FollowUpForm,
    MemberForm,
    ScanForm,
    SettingForm,
    TemplateForm,
    party_forms,
)
from .models import Dispute, MediationSetting, Tier


def _can(user) -> dict:
    return {
        "register": user.can(Cap.REGISTER_DISPUTES),
        "mediate": user.can(Cap.MEDIATE_DISPUTES),
        "manage": user.can(Cap.MANAGE_MEDIATION),
    }


def _errors(request, exc: ValidationError):
    for m in exc.messages:
        messages.error(request, m)


def _form_errors(request, form):
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for e in errors:
            messages.error(request, f"{label}：{e}" if label else e)


def _year(request) -> int:
    text = request.GET.get("year", "")
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else timezone.localdate().year


# ---- disputes -----------------------------------------------------------------------------------


@require_GET
@require_cap(Cap.VIEW_MEDIATION)
def home(request):
    """The disputes of the user's area; the statistics page's numbers open this list filtered."""
    year = request.GET.get("year", "")
    qs = selectors.base(
        request.user, year=int(year) if year.isdigit() else None, region=request.GET.get("region", "")
    )
    qs = selectors.filtered(qs, request.GET).select_related("village").prefetch_related("parties")
    return render(
        request,
        "mediation/home.html",
        {
            "page": paginate(request, qs),
            "count": qs.count(),
            "kinds": Dispute.Kind.choices,
            "tiers": Tier.choices,
            "statuses": Dispute.Status.choices,
            "params": request.GET,
            "export_query": _without_page(request.GET),
            "today": timezone.localdate(),
            "can": _can(request.user),
        },
    )


def _without_page(params) -> str:
    query = params.copy()
    query.pop("page", None)
    return query.urlencode()


@require_GET
@require_cap(Cap.VIEW_MEDIATION)
def disputes_xlsx(request):
    """The list above as Excel, with the same filters (exports.download: scoped and audited)."""
    body, name = exports.download(request.user, request.GET)
    return exports.xlsx_response(body, name)


@require_http_methods(["GET", "POST"])
@require_cap(Cap.REGISTER_DISPUTES)
def dispute_new(request):
    villages = list(selectors.villages(request.user).select_related("parent")[:2000])
    form = DisputeForm(request.POST or None, villages=villages)
    parties = party_forms(request.POST or None)
    if request.method == "POST":
        if form.is_valid() and all(p.is_valid() for p in parties):
            try:
                dispute = services.dispute_register(
                    actor=request.user,
                    village=selectors.village(request.user, form.cleaned_data["village"]),
                    kind=form.cleaned_data["kind"],
                    description=form.cleaned_data["description"],
                    place=form.cleaned_data["place"],
                    occurred_on=form.cleaned_data["occurred_on"],
                    parties=[p.cleaned_data for p in parties],
                )
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(
                    request, _("The dispute was registered as %(number)s.") % {"number": dispute.number}
                )
                return redirect("mediation_dispute", pk=dispute.pk)
        else:
            _form_errors(request, form)
            for p in parties:
                _form_errors(request, p)
    status = 422 if request.method == "POST" else 200
    more_open = any(request.POST.get(f"party-{i}-name") for i in (2, 3))
    return render(
        request,
        "mediation/dispute_new.html",
        {"form": form, "parties": parties, "more_open": more_open},
        status=status,
    )


@require_GET
@require_cap(Cap.VIEW_MEDIATION)
def dispute_detail(request, pk):
    d = selectors.dispute(request.user, pk)
    level = request.user.region.level
    choices = [
        (t, label)
        for t, label in Tier.choices
        if t in rules.NEXT_TIERS[d.tier] and level <= rules.TIER_LEVEL[d.tier]
    ]
    return render(
        request,
        "mediation/dispute_detail.html",
        {
            "d": d,
            "parties": [
                {"p": p, "id_masked": selectors.masked(p.id_number)}
                for p in d.parties.select_related("person")
            ],
            "escalations": d.escalations.select_related("by"),
            "followups": d.followups.select_related("by"),
            "escalate_form": EscalateForm(choices=choices),
            "can_escalate": d.is_open and bool(choices) and request.user.can(Cap.MEDIATE_DISPUTES),
            "can_conclude": d.is_open
            and rules.may_handle(d.tier, level)
            and request.user.can(Cap.MEDIATE_DISPUTES),
            "conclude_form": ConcludeForm(initial={"concluded_on": timezone.localdate()}),
            "scan_form": ScanForm(),
            "followup_form": FollowUpForm(initial={"visited_on": timezone.localdate()}),
            "overdue": d.is_open and d.due_on and d.due_on < timezone.localdate(),
            "can": _can(request.user),
        },
    )


def _back(pk):
    return redirect("mediation_dispute", pk=pk)


def _apply(request, form, call, done: str) -> None:
    """A form's POST: validate it, call the service with its data, say how it went."""
    if not form.is_valid():
        _form_errors(request, form)
        return
    try:
        call(form.cleaned_data)
        messages.success(request, done)
    except ValidationError as exc:
        _errors(request, exc)


def _dispute_action(request, pk, form, service, done: str, args=lambda data: data):
    """The dispute page's forms: the dispute through the scope, then `_apply`, back to the
    dispute. `args` turns the form's data into the service's keyword arguments."""
    d = selectors.dispute(request.user, pk)
    _apply(request, form, lambda data: service(actor=request.user, dispute=d, **args(data)), done)
    return _back(pk)


@require_POST
@require_cap(Cap.MEDIATE_DISPUTES)
def dispute_escalate(request, pk):
    form = EscalateForm(request.POST, choices=Tier.choices)
    return _dispute_action(request, pk, form, services.dispute_escalate, _("The dispute was handed over."))


@require_POST
@require_cap(Cap.MEDIATE_DISPUTES)
def dispute_conclude(request, pk):
    form = ConcludeForm(request.POST)
    return _dispute_action(request, pk, form, services.dispute_conclude, _("The outcome was recorded."))


@require_GET
@require_cap(Cap.VIEW_MEDIATION)
def dispute_agreement(request, pk):
    d = selectors.dispute(request.user, pk)
    if d.status != Dispute.Status.SETTLED:
        messages.error(request, _("Only a settled dispute has a mediation agreement."))
        return _back(pk)
    body = documents.agreement_docx(d)
    services.agreement_generated(actor=request.user, dispute=d)
    return _docx(body, f"agreement-{d.number}.docx")


@require_POST
@require_cap(Cap.MEDIATE_DISPUTES)
def dispute_scan(request, pk):
    return _dispute_action(
        request,
        pk,
        ScanForm(request.POST, request.FILES),
        services.scan_attach,
        _("The signed agreement was uploaded."),
        args=lambda data: {"uploaded_file": data["scan"]},
    )


@require_GET
@require_cap(Cap.VIEW_MEDIATION)
def dispute_scan_file(request, pk):
    d = selectors.dispute(request.user, pk)
    if d.signed_scan_id is None:
        messages.error(request, _("No signed agreement has been uploaded."))
        return _back(pk)
    return FileResponse(
        d.signed_scan.file.open("rb"), as_attachment=True, filename=d.signed_scan.original_name
    )


@require_POST
@require_cap(Cap.REGISTER_DISPUTES)
def dispute_followup(request, pk):
    form = FollowUpForm(request.POST)
    return _dispute_action(
        request, pk, form, services.followup_record, _("The follow-up visit was recorded.")
    )


# ---- committees and coverage ----------------------------------------------------------------


@require_GET
@require_cap(Cap.VIEW_MEDIATION)
def coverage(request):
    problem = request.GET.get("problem", "")
    region = request.GET.get("region", "")
    county_wide = not region and request.user.region.level < rcodes.TOWNSHIP
    return render(
        request,
        "mediation/coverage.html",
        {
            # a county sees its townships first; a township's rows open with ?region=
            "rows": [] if county_wide and not problem else selectors.coverage(request.user, problem, region),
            "towns": selectors.coverage_by_township(request.user) if county_wide else [],
            "counts": selectors.coverage_counts(request.user, region),
            "problem": problem,
            "region": region,
            "finding_text": selectors.FINDING_TEXT,
            "can": _can(request.user),
            "settings_region": request.user.region
            if request.user.region.level in (rcodes.COUNTY, rcodes.TOWNSHIP)
            else None,
        },
    )


@require_http_methods(["GET", "POST"])
@require_cap(Cap.VIEW_MEDIATION)
def committee(request, code):
    region = selectors.committee_region(request.user, code)
    if request.method == "POST":
        if not request.user.can(Cap.MANAGE_MEDIATION):
            raise PermissionDenied(_("Your role does not allow this."))
        _apply(
            request,
            CommitteeForm(request.POST),
            lambda data: services.committee_create(actor=request.user, region=region, **data),
            _("The mediation committee was set up."),
        )
        return redirect("mediation_committee", code=region.code)
    c = selectors.committee_of(request.user, region)
    level = selectors.LEVEL_OF[region.level]
    members = list(c.members.all()) if c else []
    findings = rules.committee_findings(
        level, None if c is None else [rules.MemberFacts(m.role, m.mediator) for m in members]
    )
    return render(
        request,
        "mediation/committee.html",
        {
            "region": region,
            "committee": c,
            "members": [{"m": m, "id_masked": selectors.masked(m.id_number)} for m in members],
            "findings": [selectors.FINDING_TEXT[f] for f in findings],
            "rule": rules.COMPOSITION[level],
            "committee_form": CommitteeForm(initial={"name": f"{region.name}人民调解委员会"}),
            "member_form": MemberForm(),
            "can": _can(request.user),
        },
    )


@require_POST
@require_cap(Cap.MANAGE_MEDIATION)
def member_add(request, pk):
    c = selectors.committee(request.user, pk)
    _apply(
        request,
        MemberForm(request.POST),
        lambda data: services.member_add(actor=request.user, committee=c, **data),
        _("The member was added."),
    )
    return redirect("mediation_committee", code=c.region_id)


@require_POST
@require_cap(Cap.MANAGE_MEDIATION)
def member_remove(request, pk):
    m = selectors.member(request.user, pk)
    code = m.committee.region_id
    services.member_remove(actor=request.user, member=m)
    messages.success(request, _("The member was removed."))
    return redirect("mediation_committee", code=code)


@require_http_methods(["GET", "POST"])
@require_cap(Cap.MANAGE_MEDIATION)
def setting(request, code):
    region = selectors.settings_region(request.user, code)
    current = MediationSetting.objects.filter(region=region).first()
    d = services.deadlines_for(region.code)  # the township's (or county's) own, else what it inherits
    form = SettingForm(
        request.POST or None,
        initial={
            "village_days": d.village_days,
            "township_days": d.township_days,
            "county_days": d.county_days,
        },
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.setting_save(actor=request.user, region=region, **form.cleaned_data)
                messages.success(request, _("The deadlines were saved."))
                return redirect("mediation_setting", code=region.code)
            except ValidationError as exc:
                _errors(request, exc)
        else:
            _form_errors(request, form)
    return render(
        request,
        "mediation/setting.html",
        {
            "region": region,
            "form": form,
            "current": current,
            "template": _template_context(request.user, region),
        },
    )


# ---- the county's agreement template ----------------------------------------------------------


def _template_context(user, region) -> dict | None:
    """The settings page's template section: a county's own officers only."""
    if region.level != rcodes.COUNTY or user.region_id != region.code:
        return None
    return {
        "own": documents.county_template(region.code),
        "form": TemplateForm(),
        "fields": documents.FIELDS,
    }


def _docx(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=documents.DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


@require_POST
@require_cap(Cap.MANAGE_MEDIATION)
def template_upload(request, code):
    county = selectors.template_county(request.user, code)
    _apply(
        request,
        TemplateForm(request.POST, request.FILES),
        lambda data: services.agreement_template_upload(
            actor=request.user, county=county, uploaded_file=data["template"]
        ),
        _("The county's agreement template was saved; agreements are generated from it now."),
    )
    return redirect("mediation_setting", code=county.code)


@require_POST
@require_cap(Cap.MANAGE_MEDIATION)
def template_revert(request, code):
    county = selectors.template_county(request.user, code)
    try:
        services.agreement_template_revert(actor=request.user, county=county)
        messages.success(request, _("Agreements are generated from the default template again."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("mediation_setting", code=county.code)


@require_GET
@require_cap(Cap.MANAGE_MEDIATION)
def template_current(request, code):
    county = selectors.template_county(request.user, code)
    return _docx(documents.template_bytes(county.code), f"agreement-template-{county.code}.docx")


@require_GET
@require_cap(Cap.MANAGE_MEDIATION)
def template_default(request, code):
    selectors.template_county(request.user, code)
    return _docx(documents.DEFAULT_PATH.read_bytes(), "agreement-template-default.docx")


# ---- statistics -----------------------------------------------------------------------------


@require_GET
@require_cap(Cap.VIEW_MEDIATION)
def statistics(request):
    year = _year(request)
    region = request.GET.get("region", "")
    stats = selectors.statistics(request.user, year, region)
    return render(
        request,
        "mediation/statistics.html",
        {
            "stats": stats,
            "chart": selectors.chart_data(stats),
            "year": year,
            "years": range(year - 3, year + 1),
        },
    )
