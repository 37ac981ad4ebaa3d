"""Demo ledger: about 1,500 supported persons across the demo county, deterministic from the
seeded Random that `doudi demo` passes (core/demo.py).

Distributions: ~85% elderly (60–95), ~12% disabled adults, ~3% minors; ~90% dispersed and
~10% in the county's two institutions (placement only, for now); civil capacity full for
most, limited or none for ~12% (minors, severe intellectual/mental disability, dementia);
a few probable duplicates for the review queue. Ages are counted from a fixed reference date,
not today, so the same seed gives the same ID numbers on any day.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from doudi.core import audit
from doudi.core import regions as rcodes
from doudi.core.models import Region

from . import idcard
from .models import CivilCapacity, DisabilityKind, MaritalStatus, Person, PersonStatus, Placement
from .pinyin import name_keys
from .services import derived_fields, duplicates_detect, person_audit_snapshot, person_update

COUNTY_CODE = "990121"
REFERENCE_DATE = dt.date(2026, 11, 1)
TARGET = 1500

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤"
)
MALE = (
    "建国 德明 长海 志强 福生 永庆 德胜 金山 树林 国华 文斌 明亮 海泉 宝山 来福 守义 广田 春生 茂林 振华 "
    "有才 富贵 玉成 学文 世杰 连生 兴旺 根柱 贵生 庆林 汉章 占魁 长福 德才 老五 成 忠 林 山 贵"
).split()
FEMALE = (
    "秀兰 桂英 玉兰 淑珍 凤英 秀英 桂兰 玉梅 翠花 素芬 兰英 金凤 春梅 秀珍 月娥 玉珍 桂芳 凤兰 淑英 "
    "巧云 素珍 银花 小妹 彩霞 爱莲 玉芝 桂珍 秀云 花 英 兰 珍"
).split()
CHILD = "浩然 子涵 欣怡 宇轩 梓萱 俊杰 雨桐 佳琪 思远 一鸣 晨阳 诗琪 嘉怡 天宇 若曦".split()
# Characters with the same common reading, for probable duplicates the pinyin catches.
HOMOPHONES = {
    "张": "章",
    "王": "汪",
    "刘": "柳",
    "陈": "晨",
    "秀": "修",
    "兰": "岚",
    "英": "瑛",
    "明": "铭",
    "华": "桦",
    "林": "琳",
    "珍": "真",
    "海": "亥",
}
INSTITUTIONS = ["安和县社会福利院", "安和县柳河中心敬老院"]
# Disability certificate numbers are the ID number plus the kind and grade digits.
_CERT_KIND = {
    DisabilityKind.VISUAL: 1,
    DisabilityKind.HEARING: 2,
    DisabilityKind.SPEECH: 3,
    DisabilityKind.PHYSICAL: 4,
    DisabilityKind.INTELLECTUAL: 5,
    DisabilityKind.MENTAL: 6,
    DisabilityKind.MULTIPLE: 7,
}


def _birth(rng: random.Random, age: int) -> dt.date:
    year = REFERENCE_DATE.year - age - 1
    return dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))


def _pick(rng: random.Random, weighted: list[tuple[object, float]]):
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _disability(rng, *, adult_disabled: bool):
    kind = _pick(
        rng,
        [
            (DisabilityKind.PHYSICAL, 35),
            (DisabilityKind.INTELLECTUAL, 25),
            (DisabilityKind.MENTAL, 22),
            (DisabilityKind.VISUAL, 10),
            (DisabilityKind.HEARING, 3),
            (DisabilityKind.MULTIPLE, 5),
        ],
    )
    grade = _pick(
        rng, [(1, 45), (2, 35), (3, 12), (4, 8)] if adult_disabled else [(1, 20), (2, 30), (3, 30), (4, 20)]
    )
    return kind, grade


def _civil_capacity(rng, age: int, kind: str, grade: int | None) -> tuple[str, str]:
    if age < 8:
        return CivilCapacity.NONE, "不满八周岁的未成年人"
    if age < 18:
        return CivilCapacity.LIMITED, "八周岁以上的未成年人"
    if kind in (DisabilityKind.INTELLECTUAL, DisabilityKind.MENTAL) and grade in (1, 2):
        if rng.random() < 0.75:
            none = grade == 1 and rng.random() < 0.5
            return (CivilCapacity.NONE if none else CivilCapacity.LIMITED), "人民法院认定判决书"
    if age >= 75 and rng.random() < 0.05:
        return CivilCapacity.LIMITED, "医疗机构诊断证明（阿尔茨海默病），人民法院认定判决书"
    return CivilCapacity.FULL, ""


def _address(rng, village: Region) -> str:
    if village.urban_rural_code.startswith("1") and village.code[9:] < "200":
        return f"{village.name[:2]}{rng.choice(['幸福', '建设', '人民', '和平', '团结'])}路{rng.randint(1, 120)}号"
    return f"{village.name}{rng.randint(1, 9)}组{rng.randint(1, 60)}号"


def _phone(rng) -> str:
    if rng.random() < 0.6:
        return ""
    return "1" + rng.choice(["35", "38", "39", "50", "58", "87"]) + f"{rng.randrange(10**8):08d}"


class _Ids:
    def __init__(self):
        self.used: set[str] = set()

    def make(self, rng, birth: dt.date, sex: str) -> str:
        while True:
            seq = rng.randrange(1, 999)
            if (seq % 2 == 1) != (sex == "M"):
                seq += 1
            number = idcard.make_id_number(COUNTY_CODE, birth, seq)
            if number not in self.used:
                self.used.add(number)
                return number


def _person(rng, village: Region, ids: _Ids) -> Person:
    r = rng.random()
    kind, grade = "", None
    if r < 0.03:
        age = rng.randint(3, 17)
        if rng.random() < 0.3:
            kind, grade = _disability(rng, adult_disabled=False)
    elif r < 0.15:
        age = rng.randint(18, 59)
        kind, grade = _disability(rng, adult_disabled=True)
    else:
        age = min(95, max(60, int(rng.triangular(60, 96, 76))))
        if rng.random() < 0.15:
            kind, grade = _disability(rng, adult_disabled=False)
    sex = "M" if rng.random() < 0.58 else "F"
    if age < 18:
        given = rng.choice(CHILD)
    else:
        given = rng.choice(MALE if sex == "M" else FEMALE)
    name = rng.choice(SURNAMES) + given
    birth = _birth(rng, age)
    number = ids.make(rng, birth, sex)
    capacity, basis = _civil_capacity(rng, age, kind, grade)
    centralized = rng.random() < (0.10 if age >= 18 else 0.05)
    status = _pick(rng, [(PersonStatus.ACTIVE, 95), (PersonStatus.APPLYING, 2), (PersonStatus.TERMINATED, 3)])
    since_month = rng.randrange(12 * 14 + 9)  # 2012-01 … 2026-09
    supported_since = dt.date(2012 + since_month // 12, since_month % 12 + 1, 1)
    applied_on = supported_since - dt.timedelta(days=rng.randint(30, 80))
    if supported_since <= birth or applied_on <= birth:
        supported_since = dt.date(REFERENCE_DATE.year, 1, 1)
        applied_on = dt.date(REFERENCE_DATE.year - 1, 11, 10)
    terminated_on = None
    if status == PersonStatus.APPLYING:
        applied_on, supported_since = REFERENCE_DATE - dt.timedelta(days=rng.randint(5, 40)), None
    elif status == PersonStatus.TERMINATED:
        terminated_on = min(REFERENCE_DATE, supported_since + dt.timedelta(days=rng.randint(200, 2500)))
    if age < 18:
        marital = MaritalStatus.UNMARRIED
    elif age < 60:
        marital = _pick(
            rng, [(MaritalStatus.UNMARRIED, 80), (MaritalStatus.DIVORCED, 10), (MaritalStatus.WIDOWED, 10)]
        )
    else:
        marital = _pick(
            rng, [(MaritalStatus.UNMARRIED, 45), (MaritalStatus.WIDOWED, 40), (MaritalStatus.DIVORCED, 15)]
        )
    return Person(
        name=name,
        id_number=number,
        birth_date=birth,
        sex=sex,
        village=village,
        phone=_phone(rng),
        address=rng.choice(INSTITUTIONS) if centralized else _address(rng, village),
        disability_kind=kind,
        disability_grade=grade,
        disability_certificate=f"{number}{_CERT_KIND[kind]}{grade}" if kind else "",
        civil_capacity=capacity,
        civil_capacity_basis=basis,
        marital_status=marital,
        placement=Placement.CENTRALIZED if centralized else Placement.DISPERSED,
        status=status,
        applied_on=applied_on,
        supported_since=supported_since,
        terminated_on=terminated_on,
    )


def _twins(rng, persons: list[Person], ids: _Ids) -> list[Person]:
    """Probable duplicates: the same person registered twice with a homophone name and a
    mistyped sequence number (another village), and namesakes in the same village."""
    out = []
    candidates = [
        p for p in persons if p.status == PersonStatus.ACTIVE and p.civil_capacity == CivilCapacity.FULL
    ]
    rng.shuffle(candidates)
    for p in candidates:
        if len(out) >= 4:
            break
        variant = "".join(
            HOMOPHONES.get(ch, ch) if i == len(p.name) - 1 else ch for i, ch in enumerate(p.name)
        )
        if variant == p.name:
            variant = HOMOPHONES.get(p.name[0], p.name[0]) + p.name[1:]
        if variant == p.name or name_keys(variant)[0] != name_keys(p.name)[0]:
            continue
        twin = _copy(p, name=variant, id_number=ids.make(rng, p.birth_date, p.sex))
        out.append(twin)
    for p in candidates[-3:]:
        out.append(_namesake(rng, p, ids))
    return out


def _namesake(rng, p: Person, ids: _Ids) -> Person:
    birth = _birth(rng, p.age_on(REFERENCE_DATE) - 3)
    return _copy(p, birth_date=birth, id_number=ids.make(rng, birth, p.sex), phone="")


def _copy(p: Person, **changes) -> Person:
    fields = {f.name: getattr(p, f.name) for f in Person._meta.concrete_fields if f.name not in ("id",)}
    fields.update(changes)
    return Person(**fields)


def build_persons(rng: random.Random, villages: list[Region], total: int = TARGET) -> list[Person]:
    """The demo persons (unsaved, without derived fields), spread over the villages: rural
    villages hold more than town seats, town seats more than urban communities."""
    weights = [
        3 if v.urban_rural_code.startswith("2") else (2 if v.urban_rural_code.startswith("12") else 1)
        for v in villages
    ]
    ids = _Ids()
    persons = [_person(rng, village, ids) for village in rng.choices(villages, weights=weights, k=total - 7)]
    return persons + _twins(rng, persons, ids)


def registry_step(rng: random.Random, ctx: dict) -> None:
    if Person.objects.filter(village__pk__startswith=COUNTY_CODE).exists():
        return
    villages = list(
        Region.objects.filter(code__startswith=COUNTY_CODE, level=rcodes.VILLAGE, is_active=True).order_by(
            "code"
        )
    )
    if not villages:
        return
    persons = build_persons(rng, villages)
    users = ctx.get("users", {})
    actor = users.get("county")
    for p in persons:
        for field, value in derived_fields(name=p.name, id_number=p.id_number).items():
            setattr(p, field, value)
        p.created_by = actor
    with transaction.atomic():
        Person.objects.bulk_create(persons, batch_size=500)
        audit.record_many(
            [
                audit.Pending(
                    actor,
                    "import",
                    p,
                    changes=audit.diff({}, person_audit_snapshot(p)),
                    extra={"source": "demo ledger"},
                )
                for p in persons
            ]
        )
        duplicates_detect(persons)
        # A few later changes by the clerk of 青石镇, so person pages show a history.
        clerk = users.get("town1")
        if clerk is not None and clerk.region_id:
            mine = [p for p in persons if p.village_id.startswith(clerk.region.prefix)][:6]
            for i, p in enumerate(mine):
                if p.placement == Placement.CENTRALIZED:
                    person_update(
                        actor=clerk, person=p, placement=Placement.DISPERSED, address=_address(rng, p.village)
                    )
                elif i % 2:
                    person_update(actor=clerk, person=p, phone=_phone(rng) or "13912345678")
                else:
                    person_update(
                        actor=clerk, person=p, placement=Placement.CENTRALIZED, address=INSTITUTIONS[0]
                    )
    ctx["persons"] = len(persons)
