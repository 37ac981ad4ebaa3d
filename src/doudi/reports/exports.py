"""The monthly report as .xlsx (xlsxwriter through core.tabular.write_xlsx)."""

from django.utils.translation import gettext as _

from doudi.core.tabular import write_xlsx

from .selectors import FIGURES


def write_monthly_xlsx(target, stats) -> None:
    inst_ids = sorted(stats.institutions, key=lambda i: stats.institutions[i])
    headers = (
        [_("Region code"), _("Region")]
        + [f"{f.group}·{f.label}" if f.group else str(f.label) for f in FIGURES]
        + [_("Centralized in %(name)s") % {"name": stats.institutions[i]} for i in inst_ids]
    )

    def line(code, name, row):
        return (
            [code, name]
            + [row.figures.get(f.key, 0) for f in FIGURES]
            + [row.institutions.get(i, 0) for i in inst_ids]
        )

    rows = [line(r.code, r.name, r) for r in stats.rows]
    rows.append(line(stats.total.code, _("Total"), stats.total))
    title = _("Monthly statistics of %(region)s, %(month)s") % {
        "region": stats.region.name,
        "month": f"{stats.month:%Y-%m}",
    }
    write_xlsx(target, f"{stats.month:%Y-%m}", headers, rows, text_columns=(0,), title=title)
