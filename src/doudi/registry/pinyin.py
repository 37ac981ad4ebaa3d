"""Pinyin keys for finding a person by name: full ("zhangsan") and initials ("zs").

A name begins with its surname, and a polyphonic character read as a surname has its own reading
(单 shan, 曾 zeng, 解 xie, 仇 qiu): a clerk who types "shan" for 单雄信 must find him. pypinyin
(0.55) has no surname mode — its styles change how a reading is written, not which reading is
taken — so the surname readings are a table here (SURNAMES, compound surnames first), from the
《百家姓》 readings as 《现代汉语词典》 gives them for surnames. The given name keeps pypinyin's
reading except for the few characters whose reading in given names differs from the common one
(GIVEN_NAME: 长 in 刘长林 is chang, not zhang).
"""

from functools import cache, lru_cache
from itertools import chain

# What pypinyin.lazy_pinyin() does, in its two steps: cut the text into words (phrases from its
# dictionary, single characters, runs of non-Chinese text), then convert each word. Cutting
# once and converting each word to both styles gives the same keys as two lazy_pinyin() calls
# (tests/registry/test_pinyin.py compares them), at a tenth of the cost: names are made of few
# distinct words (surnames, common given names, single characters), so the conversions are
# memoised per word — a small cache, unlike one per name.
#
# pypinyin is imported on first use, not with this module: its phrase dictionary takes ~0.25 s
# to load, which every process would otherwise pay at start-up; the ledger import loads it
# while the spreadsheet is being read (warm()).


@cache
def _engine():
    from pypinyin import Style
    from pypinyin.converter import DefaultConverter
    from pypinyin.core import Pinyin

    converter = DefaultConverter()
    return Pinyin(converter).seg, converter.convert, Style.NORMAL, Style.FIRST_LETTER


def warm() -> None:
    """Load pypinyin now (e.g. while another thread does I/O)."""
    _engine()


# Compound surnames (复姓) whose reading differs from pypinyin's, or whose characters are
# polyphonic; checked before the single ones.
COMPOUND_SURNAMES = {
    "长孙": ("zhangsun", "zs"),
    "尉迟": ("yuchi", "yc"),
    "万俟": ("moqi", "mq"),
    "单于": ("chanyu", "cy"),
    "澹台": ("tantai", "tt"),
    "令狐": ("linghu", "lh"),
    "宇文": ("yuwen", "yw"),
    "欧阳": ("ouyang", "oy"),
    "皇甫": ("huangfu", "hf"),
    "上官": ("shangguan", "sg"),
    "司马": ("sima", "sm"),
    "诸葛": ("zhuge", "zg"),
    "东方": ("dongfang", "df"),
    "夏侯": ("xiahou", "xh"),
    "公孙": ("gongsun", "gs"),
    "慕容": ("murong", "mr"),
}

# Single surnames read otherwise than (or not always as) the character's most common reading.
SURNAMES = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "查": "zha",
    "区": "ou",
    "盖": "ge",
    "乐": "yue",
    "覃": "qin",
    "尉": "wei",
    "缪": "miao",
    "翟": "zhai",
    "召": "shao",
    "种": "chong",
    "秘": "bi",
    "折": "she",
    "黑": "he",
    "繁": "po",
    "句": "gou",
    "员": "yun",
    "华": "hua",
    "任": "ren",
    "燕": "yan",
    "纪": "ji",
    "宁": "ning",
    "过": "guo",
    "冼": "xian",
    "洗": "xian",
    "谌": "shen",
    "祭": "zhai",
    "眭": "sui",
    "隗": "wei",
    "郇": "huan",
    "逄": "pang",
    "訾": "zi",
    "阚": "kan",
    "莘": "shen",
    "车": "che",
    "沈": "shen",
    "石": "shi",
    "薄": "bo",
    "柏": "bai",
    "贲": "ben",
    "费": "fei",
    "重": "chong",
    "传": "chuan",
    "乜": "nie",
    "蕃": "pi",
    "幺": "yao",
    "万": "wan",
    "长": "chang",
    "藏": "zang",
    "卜": "bu",
    "都": "du",
    "那": "na",
    "参": "can",
    "角": "jue",
    "能": "nai",
    "朝": "chao",
    "臧": "zang",
}

# Characters of a given name read otherwise than their most common reading.
GIVEN_NAME = {"长": "chang"}


def _surname(name: str) -> tuple[str, str, str] | None:
    """(the surname, its full reading, its initials) when the name starts with one of the
    tables' surnames, else None."""
    head = COMPOUND_SURNAMES.get(name[:2])
    if head:
        return name[:2], *head
    reading = SURNAMES.get(name[0])
    if reading and len(name) > 1:
        return name[0], reading, reading[0]
    return None


@lru_cache(maxsize=50_000)
def _word_keys(word: str) -> tuple[str, str]:
    _seg, convert, normal, first_letter = _engine()
    full = "".join(chain(*convert(word, normal, False, "default", True)))
    initials = "".join(chain(*convert(word, first_letter, False, "default", True)))
    return full, initials


def _given_keys(word: str) -> tuple[str, str]:
    if word in GIVEN_NAME:
        return GIVEN_NAME[word], GIVEN_NAME[word][0]
    return _word_keys(word)


def name_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lower-case ASCII without spaces or tones. The surname reads as
    a surname (SURNAMES); other polyphonic characters take pypinyin's most common reading, those
    of GIVEN_NAME their given-name one; non-Chinese characters are kept as they are.
    A one-character name is read as a word, not as a surname."""
    name = (name or "").strip()
    if not name:
        return "", ""
    keys = []
    surname = _surname(name)
    if surname:
        keys.append(surname[1:])
        name = name[len(surname[0]) :]
    keys += [_given_keys(word) for word in _engine()[0](name)] if name else []
    full = "".join([k[0] for k in keys]).lower().replace(" ", "")
    initials = "".join([k[1] for k in keys]).lower().replace(" ", "")
    return full[:200], initials[:50]
