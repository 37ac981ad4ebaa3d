"""Rendering the 监护照料协议 from a docxtpl Word template (PDF: core.documents.convert_to_pdf).

The document's content is Chinese (it is signed by Chinese parties); only the UI around it is
translated.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from docxtpl import DocxTemplate

from doudi.core.documents import docx_text, zh_date

from .agreement_template import DEFAULT_PATH
from .rules import AGREEMENT_DUTIES, GuardianCategory

CATEGORY_TEXT = {
    GuardianCategory.I: "Ⅰ类：近亲属担任监护人",
    GuardianCategory.II: "Ⅱ类：经同意由愿意担任的个人或组织担任监护人",
    GuardianCategory.III: "Ⅲ类：由村（居）民委员会或乡镇民政部门担任监护人",
}
CAPACITY_TEXT = {"none": "无民事行为能力", "limited": "限制民事行为能力", "full": "完全民事行为能力"}


class TemplateProblem(ValueError):
    """A Word template that cannot be rendered (message in Chinese)."""


def term_text(start: dt.date, end: dt.date) -> str:
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if (end + dt.timedelta(days=1)).day == start.day or end.day == start.day:
        if (end + dt.timedelta(days=1)).day == start.day:
            months = ((end + dt.timedelta(days=1)).year - start.year) * 12 + (
                (end + dt.timedelta(days=1)).month - start.month
            )
        if months and months % 12 == 0:
            return f"{months // 12}年"
        if months:
            return f"{months}个月"
    return f"{(end - start).days + 1}天"


def duty_lines(duties: list[dict]) -> list[dict]:
    ticked = {d["key"]: d for d in duties}
    out = []
    for key, (title, _default) in AGREEMENT_DUTIES.items():
        chosen = ticked.get(key)
        out.append(
            {
                "key": key,
                "mark": "☑" if chosen else "☐",
                "title": title,
                "detail": chosen["detail"] if chosen else "",
                "checked": bool(chosen),
            }
        )
    return out


def agreement_context(agreement) -> dict:
    """Everything a template may use, as Chinese text (see agreement_template.py)."""
    person = agreement.person
    guardianship = agreement.guardianship
    all_duties = duty_lines(agreement.duties)
    emergency = [line.strip() for line in (agreement.emergency_steps or "").splitlines() if line.strip()]
    return {
        "number": agreement.number,
        "township_name": agreement.township_name,
        "guardian_name": agreement.guardian_name,
        "guardian_relation": guardianship.relation or guardianship.get_guardian_kind_display(),
        "guardian_phone": agreement.guardian_phone or "　　　　",
        "guardian_address": agreement.guardian_address or "　　　　",
        "category_text": CATEGORY_TEXT.get(guardianship.category, ""),
        "committee_name": agreement.committee_name,
        "ward_name": person.name,
        "ward_sex": {"M": "男", "F": "女"}.get(person.sex, ""),
        "ward_birth_date": zh_date(person.birth_date),
        "ward_id_number": person.id_number,
        "ward_address": person.address or person.village.name,
        "ward_capacity": CAPACITY_TEXT.get(person.civil_capacity, ""),
        "basis": guardianship.basis,
        "all_duties": all_duties,
        "duties": [d for d in all_duties if d["checked"]],
        "visit_frequency": agreement.visit_frequency.rstrip("。"),
        "contact": agreement.contact.rstrip("。"),
        "emergency_lines": emergency,
        "other_terms": agreement.other_terms.strip(),
        "start_on": zh_date(agreement.start_on),
        "end_on": zh_date(agreement.end_on),
        "term_text": term_text(agreement.start_on, agreement.end_on),
        "generated_on": zh_date(dt.date.today()),
    }


def sample_context() -> dict:
    """Fictional data for previewing a template."""
    duties = [
        {"key": key, "detail": default}
        for key, (_title, default) in AGREEMENT_DUTIES.items()
        if key != "hospital_escort"
    ]
    all_duties = duty_lines(duties)
    start = dt.date.today()
    end = start.replace(year=start.year + 3) - dt.timedelta(days=1)
    return {
        "number": f"JHXY-{start:%Y}-000001",
        "township_name": "青石镇人民政府",
        "guardian_name": "张建华",
        "guardian_relation": "侄子",
        "guardian_phone": "13800000000",
        "guardian_address": "青石镇东山村三组",
        "category_text": CATEGORY_TEXT[GuardianCategory.II],
        "committee_name": "东山村民委员会",
        "ward_name": "张福生",
        "ward_sex": "男",
        "ward_birth_date": "1951年3月8日",
        "ward_id_number": "990121195103080011",
        "ward_address": "青石镇东山村三组12号",
        "ward_capacity": "限制民事行为能力",
        "basis": "依照《民法典》第二十八条，经东山村民委员会同意，由愿意担任监护人的个人担任监护人。",
        "all_duties": all_duties,
        "duties": [d for d in all_duties if d["checked"]],
        "visit_frequency": "每周上门探视不少于2次",
        "contact": "乙方手机保持畅通；村委会联系人李会计 13900000000",
        "emergency_lines": [
            "1. 丁方突发疾病或意外的，乙方立即拨打120并陪同就医；",
            "2. 同时报告丙方和甲方民政办，夜间可拨打镇值班电话。",
        ],
        "other_terms": "",
        "start_on": zh_date(start),
        "end_on": zh_date(end),
        "term_text": term_text(start, end),
        "generated_on": zh_date(start),
    }


def render_docx(template_path: str | Path, context: dict) -> bytes:
    if not zipfile.is_zipfile(template_path):
        raise TemplateProblem("模板不是有效的 Word（.docx）文件。")
    try:
        tpl = DocxTemplate(str(template_path))
        tpl.render(context, autoescape=True)
    except zipfile.BadZipFile as exc:
        raise TemplateProblem("模板不是有效的 Word（.docx）文件。") from exc
    except Exception as exc:  # jinja2 syntax or undefined-field errors in a county's template
        raise TemplateProblem(f"模板无法生成协议：{exc}") from exc
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def default_template_path() -> Path:
    return DEFAULT_PATH


def check_template(path: str | Path) -> bytes:
    """Render a candidate template with sample data; raise TemplateProblem if it cannot be used."""
    data = render_docx(path, sample_context())
    text = docx_text(data)
    if "{{" in text or "{%" in text:
        raise TemplateProblem("模板中有未能替换的字段，请检查 {{ }} 与 {% %} 标记是否完整。")
    return data
