"""The demo county (clearly fictional: province code 99 does not exist) and demo accounts.

`doudi demo` runs `core_step` and then each step other apps register with `register_step`, in the
order they give (a step needs the data of the lower ones), all from one seeded random generator, so
the same seed always gives the same data.
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


def run(seed: int = 20261128) -> dict:
    rng = random.Random(seed)
    ctx: dict = {"seed": seed}
    core_step(rng, ctx)
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
