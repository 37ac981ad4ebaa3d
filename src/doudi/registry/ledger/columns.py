"""The ledger's layout: its columns (COLUMNS: header, aliases, kind, help), the Chinese labels of
the choices and the texts each choice accepts, and the Person fields the ledger maintains.

The reader (read.py), the comparison (compare.py), the insert (write.py) and the written file
(export.py) all follow this one list, so an export re-imports unchanged. No database access.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from doudi.core.tabular import normalize_header

from ..models import CivilCapacity, DisabilityKind, MaritalStatus, PersonStatus, Placement

DISABILITY_LABELS = {
    DisabilityKind.INTELLECTUAL: "智力",
    DisabilityKind.MENTAL: "精神",
    DisabilityKind.PHYSICAL: "肢体",
    DisabilityKind.VISUAL: "视力",
    DisabilityKind.HEARING: "听力",
    DisabilityKind.SPEECH: "言语",
    DisabilityKind.MULTIPLE: "多重",
}
GRADE_LABELS = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}
CAPACITY_LABELS = {
    CivilCapacity.FULL: "完全民事行为能力",
    CivilCapacity.LIMITED: "限制民事行为能力",
    CivilCapacity.NONE: "无民事行为能力",
}
MARITAL_LABELS = {
    MaritalStatus.UNMARRIED: "未婚",
    MaritalStatus.MARRIED: "已婚",
    MaritalStatus.DIVORCED: "离异",
    MaritalStatus.WIDOWED: "丧偶",
}
PLACEMENT_LABELS = {Placement.CENTRALIZED: "集中", Placement.DISPERSED: "分散"}
STATUS_LABELS = {
    PersonStatus.APPLYING: "申请中",
    PersonStatus.ACTIVE: "在册",
    PersonStatus.TERMINATED: "已终止",
    PersonStatus.REFUSED: "不予认定",
    PersonStatus.NOT_ACCEPTED: "不予受理",
}


def _accepting(labels: dict, extra: dict | None = None) -> dict[str, str]:
    """Text → stored value: the Chinese label, its extra synonyms, and the stored value itself."""
    out = {}
    for value, label in labels.items():
        out[_choice_key(label)] = value
        out[_choice_key(str(value))] = value
    for text, value in (extra or {}).items():
        out[_choice_key(text)] = value
    return out


def _choice_key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).lower()


_DISABILITY_INPUT = _accepting(
    DISABILITY_LABELS, {f"{label}残疾": value for value, label in DISABILITY_LABELS.items()}
)
_CAPACITY_INPUT = _accepting(
    CAPACITY_LABELS,
    {"完全": CivilCapacity.FULL, "限制": CivilCapacity.LIMITED, "无": CivilCapacity.NONE},
)
_MARITAL_INPUT = _accepting(
    MARITAL_LABELS,
    {
        "离婚": MaritalStatus.DIVORCED,
        "有配偶": MaritalStatus.MARRIED,
        "初婚": MaritalStatus.MARRIED,
        "再婚": MaritalStatus.MARRIED,
        "复婚": MaritalStatus.MARRIED,
    },
)
_PLACEMENT_INPUT = _accepting(
    PLACEMENT_LABELS, {"集中供养": Placement.CENTRALIZED, "分散供养": Placement.DISPERSED}
)
_STATUS_INPUT = _accepting(
    STATUS_LABELS,
    {"终止": PersonStatus.TERMINATED, "在册供养": PersonStatus.ACTIVE, "供养中": PersonStatus.ACTIVE},
)
_GRADE_INPUT = {}
for _n, _label in GRADE_LABELS.items():
    for _text in (str(_n), f"{_n}级", _label, _label[0]):
        _GRADE_INPUT[_choice_key(_text)] = _n


@dataclass(frozen=True)
class Column:
    key: str  # Person attribute (attname), or "village_name" / "village_code"
    header: str
    aliases: tuple[str, ...] = ()
    kind: str = "text"  # text, id, phone, code, choice, grade, date
    max_length: int | None = None
    required: bool = False
    width: int = 12
    help: str = ""
    values: dict | None = None  # for choice columns: stored value → Chinese label


COLUMNS: list[Column] = [
    Column("name", "姓名", ("名字",), max_length=50, required=True, width=10, help="必填。"),
    Column(
        "id_number",
        "身份证号",
        ("公民身份号码", "身份证号码", "身份证", "证件号码"),
        kind="id",
        required=True,
        width=21,
        help="必填，18位公民身份号码，是区分人员的依据：系统中已有此号码的人员会被更新，"
        "没有的会被新增。出生日期和性别由身份证号自动得出，无需填写。"
        "请把此列设为“文本”格式，否则 Excel 会把号码变成科学计数法并丢失后几位。",
    ),
    Column(
        "phone", "联系电话", ("电话", "手机", "手机号", "联系方式"), kind="phone", max_length=30, width=14
    ),
    Column(
        "village_name",
        "村(居)委会",
        ("村委会", "居委会", "村(社区)", "村居委会", "所在村", "村(居)民委员会", "村(社区)名称"),
        width=14,
        help="户籍所在村(居)委会的名称。有区划代码时用于核对：名称与代码不符会报错；"
        "没有区划代码列时，按名称在您管辖范围内查找。",
    ),
    Column(
        "village_code",
        "村(居)区划代码",
        ("村区划代码", "区划代码", "村(社区)区划代码", "统计用区划代码", "村(居)代码"),
        kind="code",
        width=16,
        help="户籍所在村(居)委会的12位统计用区划代码（见“区划代码”工作表），必须在您的管辖范围内。"
        "与“村(居)委会”至少填一项，以区划代码为准。",
    ),
    Column("address", "住址", ("家庭住址", "现住址", "居住地址", "地址"), max_length=200, width=24),
    Column(
        "disability_kind",
        "残疾类别",
        ("残疾类型",),
        kind="choice",
        values=DISABILITY_LABELS,
        width=10,
        help="无残疾的留空。",
    ),
    Column(
        "disability_grade",
        "残疾等级",
        ("残疾级别",),
        kind="grade",
        values=GRADE_LABELS,
        width=10,
        help="填写残疾等级时必须同时填写残疾类别。也可写 1、2、3、4。",
    ),
    Column(
        "disability_certificate",
        "残疾证号",
        ("残疾证号码", "残疾人证号"),
        kind="code",
        max_length=30,
        width=24,
    ),
    Column(
        "civil_capacity",
        "民事行为能力",
        (),
        kind="choice",
        values=CAPACITY_LABELS,
        width=18,
        help="留空时：新增人员按“完全民事行为能力”，已有人员保持不变。也可写“完全”“限制”“无”。",
    ),
    Column(
        "civil_capacity_basis",
        "民事行为能力依据",
        ("民事行为能力认定依据",),
        max_length=200,
        width=20,
        help="如法院判决书、医学鉴定意见的名称和编号。",
    ),
    Column("marital_status", "婚姻状况", ("婚姻状态",), kind="choice", values=MARITAL_LABELS, width=10),
    Column(
        "placement",
        "供养方式",
        ("供养形式",),
        kind="choice",
        values=PLACEMENT_LABELS,
        width=10,
        help="集中供养写“集中”，分散供养写“分散”。留空时：新增人员按“分散”，已有人员保持不变。",
    ),
    Column(
        "status",
        "状态",
        ("人员状态", "供养状态"),
        kind="choice",
        values=STATUS_LABELS,
        width=10,
        help="留空时：新增人员按“在册”，已有人员保持不变。填写终止日期的人员状态应为“已终止”。",
    ),
    Column("applied_on", "申请日期", ("申请时间",), kind="date", width=12),
    Column(
        "supported_since",
        "供养开始日期",
        ("开始供养日期", "供养起始日期", "纳入供养日期", "供养开始时间"),
        kind="date",
        width=13,
    ),
    Column(
        "terminated_on",
        "终止日期",
        ("终止供养日期", "终止时间"),
        kind="date",
        width=12,
        help="只有状态为“已终止”的人员才填写，且不能早于供养开始日期。",
    ),
    Column("notes", "备注", (), width=24),
]
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
HEADERS = [c.header for c in COLUMNS]
_SPEC = {c.key: (c.header, *c.aliases) for c in COLUMNS}
_KNOWN_HEADERS = {normalize_header(a) for names in _SPEC.values() for a in names}
_DATE_HELP = "日期可写成 2024-01-05、2024/1/5 或 2024年1月5日，也可以是 Excel 日期。"
_CHOICE_PARSERS = {
    "disability_kind": _DISABILITY_INPUT,
    "civil_capacity": _CAPACITY_INPUT,
    "marital_status": _MARITAL_INPUT,
    "placement": _PLACEMENT_INPUT,
    "status": _STATUS_INPUT,
}
# Blank means "default for a new person, keep for a registered one" in these columns.
_DEFAULTED = {  # plain strings (not the choices' enum members): cheaper to write and to audit
    "civil_capacity": CivilCapacity.FULL.value,
    "placement": Placement.DISPERSED.value,
    "status": PersonStatus.ACTIVE.value,
}
# Person attributes the ledger maintains, and those derived from them.
LEDGER_FIELDS = [c.key for c in COLUMNS if not c.key.startswith("village_")] + ["village_id"]
DERIVED_FIELDS = ["birth_date", "sex", "name_pinyin", "name_initials", "id_reversed"]
_AUDIT_NAME = {"village_id": "village"}  # audit entries name fields like audit.snapshot does
