"""Thin views: form → service → render. Objects are read through selectors (area scope)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from doudi.core import calendar as work_calendar
from doudi.core import regions as rcodes
from doudi.core.models import Region
from doudi.core.roles import Cap
from doudi.core.scope import get_scoped_or_404, in_scope, scoped
from doudi.core.views import require_cap
from doudi.eligibility.selfcare import SELF_CARE_ITEMS, self_care_level
from doudi.registry.idcard import InvalidIdNumber, parse_id_number
from doudi.registry.rules import evaluate_eligibility

from . import forms, rules, selectors, services
from .models import CaseKind, PolicySetting, Stage
from .policy import calendar, person_facts, policy_for


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


def _flash_errors(request, exc: ValidationError) -> None:
    for m in _errors(exc):
        messages.error(request, m)


def _villages(user):
    return list(
        scoped(Region, user)
        .filter(level=rcodes.VILLAGE, is_active=True)
        .select_related("parent")
        .order_by("code")
    )


# ---- worklist ----------------------------------------------------------------------------------


@require_cap(Cap.VIEW_PERSONS)
def worklist(request):
    kind = request.GET.get("kind", "")
    stage = request.GET.get("stage", "")
    if kind not in ("", *CaseKind.values) or stage not in ("", *Stage.values):
        kind = stage = ""
    items = selectors.worklist(request.user, kind=kind, stage=stage)
    all_items = items if not (kind or stage) else selectors.worklist(request.user)
    counts = {}
    for item in all_items:
        counts[item.case.stage] = counts.get(item.case.stage, 0) + 1
    stages = [(s, label, counts.get(s, 0)) for s, label in Stage.choices if s != Stage.CLOSED]
    return render(
        request,
        "eligibility/worklist.html",
        {
            "items": items,
            "stages": stages,
            "kind": kind,
            "stage": stage,
            "overdue": sum(1 for i in all_items if i.overdue),
            "closed": selectors.recent_closed(request.user),
            "can_edit": request.user.can(Cap.EDIT_PERSONS),
        },
    )


# ---- applications --------------------------------------------------------------------------------


def _pseudo_person(request, applicant: forms.ApplicantForm):
    """The applicant as the rules see them: an existing person, or what the form says."""
    data = applicant.cleaned_data if applicant.is_valid() else {}
    if data.get("person"):
        return selectors.person_get(request.user, data["person"]), []
    problems = []
    birth = None
    try:
        birth = parse_id_number(data.get("id_number") or "").birth_date
    except InvalidIdNumber as exc:
        problems.append(str(exc))
    village = None
    code = data.get("village")
    if code and in_scope(request.user, code):
        village = Region.objects.filter(pk=code, level=rcodes.VILLAGE).first()
    if village is None:
        problems.append("请选择户籍所在村（社区）")
    return SimpleNamespace(
        birth_date=birth, disability_kind="", disability_grade=None, village=village
    ), problems


def _proposal_context(person, facts_form, formset, as_of, extra_problems=()):
    problems = list(extra_problems)
    decision = None
    pol = None
    if person is not None and person.village is not None:
        pol = policy_for(person.village.code, as_of)
    if not (facts_form.is_valid() and formset.is_valid()):
        problems.append(_("Some facts are not valid yet."))
    elif person is not None and person.birth_date is not None and pol is not None:
        facts = person_facts(person, forms.facts_from_forms(facts_form, formset), pol)
        try:
            decision = evaluate_eligibility(facts, pol.version, as_of)
        except (ValueError, TypeError) as exc:
            problems.append(str(exc))
    return {"decision": decision, "problems": problems, "policy": pol}


@require_cap(Cap.EDIT_PERSONS)
@require_http_methods(["GET", "POST"])
def application_new(request):
    villages = _villages(request.user)
    person = None
    pk = request.GET.get("person") or request.POST.get("a-person")
    if pk:
        person = selectors.person_get(request.user, pk)
    data = request.POST if request.method == "POST" else None
    applicant = forms.ApplicantForm(
        data, villages=villages, prefix="a", initial={"person": person.pk if person else None}
    )
    facts_form, formset = forms.facts_forms(data)
    if request.method == "POST" and applicant.is_valid() and facts_form.is_valid() and formset.is_valid():
        a = applicant.cleaned_data
        new_person = None
        if person is None:
            new_person = {
                "name": a["name"],
                "id_number": a["id_number"],
                "village": a["village"],
                "phone": a["phone"],
            }
        try:
            case = services.application_record(
                actor=request.user,
                person=person,
                new_person=new_person,
                received_on=a["received_on"],
                facts=forms.facts_from_forms(facts_form, formset),
                applicant_kind=a["applicant_kind"],
                applicant_name=a["applicant_name"],
            )
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            messages.success(request, _("The application was recorded."))
            return redirect("elig_case", pk=case.pk)
    as_of = dt.date.today()
    if person is not None:
        proposal = _proposal_context(person, facts_form, formset, as_of) if data else {}
    else:
        proposal = {}
        if data:
            pseudo, problems = _pseudo_person(request, applicant)
            proposal = _proposal_context(pseudo, facts_form, formset, as_of, problems)
    return render(
        request,
        "eligibility/application_form.html",
        {
            "person": person,
            "applicant": applicant,
            "facts_form": facts_form,
            "formset": formset,
            **proposal,
        },
    )


@require_cap(Cap.VIEW_PERSONS)
@require_POST
def evaluate(request):
    """htmx partial: the decision proposal for the facts on the form, nothing saved."""
    applicant = forms.ApplicantForm(request.POST, villages=_villages(request.user), prefix="a")
    facts_form, formset = forms.facts_forms(request.POST)
    as_of = dt.date.today()
    if request.POST.get("a-person"):
        person = selectors.person_get(request.user, request.POST["a-person"])
        context = _proposal_context(person, facts_form, formset, as_of)
    else:
        pseudo, problems = _pseudo_person(request, applicant)
        context = _proposal_context(pseudo, facts_form, formset, as_of, problems)
    return render(request, "eligibility/_proposal.html", context)


# ---- cases -------------------------------------------------------------------------------------


def _plan(case):
    steps = {s.code: s for s in case.steps.all()}
    limits = rules.Limits.from_dict(case.limits)
    cal = calendar(case.person.village_id)

    def done(code):
        s = steps.get(code)
        return s.done_on if s else None

    def started(code):
        s = steps.get(code)
        return s.started_on if s else None

    if case.kind == CaseKind.APPLICATION:
        review = steps.get("review")
        if review is None:
            return []
        return rules.application_plan(
            review.started_on,
            limits,
            cal,
            reviewed_on=done("review"),
            published_on=started("publication"),
            publication_closed_on=done("publication")
            if case.stage not in (Stage.PUBLICATION, Stage.RECHECK)
            else None,
            decided_on=case.decided_on,
            refused=case.outcome == "refused",
        )
    return rules.termination_plan(
        case.received_on,
        limits,
        cal,
        verified_on=done("verify"),
        approved_on=case.decided_on,
        published_on=started("publication"),
    )


# Titles are lazy: this table is built at import time, before any user's language is active.
ACTIONS = {
    # action: (allowed stages, kinds, capability, form class, title)
    "accept": (
        (Stage.APPLIED,),
        (CaseKind.APPLICATION,),
        Cap.EDIT_PERSONS,
        forms.DateForm,
        gettext_lazy("Accept (受理)"),
    ),
    "not_accept": (
        (Stage.APPLIED,),
        (CaseKind.APPLICATION,),
        Cap.EDIT_PERSONS,
        forms.NotAcceptForm,
        gettext_lazy("Do not accept"),
    ),
    "facts": (
        (Stage.APPLIED, Stage.REVIEW, Stage.RECHECK),
        (CaseKind.APPLICATION,),
        Cap.EDIT_PERSONS,
        None,
        gettext_lazy("Change the facts"),
    ),
    "review": (
        (Stage.REVIEW,),
        (CaseKind.APPLICATION,),
        Cap.EDIT_PERSONS,
        forms.ReviewForm,
        gettext_lazy("Township review"),
    ),
    "publish": (
        (Stage.PUBLICATION,),
        tuple(CaseKind.values),
        Cap.EDIT_PERSONS,
        forms.DateForm,
        gettext_lazy("Start the publication"),
    ),
    "objection": (
        (Stage.PUBLICATION,),
        tuple(CaseKind.values),
        Cap.EDIT_PERSONS,
        forms.ObjectionForm,
        gettext_lazy("Record an objection"),
    ),
    "resolve": (
        (Stage.RECHECK,),
        tuple(CaseKind.values),
        Cap.EDIT_PERSONS,
        forms.ResolveForm,
        gettext_lazy("Re-check result"),
    ),
    "close": (
        (Stage.PUBLICATION,),
        tuple(CaseKind.values),
        Cap.EDIT_PERSONS,
        forms.DateForm,
        gettext_lazy("End the publication"),
    ),
    "decide": (
        (Stage.COUNTY,),
        tuple(CaseKind.values),
        Cap.CONFIRM_ELIGIBILITY,
        forms.DecideForm,
        gettext_lazy("County decision"),
    ),
    "notice": (
        (Stage.NOTICE,),
        tuple(CaseKind.values),
        Cap.EDIT_PERSONS,
        forms.DateForm,
        gettext_lazy("Issue the written notice"),
    ),
    "verify": (
        (Stage.VERIFY,),
        (CaseKind.TERMINATION,),
        Cap.EDIT_PERSONS,
        forms.VerifyForm,
        gettext_lazy("Verification"),
    ),
    "document": (
        tuple(Stage.values),
        tuple(CaseKind.values),
        Cap.EDIT_PERSONS,
        forms.DocumentForm,
        gettext_lazy("Add a document"),
    ),
}


def _available(request, case):
    out = []
    for name, (stages, kinds, cap, _form, title) in ACTIONS.items():
        if case.stage in stages and case.kind in kinds and request.user.can(cap):
            if name == "publish" and case.open_publication:
                continue
            if name in ("objection", "close") and not case.open_publication:
                continue
            if name == "document" and case.stage == Stage.CLOSED:
                continue
            out.append((name, title))
    return out


def _case_context(request, case):
    case.open_publication = case.steps.filter(code="publication", done_on__isnull=True).first()
    proposal = None
    if case.kind == CaseKind.APPLICATION and case.is_open and case.facts.get("birth_date"):
        try:
            proposal = evaluate_eligibility(case.facts, case.policy_version, dt.date.today())
        except (ValueError, TypeError):
            proposal = None
    today = dt.date.today()
    steps = list(case.steps.all())
    for s in steps:
        s.overdue = bool(s.done_on is None and s.due_on and s.due_on < today and s.code != "publication")
        s.ended = bool(s.done_on is None and s.code == "publication" and s.due_on < today)
    plan = _plan(case)
    cal = calendar(case.person.village_id)
    uncovered = cal.uncovered_years(case.received_on, plan[-1].due or plan[-1].start) if plan else []
    return {
        "case": case,
        "person": case.person,
        "steps": steps,
        "plan": plan,
        "uncovered": uncovered,
        "proposal": proposal,
        "objections": list(case.objections.all()),
        "documents": list(case.documents.select_related("upload")),
        "decisions": list(case.decisions.order_by("-as_of", "-pk")),
        "actions": _available(request, case),
        "ground": rules.GROUNDS.get(case.ground),
        "today": today,
    }


@require_cap(Cap.VIEW_PERSONS)
def case_detail(request, pk):
    case = selectors.case_get(request.user, pk)
    return render(request, "eligibility/case.html", _case_context(request, case))


def _yes(value) -> bool:
    return value == "yes"


@require_http_methods(["GET", "POST"])
def case_action(request, pk, action):
    case = selectors.case_get(request.user, pk)  # 404 outside the area, before anything else
    if action not in ACTIONS:
        raise Http404
    stages, kinds, cap, form_class, title = ACTIONS[action]
    require_cap(cap)(lambda r: None)(request)
    case.open_publication = case.steps.filter(code="publication", done_on__isnull=True).first()
    if case.stage not in stages or case.kind not in kinds:
        messages.error(request, _("This step is not open for this case."))
        return redirect("elig_case", pk=case.pk)
    data = request.POST if request.method == "POST" else None
    extra = {}
    if action == "facts":
        form, formset = forms.facts_forms(data, case.facts)
        extra = {"facts_form": form, "formset": formset}
        valid = data is not None and form.is_valid() and formset.is_valid()
    else:
        initial = {}
        if action == "resolve":
            open_obj = case.objections.filter(resolution="").first()
            initial["objection"] = open_obj.pk if open_obj else None
        if action == "decide" and case.reasons:
            initial["reasons"] = ""
        form = (
            form_class(data, request.FILES or None, initial=initial)
            if action == "document"
            else form_class(data, initial=initial)
        )
        valid = data is not None and form.is_valid()
    if valid:
        try:
            _run(request, case, action, form, extra)
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            return redirect("elig_case", pk=case.pk)
    return render(
        request,
        "eligibility/case_action.html",
        {"case": case, "person": case.person, "form": form, "title": title, "action": action, **extra},
    )


def _run(request, case, action, form, extra):
    u = request.user
    d = form.cleaned_data
    if action == "accept":
        services.case_accept(actor=u, case=case, accepted_on=d["on"])
        messages.success(request, _("The application was accepted."))
    elif action == "not_accept":
        services.case_not_accept(actor=u, case=case, on=d["on"], reason=d["reason"])
        messages.success(
            request, _("Not accepted: issue the written notice with the reasons within 3 working days.")
        )
    elif action == "facts":
        services.case_update_facts(actor=u, case=case, facts=forms.facts_from_forms(form, extra["formset"]))
    elif action == "review":
        services.case_review(
            actor=u, case=case, reviewed_on=d["on"], approve=_yes(d["approve"]), note=d["note"]
        )
    elif action == "publish":
        services.case_publish(actor=u, case=case, published_on=d["on"])
    elif action == "objection":
        services.objection_record(
            actor=u, case=case, received_on=d["received_on"], raised_by=d["raised_by"], content=d["content"]
        )
    elif action == "resolve":
        objection = selectors.objection_get(u, d["objection"])
        if objection.case_id != case.pk:
            raise Http404
        services.objection_resolve(
            actor=u, objection=objection, resolved_on=d["on"], founded=_yes(d["founded"]), note=d["note"]
        )
    elif action == "close":
        services.publication_close(actor=u, case=case, closed_on=d["on"])
    elif action == "decide":
        services.case_decide(
            actor=u, case=case, decided_on=d["on"], approve=_yes(d["approve"]), reasons=d["reasons"]
        )
    elif action == "notice":
        services.notice_issue(actor=u, case=case, issued_on=d["on"])
        messages.success(request, _("The notice was issued; download it below."))
    elif action == "verify":
        services.termination_verify(
            actor=u, case=case, verified_on=d["on"], confirmed=_yes(d["confirmed"]), note=d["note"]
        )
    elif action == "document":
        services.document_add(actor=u, case=case, uploaded_file=d["file"], title=d["title"])


@require_cap(Cap.VIEW_PERSONS)
def document_download(request, pk):
    doc = selectors.document_get(request.user, pk)
    handle = services.document_open(actor=request.user, document=doc)
    return FileResponse(handle, as_attachment=True, filename=doc.upload.original_name)


# ---- persons: eligibility page, assessments, reviews, terminations ------------------------------------


def person_context(request, person):
    summary = selectors.care_summary(request.user, person)
    return {
        "person": person,
        "care": summary,
        "decisions": list(selectors.decisions_for(request.user, person)[:20]),
        "cases": list(selectors.cases_for(request.user, person)),
        "can_edit": request.user.can(Cap.EDIT_PERSONS),
        "items": SELF_CARE_ITEMS,
    }


@require_cap(Cap.VIEW_PERSONS)
def person_page(request, pk):
    person = selectors.person_get(request.user, pk)
    return render(request, "eligibility/person.html", person_context(request, person))


@require_cap(Cap.EDIT_PERSONS)
@require_http_methods(["GET", "POST"])
def assessment_new(request, pk):
    person = selectors.person_get(request.user, pk)
    data = request.POST if request.method == "POST" else None
    form = forms.AssessmentForm(data)
    if data is not None and request.headers.get("HX-Request") and "preview" in request.POST:
        items = form.items()
        level = self_care_level(items) if items is not None else None
        return render(request, "eligibility/_level.html", {"level": level, "items": items})
    if data is not None and form.is_valid():
        d = form.cleaned_data
        try:
            services.assessment_record(
                actor=request.user,
                person=person,
                assessed_on=d["assessed_on"],
                assessor=d["assessor"],
                items=form.items(),
                change_reported_on=d["change_reported_on"],
                note=d["note"],
            )
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            messages.success(request, _("The assessment was recorded."))
            return redirect("elig_person", pk=person.pk)
    items = form.items() if data is not None else None
    return render(
        request,
        "eligibility/assessment_form.html",
        {"person": person, "form": form, "level": self_care_level(items) if items else None},
    )


@require_cap(Cap.EDIT_PERSONS)
@require_http_methods(["GET", "POST"])
def review_new(request, pk):
    person = selectors.person_get(request.user, pk)
    latest = selectors.decisions_for(request.user, person).first()
    data = request.POST if request.method == "POST" else None
    facts_form, formset = forms.facts_forms(data, latest.facts if latest else None)
    if data is not None and facts_form.is_valid() and formset.is_valid():
        try:
            row = services.review_record(
                actor=request.user,
                person=person,
                as_of=dt.date.today(),
                facts=forms.facts_from_forms(facts_form, formset),
            )
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            messages.success(request, row.summary)
            return redirect("elig_person", pk=person.pk)
    return render(
        request,
        "eligibility/review_form.html",
        {"person": person, "facts_form": facts_form, "formset": formset, "latest": latest},
    )


@require_cap(Cap.EDIT_PERSONS)
@require_http_methods(["GET", "POST"])
def termination_new(request, pk):
    person = selectors.person_get(request.user, pk)
    data = request.POST if request.method == "POST" else None
    initial = {"ground": request.GET.get("ground", "")}
    form = forms.TerminationForm(data, initial=initial)
    if data is not None and form.is_valid():
        d = form.cleaned_data
        try:
            case = services.termination_start(
                actor=request.user,
                person=person,
                ground=d["ground"],
                reported_on=d["reported_on"],
                reporter=d["reporter"],
                note=d["note"],
                monthly_income=d["monthly_income"],
            )
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            messages.success(request, _("The termination was started."))
            return redirect("elig_case", pk=case.pk)
    return render(request, "eligibility/termination_form.html", {"person": person, "form": form})


# ---- county: dynamic review, settings, calendar ----------------------------------------------------


@require_cap(Cap.CONFIRM_ELIGIBILITY)
def dynamic(request):
    finding = request.GET.get("finding", "")
    rows = selectors.dynamic_review(request.user, finding=finding)
    return render(
        request,
        "eligibility/dynamic.html",
        {
            "rows": rows[:500],
            "total": len(rows),
            "finding": finding,
            "codes": [
                ("no_work_capacity", "无劳动能力"),
                ("no_income", "无生活来源"),
                ("no_able_supporter", "无法定义务人履行能力"),
                ("category", "人员类别"),
                ("assessment", "生活自理能力评估"),
                ("no_decision", "无认定记录"),
            ],
        },
    )


def _county(user):
    region = user.region
    if region is None:
        return None
    if region.level == rcodes.COUNTY:
        return region
    return (
        Region.objects.filter(pk=region.code[:6].ljust(12, "0")).first()
        if region.level > rcodes.COUNTY
        else None
    )


@require_cap(Cap.EDIT_SETTINGS)
@require_http_methods(["GET", "POST"])
def settings_page(request):
    county = _county(request.user)
    if county is None:
        messages.error(
            request, _("Policy settings are kept per county; your account is not bound to a county.")
        )
        return redirect("home")
    history = list(
        scoped(PolicySetting, request.user).filter(region=county).order_by("-effective_from", "-pk")
    )
    current = policy_for(county.code).setting
    if request.method == "POST":
        form = forms.PolicySettingForm(request.POST)
        if form.is_valid():
            try:
                services.policy_setting_create(actor=request.user, region=county, **form.cleaned_data)
            except ValidationError as exc:
                _flash_errors(request, exc)
            else:
                messages.success(
                    request, _("The new setting was saved; the earlier ones stay in the history.")
                )
                return redirect("elig_settings")
    else:
        initial = {f: getattr(current, f) for f in forms.PolicySettingForm.Meta.fields} if current else {}
        initial["effective_from"] = dt.date.today()
        initial.setdefault("policy_version", "2021")
        form = forms.PolicySettingForm(initial=initial)
    return render(
        request,
        "eligibility/settings.html",
        {"form": form, "history": history, "current": current, "county": county},
    )


def _calendar_counties(user) -> list[Region]:
    """The counties whose calendar the user may edit: their own, or those of their area."""
    own = _county(user)
    if own is not None:
        return [own]
    return list(scoped(Region, user).filter(level=rcodes.COUNTY).order_by("code"))


def _calendar_target(request, counties: list[Region]):
    """The calendar this page edits: `?county=` (a county of the user's area, else 404), the
    user's own county, or, from the province, the installation's (every county's default)."""
    code = request.GET.get("county", "")
    if code:
        return get_scoped_or_404(Region.objects.filter(level=rcodes.COUNTY), request.user, pk=code)
    own = _county(request.user)
    if own is not None:
        return own
    if work_calendar.can_edit_installation(request.user):
        return None
    if counties:
        return counties[0]
    raise Http404(_("No such record in your area."))


@require_cap(Cap.EDIT_SETTINGS)
@require_http_methods(["GET", "POST"])
def calendar_page(request):
    try:
        year = int(request.GET.get("year") or dt.date.today().year)
    except ValueError:
        year = dt.date.today().year
    year = min(max(year, 2000), 2100)
    counties = _calendar_counties(request.user)
    county = _calendar_target(request, counties)
    status = work_calendar.year_status(year, county)
    row = status["row"]
    here = f"{request.path}?year={year}" + (f"&county={county.code}" if county is not None else "")
    if request.method == "POST":
        form = forms.CalendarForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                holidays = work_calendar.parse_days(d["holidays"], year, "节假日")
                workdays = work_calendar.parse_days(d["workdays"], year, "调休工作日")
                work_calendar.calendar_year_save(
                    actor=request.user,
                    year=year,
                    holidays=holidays,
                    workdays=workdays,
                    complete=d["complete"],
                    note=d["note"],
                    county=county,
                )
            except ValidationError as exc:
                _flash_errors(request, exc)
            else:
                messages.success(request, _("The work calendar was saved."))
                return redirect(here)
    else:
        form = forms.CalendarForm(
            initial={
                "holidays": "\n".join(row.holidays) if row else "",
                "workdays": "\n".join(row.workdays) if row else "",
                "complete": row.complete if row else False,
                "note": row.note if row else "",
            }
        )
    return render(
        request,
        "eligibility/calendar.html",
        {
            "form": form,
            "status": status,
            "year": year,
            "years": range(year - 2, year + 3),
            "county": county,
            "counties": counties if _county(request.user) is None else [],
            "installation": work_calendar.can_edit_installation(request.user),
        },
    )
