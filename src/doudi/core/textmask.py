"""Personal numbers typed into free text (visit notes, reasons, comments) masked for display.

Clerks write "联系其女儿13912345678" or paste an ID number into a note; the text is stored as
typed (it is the record), and every page shows it through `mask_numbers()`, as ID numbers are
shown masked everywhere else (DESIGN.md promise 4). Pure: no Django.

- ID numbers (GB 11643-1999): 18 characters with a real birth date (1880–2099) and a right
  ISO 7064 MOD 11-2 check character, so an 18-digit reference number is not taken for one →
  first 6 and last 4 kept, as `registry.idcard.mask_id_number` shows them.
- Mobile numbers (11 digits, 1[3-9]…) → 139****5678; landlines with an area code
  (0xx-xxxxxxxx) → 0571-****4567.
Digits touching other digits or letters are left alone (a longer number is something else).
"""

import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID = re.compile(
    r"(?<![0-9A-Za-z])([1-9]\d{5})((?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(\d{3}[0-9Xx])(?![0-9A-Za-z])"
)
_MOBILE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?![0-9A-Za-z])")
_LANDLINE = re.compile(r"(?<![0-9A-Za-z])(0\d{2,3})-(\d{3,4})(\d{4})(?![0-9A-Za-z])")
_BIRTH = re.compile(r"^(\d{4})-(\d{2}|\*\*)-(\d{2}|\*\*)$")


def _check_ok(number: str) -> bool:
    total = sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == number[17].upper()


def _id(match: re.Match) -> str:
    number = match.group(0)
    if not _check_ok(number):
        return number
    return number[:6] + "*" * 8 + number[-4:]


def mask_numbers(text):
    """`text` with every ID, mobile and landline number in it masked; other values unchanged."""
    if type(text) is not str or len(text) < 11 or not any(c.isdigit() for c in text):
        return text
    text = _ID.sub(_id, text)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return _LANDLINE.sub(lambda m: f"{m.group(1)}-{'*' * len(m.group(2))}{m.group(3)}", text)


def mask_birth_date(value) -> str:
    """A birth date kept beside a masked ID number would give back the eight digits the mask
    hides; shown with its year only: 1949-12-31 → 1949-**-**. Idempotent; anything that is not
    a date is masked whole."""
    text = str(value or "")
    m = _BIRTH.match(text)
    if m:
        return f"{m.group(1)}-**-**"
    return "*" * len(text)
