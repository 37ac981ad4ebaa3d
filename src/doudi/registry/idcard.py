"""公民身份号码 (GB 11643-1999) — parsing and masking. Pure: no Django imports.

18 characters: 6-digit address code (GB/T 2260) + birth date YYYYMMDD + 3-digit sequence
(odd = male, even = female) + check character (ISO 7064 MOD 11-2): S = Σ dᵢ·wᵢ over the first 17
digits with weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2; check = "10X98765432"[S mod 11].
Input may have spaces, full-width digits and a lower-case x; it is stored upper-case.
Birth date and sex are derived from the number and never typed twice.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from operator import mul
from typing import NamedTuple

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_ZERO_WEIGHT = ord("0") * sum(WEIGHTS)


class InvalidIdNumber(ValueError):
    """The text is not a valid 18-character citizen ID number; the message says why, in Chinese."""


class IdNumber(NamedTuple):  # immutable, and cheap to make (imports parse 100,000 at a time)
    number: str
    region_code: str
    birth_date: dt.date
    sex: str  # "M" or "F"

    @property
    def masked(self) -> str:
        return mask_id_number(self.number)


def normalize(text: str) -> str:
    """Full-width → half-width, spaces removed, x → X."""
    if type(text) is str and text.isascii() and text.isalnum():  # the usual case, 18 plain characters
        return text.upper()
    s = unicodedata.normalize("NFKC", str(text or ""))
    return "".join(s.split()).upper()


def check_character(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits (GB 11643-1999 §5.2)."""
    if len(first17) != len(WEIGHTS) or not (first17.isdigit() and first17.isascii()):
        raise ValueError("17 digits expected")
    # Σ (code point − 48)·wᵢ over the ASCII digits, without parsing each one
    total = sum(map(mul, first17.encode(), WEIGHTS)) - _ZERO_WEIGHT
    return CHECK_CHARS[total % 11]


def parse_id_number(text: str, *, today: dt.date | None = None) -> IdNumber:
    """Validate a citizen ID number (GB 11643-1999) and derive birth date and sex.

    Raises InvalidIdNumber naming what is wrong: length, characters, date, or check character.
    """
    number = normalize(text)
    if not number:
        raise InvalidIdNumber("身份证号不能为空")
    if len(number) != 18:
        raise InvalidIdNumber(f"身份证号应为18位，实际为{len(number)}位")
    if not number[:17].isdigit() or not number[:17].isascii():
        raise InvalidIdNumber("身份证号前17位只能是数字")
    if not (number[17].isdigit() or number[17] == "X") or not number[17].isascii():
        raise InvalidIdNumber("身份证号最后一位只能是数字或X")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidIdNumber(f"身份证号中的出生日期“{number[6:14]}”不存在") from None
    today = today or dt.date.today()
    if birth > today:
        raise InvalidIdNumber(f"身份证号中的出生日期“{birth.isoformat()}”晚于今天")
    if birth.year < 1880:
        raise InvalidIdNumber(f"身份证号中的出生日期“{birth.isoformat()}”不合理")
    expected = check_character(number[:17])
    if number[17] != expected:
        raise InvalidIdNumber(
            f"身份证号校验位错误：最后一位应为“{expected}”，实际为“{number[17]}”，请核对号码"
        )
    return IdNumber(
        number=number,
        region_code=number[:6],
        birth_date=birth,
        sex="M" if int(number[16]) % 2 == 1 else "F",
    )


def mask_id_number(number: str) -> str:
    """Show the first 6 and last 4 characters: 110105********002X (DESIGN.md promise 4)."""
    number = number or ""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_reversed_id(text: str) -> str:
    """The reversed ID number (models.reversed_id, the "last digits" search key) masked as the
    number itself is: an old merge entry keeps it in its merged-away record."""
    return mask_id_number((text or "")[::-1])[::-1]


_ID_LAST = frozenset("0123456789Xx")
_CERT_SUFFIX_MAX = 4  # category + grade digits, and room for a reissue mark such as "B1"


def mask_certificate_number(text: str) -> str:
    """Mask a disability certificate number (残疾人证号) wherever an ID number is masked.

    The second-generation certificate number is the holder's 18-character ID number followed
    by the disability category and grade digits, so showing it whole would show the ID number
    (DESIGN.md promise 4). The ID part is masked as mask_id_number() masks it; the short tail
    after it (category and grade) stays: 110105********002X42. Anything else keeps only its
    last 4 characters, or nothing when shorter than 10.

    Idempotent — a masked number masks to itself — so masking what may already be masked (an
    audit entry written before certificates were masked, or after) is safe. Cheap: no regex;
    imports call it once per new person.
    """
    text = text or ""
    n = len(text)
    if 18 <= n <= 18 + _CERT_SUFFIX_MAX:
        head, tail = text[:18], text[18:]
        middle = head[6:14]  # the birth date, or the stars that masked it
        if (
            head.isascii()
            and head[:6].isdigit()
            and head[14:17].isdigit()
            and head[17] in _ID_LAST
            and (middle.isdigit() or middle == "********")
            and (not tail or (tail.isascii() and tail.isalnum()))
        ):
            return mask_id_number(head) + tail
    if n < 10:
        return "*" * n
    return "*" * (n - 4) + text[-4:]


def make_id_number(region_code: str, birth_date: dt.date, sequence: int) -> str:
    """Build a valid number (for demo data and tests): sequence 0–999, odd = male."""
    first17 = f"{region_code[:6]}{birth_date:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_character(first17)
