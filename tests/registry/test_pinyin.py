"""registry.pinyin.name_keys: one cut into words and memoised conversions, the same keys as
pypinyin.lazy_pinyin() over the whole name in each style — except that a surname reads as a
surname (单 shan, 曾 zeng) and 长 in a given name as chang."""

import random
import sys
from pathlib import Path

import pytest
from pypinyin import Style, lazy_pinyin

from doudi.registry.pinyin import COMPOUND_SURNAMES, GIVEN_NAME, SURNAMES, name_keys

sys.path.insert(0, str(Path(__file__).parent))
from ledger_factory import GIVEN  # noqa: E402
from ledger_factory import SURNAMES as LEDGER_SURNAMES  # noqa: E402


def reference(name):
    """Two lazy_pinyin() calls over the whole name (the keys as first defined), for the names
    the surname and given-name tables do not concern."""
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
    if name.strip()[:2] in COMPOUND_SURNAMES or (len(name.strip()) > 1 and name.strip()[0] in SURNAMES):
        pytest.skip("read as a surname")
    assert name_keys(name) == reference(name)


def test_name_keys_match_lazy_pinyin_on_ledger_names():
    rng = random.Random(5)
    for _ in range(3000):
        surname = rng.choice(LEDGER_SURNAMES)
        given = "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 3)))
        if surname in SURNAMES or any(c in GIVEN_NAME for c in given):
            continue
        assert name_keys(surname + given) == reference(surname + given), surname + given


def test_name_keys_examples():
    assert name_keys("张三丰") == ("zhangsanfeng", "zsf")
    assert name_keys(None) == ("", "")


@pytest.mark.parametrize(
    "name, keys",
    [
        ("刘长林", ("liuchanglin", "lcl")),
        ("单雄信", ("shanxiongxin", "sxx")),
        ("曾国藩", ("zengguofan", "zgf")),
        ("解缙", ("xiejin", "xj")),
        ("仇英", ("qiuying", "qy")),
        ("朴正", ("piaozheng", "pz")),
        ("查良镛", ("zhaliangyong", "zly")),
        ("区志强", ("ouzhiqiang", "ozq")),
        ("覃秀英", ("qinxiuying", "qxy")),
        ("乐嘉", ("yuejia", "yj")),
        ("长孙无忌", ("zhangsunwuji", "zswj")),
        ("尉迟恭", ("yuchigong", "ycg")),
        ("万俟卨", ("moqixie", "mqx")),
        ("单于", ("chanyu", "cy")),
        ("曾长生", ("zengchangsheng", "zcs")),
    ],
)
def test_surnames_read_as_surnames(name, keys):
    assert name_keys(name) == keys


def test_a_single_character_is_not_read_as_a_surname():
    assert name_keys("单") == reference("单")


@pytest.mark.django_db
def test_the_migration_reindexes_existing_persons(world):
    from django.apps import apps

    from doudi.registry.models import Person
    from doudi.registry.pinyin_reindex import reindex

    person = Person.objects.create(
        name="单雄信",
        id_number="11010519491231002X",
        village=world.v1,
        name_pinyin="danxiongxin",
        name_initials="dxx",
        birth_date="1949-12-31",
        sex="F",
    )
    assert reindex(apps) == 1
    person.refresh_from_db()
    assert (person.name_pinyin, person.name_initials) == ("shanxiongxin", "sxx")
    assert reindex(apps) == 0
