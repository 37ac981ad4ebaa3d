"""The demo county (clearly fictional: province code 99 does not exist) and demo accounts.

`doudi demo` runs `core_step` and `units_step` and then each step other apps register with
`register_step`, in the order they give (a step needs the data of the lower ones), all from one
seeded random generator, so the same seed always gives the same data.
"""

from __future__ import annotations

import csv
import random
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.db import transaction

from . import regions as rcodes
from .models import Region, User
from .roles import Role
from .services import region_import

DEMO_PASSWORD = "doudi-demo"
PROVINCE = ("990000000000", "示例省")
CITY = ("990100000000", "示例市")
COUNTY = ("990121000000", "安和县")

# (code suffix, name, kind) — kind: "street" 街道 (urban), "town" 镇, "xiang" 乡 (rural)
TOWNSHIPS = [
    ("001", "城关街道", "street"),
    ("002", "东城街道", "street"),
    ("100", "青石镇", "town"),
    ("101", "柳河镇", "town"),
    ("102", "双桥镇", "town"),
    ("103", "白杨镇", "town"),
    ("104", "南坪镇", "town"),
    ("105", "龙泉镇", "town"),
    ("106", "石门镇", "town"),
    ("200", "杏花乡", "xiang"),
    ("201", "松林乡", "xiang"),
    ("202", "红星乡", "xiang"),
]
_FIRST = "东西南北上下前后大小新老高低黄白青红金银石沙柳杨桃李松柏梅竹槐枣榆桑"
_SECOND = "山河湾沟坪岭庄堡营寨桥坡塘岗洼店集屯台埠"

STEPS: list[tuple[int, Callable[[random.Random, dict], None]]] = []


def register_step(fn, *, order: int):
    """Add a demo step (called with the seeded Random and the context dict), run by `order`."""
    if all(step is not fn for _, step in STEPS):
        STEPS.append((order, fn))
        STEPS.sort(key=lambda item: item[0])
    return fn


def _village_rows(rng: random.Random):
    rows = [
        [PROVINCE[0], PROVINCE[1], "", "", ""],
        [CITY[0], CITY[1], "", "", ""],
        [COUNTY[0], COUNTY[1], "", "", ""],
    ]
    used = set()
    base_lng, base_lat = 113.20, 35.60
    for t_index, (suffix, name, kind) in enumerate(TOWNSHIPS):
        t_code = COUNTY[0][:6] + suffix + "000"
        rows.append([t_code, name, "", "", ""])
        t_lng = base_lng + (t_index % 4) * 0.12
        t_lat = base_lat + (t_index // 4) * 0.10
        count = 8 if kind == "street" else rng.randint(11, 15)
        for v in range(1, count + 1):
            if kind == "street":
                v_code = t_code[:9] + f"{v:03d}"
                urc = "111" if v <= 5 else "112"
                v_name = f"{name[:2]}{'一二三四五六七八九十'[v - 1]}社区"
            else:
                seat = v == 1
                v_code = t_code[:9] + (f"{v:03d}" if seat else f"{199 + v:03d}")
                urc = (
                    ("121" if kind == "town" else "210")
                    if seat
                    else ("122" if (kind == "town" and v == 2) else "220")
                )
                if seat:
                    v_name = f"{name[:2]}社区" if kind == "town" else f"{name[:2]}村"
                else:
                    while True:
                        v_name = rng.choice(_FIRST) + rng.choice(_SECOND) + "村"
                        if v_name not in used:
                            break
                    used.add(v_name)
            lng = round(t_lng + rng.uniform(-0.05, 0.05), 6)
            lat = round(t_lat + rng.uniform(-0.04, 0.04), 6)
            rows.append([v_code, v_name, urc, lng, lat])
    return rows


DEMO_USERS = [
    # username, name, region code, roles
    ("county", "王建国", COUNTY[0], [Role.COUNTY_OFFICER, Role.COUNTY_ADMIN]),
    ("town1", "李秀兰", COUNTY[0][:6] + "100000", [Role.TOWNSHIP_CLERK]),
    ("town2", "张伟", COUNTY[0][:6] + "101000", [Role.TOWNSHIP_CLERK]),
    ("village1", "刘芳", COUNTY[0][:6] + "100001", [Role.VILLAGE_STAFF]),
    ("inspector", "陈静", COUNTY[0], [Role.INSPECTOR]),
    # The monthly care loop (care/demo.py): two village cadres who visit, a provider's staff.
    ("cadre1", "赵志明", COUNTY[0][:6] + "100001", [Role.VILLAGE_STAFF]),
    ("cadre2", "孙丽华", COUNTY[0][:6] + "100201", [Role.VILLAGE_STAFF]),
    ("provider1", "钱晓燕", COUNTY[0][:6] + "100000", [Role.PROVIDER_STAFF]),
    # Village supervision (village/demo.py): a committee member and the bookkeeper of town1's demo
    # village, town1's "三资" agency and its party committee.
    ("supervisor1", "周德胜", COUNTY[0][:6] + "100001", [Role.SUPERVISION_MEMBER]),
    ("bookkeeper1", "吴丽娟", COUNTY[0][:6] + "100001", [Role.VILLAGE_OFFICIAL]),
    ("agency1", "郑晓明", COUNTY[0][:6] + "100000", [Role.TOWNSHIP_AGENCY]),
    ("party1", "黄国强", COUNTY[0][:6] + "100000", [Role.TOWNSHIP_PARTY]),
]


def core_step(rng: random.Random, ctx: dict) -> None:
    if not Region.objects.filter(code=COUNTY[0]).exists():
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "demo-regions.csv"
            with open(path, "w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(["区划代码", "名称", "城乡分类代码", "经度", "纬度"])
                writer.writerows(_village_rows(rng))
            report = region_import(actor=None, path=path)
            if report.errors:
                raise RuntimeError(f"demo regions invalid: {report.errors[:3]}")
    with transaction.atomic():
        for username, name, code, roles in DEMO_USERS:
            region = Region.objects.get(code=code)
            user, _ = User.objects.get_or_create(username=username, defaults={"name": name, "region": region})
            user.name, user.region, user.roles, user.is_active = name, region, [str(r) for r in roles], True
            user.set_password(DEMO_PASSWORD)
            user.save()
            ctx.setdefault("users", {})[username] = user
    ctx["county"] = Region.objects.get(code=COUNTY[0])


# Organisation units (单位): the county's departments, each township's government with its
# civil-affairs office, and a state-owned company with branches and two years of figures.
DEPARTMENTS = [
    # name, kind, subordinate units (name, kind)
    ("中共安和县委组织部", "department", []),
    ("安和县纪委监委", "department", []),
    (
        "安和县民政局",
        "department",
        [("安和县社会福利院", "public_institution"), ("安和县救助管理站", "public_institution")],
    ),
    ("安和县财政局", "department", []),
    ("安和县教育局", "department", [("安和县第一中学", "school"), ("安和县实验小学", "school")]),
    ("安和县农业农村局", "department", []),
    ("安和县司法局", "department", []),
    ("安和县审计局", "department", []),
    ("安和县妇女联合会", "peoples_organisation", []),
]
COMPANY = "安和县城市建设投资集团有限公司"
COMPANY_PARENT = "安和县财政局"  # 主管部门
# name, township code suffix (None: the county), {year: (total assets, main revenue, branches)}
COMPANY_FIGURES = {2025: ("1865000000.00", "312400000.00", 4), 2026: ("1942500000.00", "338900000.00", 4)}
BRANCHES = [
    (
        "城关分公司",
        "001",
        {2025: ("412000000.00", "86500000.00", 3), 2026: ("430800000.00", "91200000.00", 3)},
    ),
    (
        "青石分公司",
        "100",
        {2025: ("126500000.00", "21800000.00", 2), 2026: ("131200000.00", "23400000.00", 2)},
    ),
    (
        "柳河分公司",
        "101",
        {2025: ("98300000.00", "15600000.00", 1), 2026: ("101900000.00", "16900000.00", 1)},
    ),
    (
        "物业服务分公司",
        None,
        {2025: ("35600000.00", "28700000.00", 0), 2026: ("37100000.00", "30200000.00", 0)},
    ),
]


def units_step(rng: random.Random, ctx: dict) -> None:
    """Idempotent: a unit already there (same name under the same parent) is kept. Uses no
    randomness, so the other steps' data do not depend on it."""
    from .models import Unit
    from .unit_services import credit_code_check_char, unit_create, unit_figures_set

    actor = ctx["users"]["county"]
    county = ctx["county"]

    def unit(name, kind, region, parent=None, credit_code=""):
        found = Unit.objects.filter(
            name=name, parent=parent, **({} if parent else {"region": region})
        ).first()
        if found is not None:
            return found
        return unit_create(
            actor=actor, name=name, kind=kind, region=region, parent=parent, credit_code=credit_code
        )

    made = {}
    for name, kind, subordinates in DEPARTMENTS:
        made[name] = dept = unit(name, kind, county)
        for sub_name, sub_kind in subordinates:
            unit(sub_name, sub_kind, county, dept)
    for suffix, name, kind in TOWNSHIPS:
        township = Region.objects.get(code=COUNTY[0][:6] + suffix + "000")
        government = unit(f"{name}办事处" if kind == "street" else f"{name}人民政府", "township", township)
        unit(f"{name}民政办", "township_office", township, government)
    code17 = "91990121MA0CT0001"
    company = unit(
        COMPANY, "state_company", county, made[COMPANY_PARENT], code17 + credit_code_check_char(code17)
    )
    for year, (assets, revenue, branches) in COMPANY_FIGURES.items():
        unit_figures_set(
            actor=actor, unit=company, year=year, total_assets=assets, main_revenue=revenue, branches=branches
        )
    for name, suffix, figures in BRANCHES:
        region = Region.objects.get(code=COUNTY[0][:6] + suffix + "000") if suffix else county
        branch = unit(f"{COMPANY}{name}", "branch", region, company)
        for year, (assets, revenue, branches) in figures.items():
            unit_figures_set(
                actor=actor,
                unit=branch,
                year=year,
                total_assets=assets,
                main_revenue=revenue,
                branches=branches,
            )
    ctx["units"] = {"company": company, **made}


def run(seed: int = 20261128) -> dict:
    rng = random.Random(seed)
    ctx: dict = {"seed": seed}
    core_step(rng, ctx)
    units_step(rng, ctx)
    for _, step in STEPS:
        step(rng, ctx)
    return ctx


def account_lines() -> list[str]:
    lines = []
    for username, name, code, roles in DEMO_USERS:
        region = Region.objects.filter(code=code).first()
        label = "、".join(str(Role(r).label) for r in roles)
        lines.append(f"  {username:<10} {DEMO_PASSWORD}  {name}  {region.name if region else code}  {label}")
    return lines


assert rcodes.parse_region_code(COUNTY[0]).level == rcodes.COUNTY
