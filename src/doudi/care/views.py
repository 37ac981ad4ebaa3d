"""Pages of the monthly care loop: thin views (form → service → render), lookups through the scope."""

from __future__ import annotations

import datetime as dt
import mimetypes
import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doudi.core import audit
from doudi.core.models import Region, User
from doudi.core.roles import Cap
from doudi.core.scope import scoped, within
from doudi.core.tabular import write_xlsx
from doudi.core.views import paginate
from doudi.oversight.results import surveys_for_source
from doudi.oversight.selectors import tasks_for_source
from doudi.oversight.sources import Source
from doudi.registry.models import Person, PersonStatus
from doudi.registry.models import Placement as RegistryPlacement

from . import selectors as sel
from . import services as svc
from .forms import (
    BatchForm,
    BudgetForm,
    ContractForm,
    DeliveryForm,
    HandoverForm,
    InstitutionForm,
    MemberForm,
    OrderForm,
    PlacementForm,
    ProviderForm,
    SettingForm,
    StaffForm,
    VisitForm,
)
from .rules import ASPECT_ZH, month_start


def _need(user, *caps):
    if not any(user.can(c) for c in caps):
        raise PermissionDenied(_("Your role does not allow this."))


def _form_errors(form, exc: ValidationError):
    for message in exc.messages:
        form.add_error(None, message)


def _month(request) -> dt.date:
    raw = request.GET.get("month", "")
    try:
        return dt.date.fromisoformat(raw + "-01" if len(raw) == 7 else raw).replace(day=1)
    except ValueError:
        return month_start(timezone.localdate())


def _file(upload):
    try:
        handle = upload.file.open("rb")
    except (OSError, ValueError) as exc:
        raise Http404(_("The file is missing.")) from exc
    content_type = mimetypes.guess_type(upload.original_name)[0] or "application/octet-stream"
    return FileResponse(handle, filename=upload.original_name, content_type=content_type)


def _areas(user):
    return scoped(Region, user).filter(level__in=[3, 4]).order_by("code")


# ---- placement and the support network ------------------------------------------------------------------


def support(request, person_id):
    _need(request.user, Cap.VIEW_PERSONS)
    person = sel.person_get(request.user, person_id)
    return render(
        request,
        "care/support.html",
        {
            "person": person,
            "placement": sel.current_placement(request.user, person),
            "network": sel.network_of(request.user, person),
            "visits": sel.visits_of(request.user, person),
            "can_manage": request.user.can(Cap.MANAGE_CARE),
            "can_visit": request.user.can(Cap.RECORD_VISITS),
        },
    )


def placement_set(request, person_id):
    _need(request.user, Cap.MANAGE_CARE)
    person = sel.person_get(request.user, person_id)
    form = PlacementForm(
        request.POST or None,
        institutions=sel.institutions(request.user),
        initial={"started_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            svc.placement_set(actor=request.user, person=person, **d)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Placement recorded."))
            return redirect("care_support", person_id=person.pk)
    return render(
        request, "care/form.html", {"form": form, "person": person, "title": _("Record the placement")}
    )


def member_add(request, person_id):
    _need(request.user, Cap.MANAGE_CARE)
    person = sel.person_get(request.user, person_id)
    form = MemberForm(request.POST or None, users=scoped(User, request.user).filter(is_active=True))
    if request.method == "POST" and form.is_valid():
        try:
            svc.member_add(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Added to the support network."))
            return redirect("care_support", person_id=person.pk)
    return render(
        request,
        "care/form.html",
        {"form": form, "person": person, "title": _("Add to the support network")},
    )


@require_POST
def member_delete(request, pk):
    _need(request.user, Cap.MANAGE_CARE)
    member = sel.member_get(request.user, pk)
    person_id = member.person_id
    svc.member_remove(actor=request.user, member=member)
    messages.success(request, _("Removed from the support network."))
    return redirect("care_support", person_id=person_id)


def network(request):
    _need(request.user, Cap.VIEW_PERSONS)
    table, total = sel.network_table(request.user)
    return render(
        request,
        "care/network.html",
        {"table": table, "total": total, "buckets": sel.NETWORK_BUCKETS, "all": sel.ALL},
    )


def network_list(request, township, bucket):
    _need(request.user, Cap.VIEW_PERSONS)
    persons = sel.network_persons(request.user, township, bucket)
    name = _("All townships") if township == sel.ALL else sel.township_get(request.user, township).name
    return render(
        request,
        "care/network_list.html",
        {
            "page": paginate(request, persons),
            "count": persons.count(),
            "township_name": name,
            "bucket_label": sel.NETWORK_BUCKETS[bucket],
        },
    )


def institutions(request):
    _need(request.user, Cap.VIEW_PERSONS)
    form = InstitutionForm(request.POST or None, regions=_areas(request.user))
    if request.method == "POST":
        _need(request.user, Cap.MANAGE_CARE)
        if form.is_valid():
            try:
                svc.institution_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Institution added."))
                return redirect("care_institutions")
    return render(
        request,
        "care/institutions.html",
        {
            "items": sel.institutions(request.user),
            "form": form,
            "can_manage": request.user.can(Cap.MANAGE_CARE),
        },
    )


# ---- visits ------------------------------------------------------------------------------------------------


def visits_due(request):
    _need(request.user, Cap.VIEW_PERSONS)
    township = request.GET.get("township", sel.ALL) or sel.ALL
    qs, required, due_on, overdue = sel.visits_due(request.user, township)
    return render(
        request,
        "care/visits_due.html",
        {
            "page": paginate(request, qs),
            "count": qs.count(),
            "required": required,
            "due_on": due_on,
            "overdue": overdue,
            "township": township,
            "townships": sel.townships(request.user),
            "month_counts": sel.month_visit_counts(request.user, township),
            "can_visit": request.user.can(Cap.RECORD_VISITS),
        },
    )


def worklist(request):
    _need(request.user, Cap.RECORD_VISITS)
    due = sel.worklist(request.user)
    return render(request, "care/worklist.html", {"due": due})


def visit_new(request, person_id):
    _need(request.user, Cap.RECORD_VISITS)
    person = sel.person_get(request.user, person_id)
    form = VisitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            visit = svc.visit_record(
                actor=request.user,
                person=person,
                visited_on=d["visited_on"],
                aspects=form.aspects(),
                notes=d["notes"],
                photos=d["photos"],
                latitude=d["latitude"],
                longitude=d["longitude"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            if visit.has_problem:
                messages.warning(
                    request, _("Visit saved. The problems found were opened as rectification tasks.")
                )
            else:
                messages.success(request, _("Visit saved."))
            return redirect("care_visit", pk=visit.pk)
    return render(
        request,
        "care/visit_form.html",
        {"form": form, "person": person, "at_home": person.placement == RegistryPlacement.DISPERSED},
    )


def visit_detail(request, pk):
    _need(request.user, Cap.VIEW_PERSONS)

    visit = sel.visit_get(request.user, pk)
    return render(
        request,
        "care/visit.html",
        {
            "visit": visit,
            "photos": visit.photos.all(),
            "tasks": tasks_for_source(request.user, Source(sel.VISIT, visit.pk)),
            "surveys": surveys_for_source(request.user, Source(sel.VISIT, visit.pk)),
            "can_survey": request.user.can(Cap.RECORD_VISITS),
        },
    )


def visit_photo(request, pk, photo_pk):
    _need(request.user, Cap.VIEW_PERSONS)
    visit = sel.visit_get(request.user, pk)
    return _file(sel.visit_photo_get(request.user, visit, photo_pk).upload)


def visits_flagged(request):
    _need(request.user, Cap.VIEW_PERSONS)
    township = request.GET.get("township", sel.ALL) or sel.ALL
    qs = sel.flagged_visits(request.user, township)
    return render(
        request,
        "care/visits_flagged.html",
        {
            "page": paginate(request, qs),
            "count": qs.count(),
            "township": township,
            "townships": sel.townships(request.user),
        },
    )


def visit_ledger(request):
    """走访台账 of one township and month as Excel (through the scope; the export is audited)."""
    _need(request.user, Cap.VIEW_PERSONS)
    township = request.GET.get("township", "")
    if not township:
        raise Http404(_("Choose a township."))
    month = _month(request)
    rows, town = sel.ledger_rows(request.user, township, month)
    headers = ["序号", "村（社区）", "姓名", "走访日期", "走访人", "是否分散供养"]
    headers += [ASPECT_ZH[k] for k in ASPECT_ZH] + ["情况记录", "疑似雷同", "记录过简"]

    def lines():
        for i, v in enumerate(rows.iterator(chunk_size=2000), 1):
            cells = [
                i,
                v.person.village.name,
                v.person.name,
                v.visited_on.isoformat(),
                str(v.visitor),
                "是" if v.at_home else "否（机构供养）",
            ]
            for key in ASPECT_ZH:
                entry = v.aspects.get(key, {})
                cells.append("正常" if entry.get("ok") else f"有问题：{entry.get('note', '')}")
            cells += [
                v.notes,
                f"与走访#{v.copy_of_id}相似" if v.copy_of_id else "",
                "是" if v.perfunctory else "",
            ]
            yield cells

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.xlsx"
        write_xlsx(
            str(path), "走访台账", headers, lines(), title=f"{town.name} {month:%Y年%m月} 走访探视台账"
        )
        data = path.read_bytes()
    audit.record(
        request.user,
        "export",
        None,
        object_type="care.visit",
        object_repr=f"走访台账 {town.name} {month:%Y-%m}",
        region_code=town.code,
        extra={"township": town.code, "month": f"{month:%Y-%m}"},
    )
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''visit-ledger-{town.code}-{month:%Y-%m}.xlsx"
    )
    return response


def guardian_performance(request):
    _need(request.user, Cap.VIEW_PERSONS)
    qs = sel.guardian_performance(request.user)
    return render(
        request,
        "care/guardian_performance.html",
        {
            "page": paginate(request, qs),
            "count": qs.count(),
            "reasons": sel.GUARDIAN_REASONS,
            "can_replace": request.user.can(Cap.START_GUARDIAN_REPLACEMENT),
        },
    )


def loop_settings(request):
    _need(request.user, Cap.EDIT_SETTINGS)
    county_code = sel.county_code(request.user.region_id or "")
    county = sel.get_scoped_or_404(Region, request.user, code=county_code)
    form = SettingForm(request.POST or None, instance=sel.setting_for(county.code))
    if request.method == "POST" and form.is_valid():
        try:
            svc.setting_update(
                actor=request.user,
                county=county,
                **{k: form.cleaned_data[k] for k in SettingForm.Meta.fields},
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("care_loop_settings")
    return render(
        request,
        "care/form.html",
        {"form": form, "title": _("Visit and service settings of %(c)s") % {"c": county.name}},
    )


# ---- purchased services ---------------------------------------------------------------------------------------


def providers(request):
    _need(request.user, Cap.MANAGE_CARE)
    form = ProviderForm(request.POST or None, regions=_areas(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            provider = svc.provider_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Provider added."))
            return redirect("care_provider", pk=provider.pk)
    return render(request, "care/providers.html", {"items": sel.providers(request.user), "form": form})


def provider(request, pk):
    _need(request.user, Cap.MANAGE_CARE)
    item = sel.provider_get(request.user, pk)
    staff_users = [u for u in scoped(User, request.user).filter(is_active=True) if u.can(Cap.RECORD_DELIVERY)]
    staff_form = StaffForm(
        request.POST or None, users=User.objects.filter(pk__in=[u.pk for u in staff_users])
    )
    if request.method == "POST" and staff_form.is_valid():
        try:
            svc.provider_staff_link(actor=request.user, provider=item, user=staff_form.cleaned_data["user"])
        except ValidationError as exc:
            _form_errors(staff_form, exc)
        else:
            messages.success(request, _("Staff account linked."))
            return redirect("care_provider", pk=item.pk)
    return render(
        request,
        "care/provider.html",
        {
            "provider": item,
            "contracts": sel.contracts(request.user, item),
            "staff_form": staff_form,
            "staff": item.staff.all(),
        },
    )


def contract_new(request, pk):
    _need(request.user, Cap.MANAGE_CARE)
    item = sel.provider_get(request.user, pk)
    form = ContractForm(request.POST or None, regions=_areas(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            contract = svc.contract_create(actor=request.user, provider=item, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Contract added."))
            return redirect("care_contract", pk=contract.pk)
    return render(
        request,
        "care/form.html",
        {"form": form, "title": _("New contract with %(p)s") % {"p": item.name}},
    )


def _contract_persons(user, contract):
    return within_contract(scoped(Person, user), contract).filter(status=PersonStatus.ACTIVE).order_by("name")


def within_contract(qs, contract):

    return within(qs, contract.region)


def contract(request, pk):
    _need(request.user, Cap.MANAGE_CARE)
    item = sel.contract_get(request.user, pk)
    month = _month(request)
    persons = _contract_persons(request.user, item)
    budget_form = BudgetForm(prefix="b", persons=persons)
    order_form = OrderForm(prefix="o", persons=persons, initial={"month": month})
    if request.method == "POST":
        if "b-person" in request.POST:
            budget_form = BudgetForm(request.POST, prefix="b", persons=persons)
            if budget_form.is_valid():
                try:
                    svc.budget_set(actor=request.user, contract=item, **budget_form.cleaned_data)
                except ValidationError as exc:
                    _form_errors(budget_form, exc)
                else:
                    messages.success(request, _("Budget saved."))
                    return redirect("care_contract", pk=item.pk)
        else:
            order_form = OrderForm(request.POST, prefix="o", persons=persons)
            if order_form.is_valid():
                try:
                    svc.order_create(actor=request.user, contract=item, **order_form.cleaned_data)
                except ValidationError as exc:
                    _form_errors(order_form, exc)
                else:
                    messages.success(request, _("Service order planned."))
                    return redirect(f"{request.path}?month={order_form.cleaned_data['month']:%Y-%m}")
    return render(
        request,
        "care/contract.html",
        {
            "contract": item,
            "month": month,
            "budgets": sel.budgets_of_contract(request.user, item),
            "orders": sel.orders_of_contract(request.user, item, month),
            "budget_form": budget_form,
            "order_form": order_form,
        },
    )


def services(request):
    """Budget vs delivered per person and per provider (the provider table sums the person rows)."""
    _need(request.user, Cap.MANAGE_CARE, Cap.VIEW_PERSONS)
    month = _month(request)
    township = request.GET.get("township", sel.ALL) or sel.ALL
    rows = list(sel.budget_rows(request.user, month, township))
    return render(
        request,
        "care/services.html",
        {
            "rows": rows,
            "by_provider": sel.budget_by_provider(rows),
            "month": month,
            "township": township,
            "townships": sel.townships(request.user),
            "undelivered": sel.undelivered_orders(request.user, month, township).count(),
        },
    )


def undelivered(request):
    _need(request.user, Cap.MANAGE_CARE, Cap.VIEW_PERSONS)
    month = _month(request)
    township = request.GET.get("township", sel.ALL) or sel.ALL
    qs = sel.undelivered_orders(request.user, month, township)
    return render(
        request,
        "care/undelivered.html",
        {"page": paginate(request, qs), "count": qs.count(), "month": month},
    )


def my_orders(request):
    """A provider's staff, on a phone: this month's orders of their provider."""
    _need(request.user, Cap.RECORD_DELIVERY)
    month = _month(request)
    return render(
        request,
        "care/my_orders.html",
        {
            "orders": sel.orders_for_staff(request.user, month),
            "month": month,
            "recent": sel.deliveries(request.user)[:10],
        },
    )


def delivery_new(request, pk):
    _need(request.user, Cap.RECORD_DELIVERY, Cap.MANAGE_CARE)
    order = sel.order_for_staff(request.user, pk)
    form = DeliveryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            svc.delivery_record(
                actor=request.user,
                order=order,
                delivered_at=d["delivered_at"],
                done=d["done"],
                photo=d["photo"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Delivery recorded."))
            return redirect("care_my_orders" if request.user.can(Cap.RECORD_DELIVERY) else "care_services")
    return render(
        request,
        "care/delivery_form.html",
        {"form": form, "order": order, "done_list": sel.deliveries_of_order(request.user, order)},
    )


# ---- materials ------------------------------------------------------------------------------------------------------


def materials(request):
    _need(request.user, Cap.VIEW_PERSONS)
    return render(
        request,
        "care/materials.html",
        {"items": sel.batches(request.user), "can_manage": request.user.can(Cap.MANAGE_CARE)},
    )


def batch_new(request):
    _need(request.user, Cap.MANAGE_CARE)
    form = BatchForm(request.POST or None, regions=_areas(request.user), initial={"only_home": True})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        persons = within(scoped(Person, request.user), d["region"]).filter(status=PersonStatus.ACTIVE)
        if d["only_home"]:
            persons = persons.filter(placement=RegistryPlacement.DISPERSED)
        try:
            batch = svc.batch_create(
                actor=request.user,
                region=d["region"],
                name=d["name"],
                items=form.item_list(),
                planned_on=d["planned_on"],
                persons=persons,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Batch created."))
            return redirect("care_batch", pk=batch.pk)
    return render(request, "care/form.html", {"form": form, "title": _("New material batch")})


def batch(request, pk):
    _need(request.user, Cap.VIEW_PERSONS)
    item = sel.batch_get(request.user, pk)
    pending = request.GET.get("show") == "pending"
    qs = sel.handovers(request.user, item, pending=True if pending else None)
    return render(
        request,
        "care/batch.html",
        {
            "batch": item,
            "page": paginate(request, qs, per_page=100),
            "counts": sel.batch_counts(request.user, item),
            "pending": pending,
            "can_record": request.user.can(Cap.RECORD_VISITS) or request.user.can(Cap.MANAGE_CARE),
        },
    )


def handover(request, pk):
    _need(request.user, Cap.VIEW_PERSONS)
    item = sel.handover_get(request.user, pk)
    form = HandoverForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        _need(request.user, Cap.RECORD_VISITS, Cap.MANAGE_CARE)
        if form.is_valid():
            try:
                svc.handover_ack(actor=request.user, handover=item, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Hand-over recorded."))
                return redirect(f"/care/materials/{item.batch_id}/?show=pending")
    return render(request, "care/handover.html", {"item": item, "form": form})


def handover_signature(request, pk):
    _need(request.user, Cap.VIEW_PERSONS)
    item = sel.handover_get(request.user, pk)
    if item.signature is None:
        raise Http404(_("No photo was uploaded."))
    return _file(item.signature)
