"""The 人民调解协议书 of a settled dispute, rendered with docxtpl from the county's own template
(AgreementTemplate, uploaded on the county's settings page and checked by `check_template`) or
else the shipped default (agreement_template.py). The paper is Chinese: the parties sign it. It
carries the parties' full ID numbers, as the agreement must identify them; generating it is
recorded as a view (services.agreement_generated)."""

from __future__ import annotations

import io

import jinja2
from django.core.exceptions import ValidationError
from docxtpl import DocxTemplate

from doudi.core import regions as rcodes
from doudi.core.documents import zh_date

from .agreement_template import DEFAULT_PATH
from .models import AgreementTemplate, Dispute, Party, Tier

SEX = {"M": "男", "F": "女"}


def _sex(number: str) -> str:
    if len(number) == 18 and number[16].isdigit():
        return "男" if int(number[16]) % 2 else "女"
    return ""


def agreement_context(dispute: Dispute) -> dict:
    parties = [
        {
            "side": "申请人" if p.side == Party.Side.APPLICANT else "被申请人",
            "name": p.name,
            "sex": _sex(p.id_number),
            "id_number": p.id_number or "——",
            "phone": p.phone or "——",
            "address": p.address or "——",
        }
        for p in dispute.parties.all()
    ]
    committee = dispute.settled_tier or dispute.tier
    if committee == Tier.VILLAGE:
        committee_name = f"{dispute.village.name}人民调解委员会"
    elif committee == Tier.TOWNSHIP:
        committee_name = f"{dispute.village.parent.name}人民调解委员会"
    else:
        committee_name = str(Tier(committee).label)
    return {
        "number": dispute.number,
        "committee_name": committee_name,
        "tier_text": {"village": "村级调解", "township": "乡镇调解"}.get(committee, "县级及以上"),
        "parties": parties,
        "kind": dispute.get_kind_display(),
        "place": dispute.place or "——",
        "occurred_on": zh_date(dispute.occurred_on),
        "description": dispute.description,
        "terms": dispute.terms,
        "mediator_name": dispute.mediator_name,
        "concluded_on": zh_date(dispute.concluded_on),
        "copies": len(parties) + 1,
    }


# The placeholders a template may use: agreement_context()'s keys (a test keeps them equal), with
# what each holds, for the settings page and the upload's error.
FIELDS = {
    "number": "案件编号",
    "committee_name": "调解组织名称",
    "tier_text": "调解层级",
    "parties": "当事人列表（逐个：p.side 身份、p.name 姓名、p.sex 性别、p.id_number 身份证号、p.phone 电话、p.address 住址）",
    "kind": "纠纷类型",
    "place": "发生地点",
    "occurred_on": "发生时间",
    "description": "纠纷主要事实、争议事项",
    "terms": "协议内容",
    "mediator_name": "人民调解员",
    "concluded_on": "调解成功日期",
    "copies": "协议份数",
}
_PARTY = {"side": "申请人", "name": "张某", "sex": "男", "id_number": "——", "phone": "——", "address": "——"}
SAMPLE = {
    "number": "调〔2026〕1号",
    "committee_name": "某村人民调解委员会",
    "tier_text": "村级调解",
    "parties": [_PARTY, _PARTY | {"side": "被申请人", "name": "李某", "sex": "女"}],
    "kind": "邻里纠纷",
    "place": "某村",
    "occurred_on": "2026年1月1日",
    "description": "纠纷事实",
    "terms": "协议内容",
    "mediator_name": "王某",
    "concluded_on": "2026年1月2日",
    "copies": 3,
}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def check_template(data: bytes) -> None:
    """A county's upload must be a Word document docxtpl can fill with the agreement's fields:
    every placeholder one of FIELDS (jinja2's find_undeclared_variables, through docxtpl's
    get_undeclared_template_variables), and a trial rendering of SAMPLE with strict undefined
    values (so `{{ p.nmae }}` is refused too). Raises ValidationError in Chinese."""
    try:
        tpl = DocxTemplate(io.BytesIO(data))
        tpl.init_docx()
        unknown = tpl.get_undeclared_template_variables() - set(FIELDS)
    except jinja2.TemplateSyntaxError as exc:
        raise ValidationError(
            f"模板中的占位符写法有误（{exc.message}），请检查 {{{{ }}}} 和 {{% %}} 是否成对。"
        ) from None
    except Exception:  # not a Word package python-docx can open
        raise ValidationError("模板应为 Word 文档（.docx），该文件无法打开。") from None
    if unknown:
        names = "、".join(f"{{{{ {n} }}}}" for n in sorted(unknown))
        raise ValidationError(f"模板中有系统不认识的占位符：{names}。可以使用的占位符：{'、'.join(FIELDS)}。")
    try:
        tpl = DocxTemplate(io.BytesIO(data))
        tpl.render(SAMPLE, jinja_env=jinja2.Environment(undefined=jinja2.StrictUndefined), autoescape=True)
        tpl.save(io.BytesIO())
    except jinja2.UndefinedError as exc:
        raise ValidationError(f"模板中有系统不认识的占位符：{exc.message}。") from None
    except Exception as exc:
        raise ValidationError(f"模板无法生成协议书：{exc}") from None


def county_template(county_code: str) -> AgreementTemplate | None:
    return AgreementTemplate.objects.select_related("upload").filter(region_id=county_code).first()


def template_bytes(county_code: str) -> bytes:
    """The template the county's agreements are generated from: its own, else the default."""
    own = county_template(county_code)
    if own is None:
        return DEFAULT_PATH.read_bytes()
    with own.upload.file.open("rb") as f:
        return f.read()


def agreement_docx(dispute: Dispute) -> bytes:
    n = rcodes.PREFIX_LENGTH[rcodes.COUNTY]
    county = dispute.village_id[:n].ljust(12, "0")
    tpl = DocxTemplate(io.BytesIO(template_bytes(county)))
    tpl.render(agreement_context(dispute), autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()
