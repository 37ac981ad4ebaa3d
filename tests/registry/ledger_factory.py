"""Realistic ledger rows and .xlsx files for the ledger tests and bench/import_persons.py.

Rows are lists in the order of ledger.HEADERS; names, ages, disabilities and dates follow the
shape of a county ledger (mostly elderly persons, some disabled adults and a few minors).
Deterministic for a given seed. No Django imports, so the benchmark can build files quickly.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Iterator

import xlsxwriter

from doudi.registry.idcard import make_id_number

HEADERS = [
    "姓名",
    "身份证号",
    "联系电话",
    "村(居)委会",
    "村(居)区划代码",
    "住址",
    "残疾类别",
    "残疾等级",
    "残疾证号",
    "民事行为能力",
    "民事行为能力依据",
    "婚姻状况",
    "供养方式",
    "状态",
    "申请日期",
    "供养开始日期",
    "终止日期",
    "备注",
]
COL = {h: i for i, h in enumerate(HEADERS)}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂玉萍红梅建国华志德福贵珍淑凤翠花春冬秋菊文武成林山海永长有金银富"
KINDS = ["智力", "精神", "肢体", "视力", "听力", "言语", "多重"]
MARITAL = ["未婚", "已婚", "离异", "丧偶"]


def person_row(rng: random.Random, village: tuple[str, str], ids: set[str], today: dt.date) -> list:
    """One plausible row for a person registered in `village` (code, name)."""
    code, vname = village
    roll = rng.random()
    if roll < 0.78:
        age = rng.randint(60, 98)
    elif roll < 0.95:
        age = rng.randint(18, 59)
    else:
        age = rng.randint(3, 15)
    while True:
        birth = today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
        number = make_id_number(code[:6], birth, rng.randint(0, 999))
        if number not in ids:
            ids.add(number)
            break
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
    row = [""] * len(HEADERS)
    row[COL["姓名"]] = name
    row[COL["身份证号"]] = number
    row[COL["联系电话"]] = (
        f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}" if rng.random() < 0.7 else ""
    )
    row[COL["村(居)委会"]] = vname
    row[COL["村(居)区划代码"]] = code
    row[COL["住址"]] = f"{vname}{rng.randint(1, 12)}组{rng.randint(1, 80)}号"
    if age < 60 or rng.random() < 0.25:
        kind = rng.choice(KINDS)
        grade = rng.randint(1, 4)
        row[COL["残疾类别"]] = kind
        row[COL["残疾等级"]] = "一二三四"[grade - 1] + "级"
        row[COL["残疾证号"]] = f"{number}{KINDS.index(kind) + 1}{grade}"
    if row[COL["残疾类别"]] in ("智力", "精神") and rng.random() < 0.6:
        row[COL["民事行为能力"]] = rng.choice(["无民事行为能力", "限制民事行为能力"])
        row[COL["民事行为能力依据"]] = (
            f"（{today.year - rng.randint(1, 10)}）民特字第{rng.randint(1, 300)}号判决书"
        )
    else:
        row[COL["民事行为能力"]] = "完全民事行为能力"
    row[COL["婚姻状况"]] = "未婚" if age < 20 else rng.choice(MARITAL)
    row[COL["供养方式"]] = "集中" if rng.random() < 0.2 else "分散"
    applied = today - dt.timedelta(days=rng.randint(60, 3000))
    applied = max(applied, birth + dt.timedelta(days=30))
    since = (applied.replace(day=1) + dt.timedelta(days=62)).replace(day=1)
    row[COL["申请日期"]] = applied
    row[COL["供养开始日期"]] = since
    if rng.random() < 0.05:
        row[COL["状态"]] = "已终止"
        row[COL["终止日期"]] = min(today, since + dt.timedelta(days=rng.randint(30, 900)))
        row[COL["备注"]] = rng.choice(["死亡", "有法定赡养人", "收入超过标准"])
    else:
        row[COL["状态"]] = "在册"
        if rng.random() < 0.1:
            row[COL["备注"]] = rng.choice(["独居，需重点关注", "住院治疗中", "由侄子照料"])
    return row


def realistic_rows(n: int, villages: list[tuple[str, str]], seed: int = 1, today=None) -> Iterator[list]:
    rng = random.Random(seed)
    today = today or dt.date.today()
    ids: set[str] = set()
    for _ in range(n):
        yield person_row(rng, rng.choice(villages), ids, today)


def write_file(
    path,
    rows: Iterable[list],
    headers: list[str] = HEADERS,
    title: str | None = None,
    id_as_text: bool = True,
):
    """An .xlsx as a clerk would fill it: ID numbers as text, dates as Excel dates (or whatever
    the row holds: strings, numbers, dates)."""
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    ws = wb.add_worksheet("台账")
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    r = 0
    if title:
        ws.merge_range(0, 0, 0, len(headers) - 1, title)
        r = 1
    ws.write_row(r, 0, headers)
    for values in rows:
        r += 1
        for c, v in enumerate(values):
            if v is None or v == "":
                continue
            if isinstance(v, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), date)
            elif isinstance(v, int | float):
                ws.write_number(r, c, v)
            elif c == COL.get("身份证号") and not id_as_text and v.isdigit():
                ws.write_number(r, c, float(v))
            else:
                ws.write_string(r, c, v)
    wb.close()
    return path
