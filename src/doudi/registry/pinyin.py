"""Pinyin keys for finding a person by name: full ("zhangsan") and initials ("zs")."""

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


@lru_cache(maxsize=50_000)
def _word_keys(word: str) -> tuple[str, str]:
    _seg, convert, normal, first_letter = _engine()
    full = "".join(chain(*convert(word, normal, False, "default", True)))
    initials = "".join(chain(*convert(word, first_letter, False, "default", True)))
    return full, initials


def name_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lower-case ASCII without spaces or tones. Polyphonic characters
    take pypinyin's most common reading; non-Chinese characters are kept as they are."""
    name = (name or "").strip()
    if not name:
        return "", ""
    keys = [_word_keys(word) for word in _engine()[0](name)]
    full = "".join([k[0] for k in keys]).lower().replace(" ", "")
    initials = "".join([k[1] for k in keys]).lower().replace(" ", "")
    return full[:200], initials[:50]
