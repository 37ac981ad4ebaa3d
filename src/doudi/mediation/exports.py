"""The dispute list as a spreadsheet (.xlsx through core.tabular.write_xlsx): the same disputes the
list page shows with the same filters (selectors.base + selectors.filtered), so a number of the
statistics page that opens a list can be downloaded too. Party names are shown, their ID numbers
masked (registry.idcard.mask_id_number), and numbers typed into the free text masked
(core.textmask) — as every other export (DESIGN.md promise 4)."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils import timezone

from doudi.core.tabular import write_xlsx
from doudi.core.textmask import mask_numbers

from . import selectors, services
from .models import Party

HEADERS = [
    "案件编号",
    "乡镇",
    "村（社区）",
    "纠纷类型",
    "当事人",
    "纠纷简况",
    "登记日期",
    "所在层级",
    "期限",
    "状态",
    "调结层级",
    "办结日期",
    "调解员",
    "协议履行",
]
WIDTHS = dict(enumerate([18, 12, 14, 14, 40, 50, 12, 18, 12, 10, 18, 12, 10, 10]))


def _parties(d) -> str:
    out = []
    for p in d.parties.all():
        side = "申请人" if p.side == Party.Side.APPLICANT else "被申请人"
        masked = selectors.masked(p.id_number)
        out.append(f"{side}：{p.name}" + (f"（{masked}）" if masked else ""))
    return "；".join(out)


def _date(value) -> str:
    return value.isoformat() if value else ""


def disputes_xlsx(qs, title: str) -> bytes:
    """`qs`: the scoped, filtered disputes (selectors.export_disputes)."""

    def rows():
        disputes = qs.select_related("village", "village__parent").prefetch_related("parties")
        for d in disputes.iterator(chunk_size=2000):
            yield [
                d.number,
                d.village.parent.name if d.village.parent_id else "",
                d.village.name,
                d.get_kind_display(),
                _parties(d),
                mask_numbers(d.description),
                _date(d.registered_on),
                d.get_tier_display(),
                _date(d.due_on) if d.is_open else "",
                d.get_status_display(),
                d.get_settled_tier_display() if d.settled_tier else "",
                _date(d.concluded_on),
                d.mediator_name,
                d.get_fulfilment_display() if d.fulfilment else "",
            ]

    buf = io.BytesIO()
    write_xlsx(buf, "矛盾纠纷", HEADERS, rows(), text_columns=(0,), widths=WIDTHS, title=title)
    return buf.getvalue()


def download(user, params) -> tuple[bytes, str]:
    """The page's and the API's export: the scoped, filtered list as .xlsx, audited
    (services.disputes_exported). Returns the file and its name."""
    qs, region = selectors.exported(user, params)
    filters = {k: str(params[k]) for k in ("year", "region", *selectors.FILTERS) if params.get(k)}
    count = qs.count()
    body = disputes_xlsx(qs, f"{region.name} 矛盾纠纷清单（{timezone.localdate():%Y-%m-%d}，共{count}件）")
    services.disputes_exported(actor=user, region=region, filters=filters, count=count)
    return body, f"disputes-{region.code}-{timezone.localdate():%Y%m%d}.xlsx"


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response
