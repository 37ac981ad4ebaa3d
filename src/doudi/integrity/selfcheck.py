"""The self-inspection report form (自查自纠情况报告表) as an Excel file: the template a unit
downloads, and reading it back (python-calamine through core.tabular). One row per form of 小金库
the seed lists (第四篇 二). Errors name the row and column, in Chinese; nothing is saved unless the
whole file is sound (services.form_submit saves all the lines in one transaction)."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError

from doudi.core import tabular

from . import rules

COLUMNS = {
    "code": ["项目代码"],
    "group": ["类别"],
    "text": ["表现形式"],
    "found": ["是否发现"],
    "count": ["笔数"],
    "amount": ["金额（元）", "金额(元)", "金额"],
    "corrected": ["已纠正金额（元）", "已纠正金额(元)", "已纠正金额"],
}
HEADERS = [names[0] for names in COLUMNS.values()]
YES, NO = "是", "否"


def template(entry=None) -> bytes:
    lines = {line.code: line for line in entry.lines.all()} if entry is not None else {}
    rows = []
    for code, group, text in rules.FORM_ITEMS:
        line = lines.get(code)
        rows.append(
            [
                code,
                group,
                text,
                (YES if line.found else NO) if line else NO,
                line.count if line else 0,
                line.amount if line else 0,
                line.corrected if line else 0,
            ]
        )
    out = io.BytesIO()
    tabular.write_xlsx(
        out,
        "自查自纠情况报告表",
        HEADERS,
        rows,
        title=f"“小金库”自查自纠情况报告表{('：' + entry.unit.name) if entry else ''}",
        choices={3: [YES, NO]},
        widths={0: 22, 2: 60},
        notes=[
            "每种表现形式一行：是否发现填“是”或“否”；金额以元为单位，最多两位小数，不能为负数。",
            "已纠正金额不能大于发现的金额。单位负责人签字和日期在上传页面填写。",
        ],
    )
    return out.getvalue()


def read(path, filename: str) -> dict:
    """{code: {found, count, amount, corrected}} from an uploaded form, or ValidationError listing
    every bad cell with its row and column."""
    try:
        table = tabular.open_table(path, filename)
        cmap = tabular.map_columns(table.headers, COLUMNS, ["code", "found", "count", "amount", "corrected"])
    except tabular.TableError as exc:
        raise ValidationError(str(exc)) from exc
    lines, errors = {}, []
    for number, values in table.rows:
        code = tabular.cell_text(cmap.get(values, "code"))
        if code not in rules.FORM_CODES:
            errors.append(f"第{number}行：项目代码“{code}”不是报告表中的项目。")
            continue
        if code in lines:
            errors.append(f"第{number}行：项目“{code}”重复。")
            continue
        found_text = tabular.cell_text(cmap.get(values, "found"))
        if found_text not in (YES, NO, ""):
            errors.append(f"第{number}行“{cmap.column('found')}”列：请填“是”或“否”。")
            continue
        line = {"found": found_text == YES}
        bad = False
        for key, reader in (
            ("count", lambda v, k: tabular.cell_int(v, what="笔数")),
            ("amount", lambda v, k: tabular.cell_decimal(v, what="金额")),
            ("corrected", lambda v, k: tabular.cell_decimal(v, what="已纠正金额")),
        ):
            try:
                line[key] = reader(cmap.get(values, key), key) or 0
            except tabular.CellError as exc:
                errors.append(f"第{number}行“{cmap.column(key)}”列：{exc}。")
                bad = True
        if not bad:
            lines[code] = line
    missing = [code for code in rules.FORM_CODES if code not in lines]
    if missing and not errors:
        errors.append("报告表缺少以下项目：" + "、".join(missing) + "。请使用系统提供的模板。")
    if errors:
        raise ValidationError(errors)
    return lines
