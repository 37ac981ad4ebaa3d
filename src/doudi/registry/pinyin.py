"""Pinyin keys for finding a person by name: full ("zhangsan") and initials ("zs")."""

from pypinyin import Style, lazy_pinyin


def name_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lower-case ASCII without spaces or tones. Polyphonic characters
    take pypinyin's most common reading; non-Chinese characters are kept as they are."""
    name = (name or "").strip()
    full = "".join(lazy_pinyin(name, errors="default")).lower().replace(" ", "")
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")).lower().replace(" ", "")
    return full[:200], initials[:50]
