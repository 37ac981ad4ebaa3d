"""Pinyin keys for finding a person by name: full ("zhangsan") and initials ("zs")."""

from functools import lru_cache
from itertools import chain

from pypinyin import Style
from pypinyin.converter import DefaultConverter
from pypinyin.core import Pinyin

# What pypinyin.lazy_pinyin() does, in its two steps: cut the text into words (phrases from its
# dictionary, single characters, runs of non-Chinese text), then convert each word. Cutting
# once and converting each word to both styles gives the same keys as two lazy_pinyin() calls
# (tests/registry/test_pinyin.py compares them), at a tenth of the cost: names are made of few
# distinct words (surnames, common given names, single characters), so the conversions are
# memoised per word — a small cache, unlike one per name.
_CONVERTER = DefaultConverter()
_SEG = Pinyin(_CONVERTER).seg


@lru_cache(maxsize=50_000)
def _word_keys(word: str) -> tuple[str, str]:
    convert = _CONVERTER.convert
    full = "".join(chain(*convert(word, Style.NORMAL, False, "default", True)))
    initials = "".join(chain(*convert(word, Style.FIRST_LETTER, False, "default", True)))
    return full, initials


def name_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lower-case ASCII without spaces or tones. Polyphonic characters
    take pypinyin's most common reading; non-Chinese characters are kept as they are."""
    name = (name or "").strip()
    if not name:
        return "", ""
    keys = [_word_keys(word) for word in _SEG(name)]
    full = "".join([k[0] for k in keys]).lower().replace(" ", "")
    initials = "".join([k[1] for k in keys]).lower().replace(" ", "")
    return full[:200], initials[:50]
