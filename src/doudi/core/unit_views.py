"""Pages of organisation units (单位): the tree, a unit with its figures by year and its
subordinate units, the forms, and the Excel import. Thin: form → service → render; every read
goes through the scope (unit_selectors)."""

import tempfile
from pathlib import Path
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import unit_selectors as sel
from . import unit_services as us
from .forms import UnitFiguresForm, UnitFilterForm, UnitForm
from .models import Region, Unit
from .roles import Cap
from .scope import get_scoped_or_404, scoped
from .tabular import write_xlsx
from .views import import_page, require_cap

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_cap(Cap.VIEW_UNITS)
def unit_list(request):
    form = UnitFilterForm(request.GET or None, user=request.user)
    f = form.cleaned_data if form.is_valid() else {}
    region = scoped(Region, request.user).filter(code=f["region"]).first() if f.get("region") else None
    rows = sel.unit_tree(
        request.user, kind=f.get("kind", ""), region=region, q=f.get("q", ""), active=f.get("active", "")
    )
    page = Paginator(rows, 200).get_page(request.GET.get("page"))
    return render(
        request,
        "core/unit_list.html",
        {
            "form": form,
            "page": page,
            "filtered": any(f.values()),
            "can_manage": request.user.can(Cap.MANAGE_UNITS),
        },
    )


@require_cap(Cap.VIEW_UNITS)
def unit_detail(request, pk):
    unit = sel.unit_get(request.user, pk)
    return render(
        request,
        "core/unit_detail.html",
        {
            "unit": unit,
            "ancestors": sel.unit_ancestors(request.user, unit),
            "children": sel.unit_children(request.user, unit),
            "figures": sel.unit_figures(request.user, unit),
            "can_manage": request.user.can(Cap.MANAGE_UNITS),
        },
    )


def _save_unit(request, form, unit=None):
    d = form.cleaned_data
    args = {
        "actor": request.user,
        "name": d["name"],
        "kind": d["kind"],
        "region": d["region"],
        "parent": d["parent"],
        "credit_code": d["credit_code"],
    }
    try:
        if unit is None:
            return us.unit_create(**args)
        return us.unit_update(unit=unit, is_active=d["is_active"], **args)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


@require_cap(Cap.MANAGE_UNITS)
def unit_create(request):
    parent = None
    if request.GET.get("parent"):  # "add a subordinate unit" from a unit's page
        parent = get_scoped_or_404(Unit, request.user, pk=request.GET["parent"])
    initial = {"parent": parent, "region": parent.region if parent else request.user.region}
    form = UnitForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        unit = _save_unit(request, form)
        if unit is not None:
            messages.success(request, _("Unit %(name)s created.") % {"name": unit.name})
            return redirect("unit_detail", pk=unit.pk)
    return render(request, "core/unit_form.html", {"form": form, "title": _("New unit"), "parent": parent})


@require_cap(Cap.MANAGE_UNITS)
def unit_edit(request, pk):
    unit = sel.unit_get(request.user, pk)
    initial = {
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent,
        "region": unit.region,
        "credit_code": unit.credit_code,
        "is_active": unit.is_active,
    }
    form = UnitForm(request.POST or None, user=request.user, unit=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        if _save_unit(request, form, unit) is not None:
            messages.success(request, _("Unit %(name)s saved.") % {"name": form.cleaned_data["name"]})
            return redirect("unit_detail", pk=unit.pk)
    return render(
        request,
        "core/unit_form.html",
        {"form": form, "unit": unit, "title": _("Edit unit %(name)s") % {"name": unit.name}},
    )


@require_cap(Cap.MANAGE_UNITS)
def unit_figures(request, pk):
    unit = sel.unit_get(request.user, pk)
    initial = {}
    year = request.GET.get("year", "")
    if year.isdigit() and (row := sel.unit_figures_get(request.user, unit, int(year))) is not None:
        initial = {
            "year": row.year,
            "total_assets": row.total_assets,
            "main_revenue": row.main_revenue,
            "branches": row.branches,
        }
    form = UnitFiguresForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            us.unit_figures_set(
                actor=request.user,
                unit=unit,
                year=d["year"],
                total_assets=d["total_assets"],
                main_revenue=d["main_revenue"],
                branches=d["branches"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Figures of %(name)s for %(year)s saved.") % {"name": unit.name, "year": d["year"]}
            )
            return redirect("unit_detail", pk=unit.pk)
    return render(request, "core/unit_figures_form.html", {"form": form, "unit": unit})


@require_cap(Cap.MANAGE_UNITS)
def unit_import(request):
    return import_page(
        request,
        kind="units",
        importer=us.unit_import,
        template="core/unit_import.html",
        job_kind="import_units",
        job_title=_("Import units from %(name)s"),
        confirm=True,
    )


@require_cap(Cap.MANAGE_UNITS)
def unit_template(request):
    """The import template, filled with the units the user manages: add rows and upload it
    again (the rows already in the system come back unchanged)."""
    units = list(sel.units_assignable(request.user))
    shown = {u.pk: u for u in units}
    # A unit whose parent the user does not see (their own unit, when bound to one) could not be
    # matched again on re-import; its subordinate units name it, so it stays out of the rows.
    units = [u for u in units if u.parent_id is None or u.parent_id in shown]
    counts: dict[str, int] = {}
    for u in units:
        counts[u.name] = counts.get(u.name, 0) + 1

    def parent_ref(u):
        if u.parent_id is None:
            return ""
        parent = shown[u.parent_id]
        if counts[parent.name] > 1 and parent.parent_id in shown:  # the name alone is ambiguous
            return f"{shown[parent.parent_id].name}/{parent.name}"
        return parent.name

    kinds = dict(Unit.Kind.choices)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "units.xlsx"
        write_xlsx(
            str(path),
            "单位",
            us.TEMPLATE_HEADERS,
            ([u.name, str(kinds[u.kind]), parent_ref(u), u.region_id, u.credit_code] for u in units),
            text_columns={3, 4},
            widths={0: 36, 2: 36, 3: 16, 4: 22},
            choices={1: us.kind_labels_zh()},
            notes=[
                "填写说明",
                "1. 每行一个单位。“单位名称”“单位类型”必填；已在系统中的单位（同一上级单位下同名）只更新填写了的列。",
                "2. 单位类型可选：" + "、".join(us.kind_labels_zh()) + "。",
                "3. 上级单位：填写主管部门或上级机构的名称，可以是本表中的单位；重名时写出路径，如“安和县财政局/办公室”。",
                "4. 所在区划：12位统计用区划代码或区划名称；不填时取上级单位的区划。",
                "5. 年度数据（可选）：年度、资产总额（元）、主营业务收入（元）、分支机构数；金额不能为负数，最多两位小数。",
                "6. 任何一行有错误时，整个文件都不会导入；请按提示改正后重新上传。",
            ],
        )
        data = path.read_bytes()
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('单位导入模板.xlsx')}"
    return response
