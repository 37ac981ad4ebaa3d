"""registry.pinyin.name_keys: one cut into words and memoised conversions, the same keys as
pypinyin.lazy_pinyin() over the whole name in each style."""

import random
import sys
from pathlib import Path

import pytest
from pypinyin import Style, lazy_pinyin

from doudi.registry.pinyin import name_keys

sys.path.insert(0, str(Path(__file__).parent))
from ledger_factory import GIVEN, SURNAMES  # noqa: E402


def reference(name):
    """The keys as first defined: two lazy_pinyin() calls over the whole name."""
    name = (name or "").strip()
    full = "".join(lazy_pinyin(name, errors="default")).lower().replace(" ", "")
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")).lower().replace(" ", "")
    return full[:200], initials[:50]


@pytest.mark.parametrize(
    "name",
    ["张三", "欧阳娜娜", "吕布", "曾国藩", "单于", "长孙无忌", "乐嘉", "覃", "重庆银行", "女", "绿"]
    + ["", "  ", " 张 三 ", "Tom张", "李A四b", "张三·阿卜杜拉", "a b", "Ü", "〇", "㐀", "𠀀", "王" * 120],
)
def test_name_keys_match_lazy_pinyin(name):
    assert name_keys(name) == reference(name)


def test_name_keys_match_lazy_pinyin_on_ledger_names():
    rng = random.Random(5)
    for _ in range(3000):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 3)))
        assert name_keys(name) == reference(name), name


def test_name_keys_examples():
    assert name_keys("张三丰") == ("zhangsanfeng", "zsf")
    assert name_keys(None) == ("", "")
