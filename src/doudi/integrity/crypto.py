"""Secrets of a report: the receipt (only its slow hash is stored) and the reporter's identity
(encrypted with Fernet; the keys come from DOUDI_REPORT_KEY, see docs/integrity.md for rotation).

The receipt is 16 random digits (≈53 bits) from `secrets`. It is stored as an scrypt hash with a
site-wide salt, as GlobaLeaks does: a per-report salt would force a slow hash of every report on
each look-up. scrypt (n=2**14, r=8: 16 MiB, some tens of milliseconds) makes each guess expensive
even for someone holding the database; the throttle in throttle.py limits guesses online.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

RECEIPT_DIGITS = 16


def new_receipt() -> str:
    number = f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"
    return " ".join(number[i : i + 4] for i in range(0, RECEIPT_DIGITS, 4))


def normalise_receipt(text: str) -> str | None:
    """The 16 digits of a receipt as typed (spaces and dashes allowed), or None."""
    digits = re.sub(r"[\s\-]", "", text or "")
    return digits if re.fullmatch(rf"\d{{{RECEIPT_DIGITS}}}", digits) else None


def _salt() -> bytes:
    return hashlib.sha256(b"doudi-receipt:" + settings.DOUDI_RECEIPT_SALT.encode()).digest()


def receipt_hash(receipt: str) -> str:
    digits = normalise_receipt(receipt)
    if digits is None:
        raise ValueError("not a receipt")
    return hashlib.scrypt(digits.encode(), salt=_salt(), n=2**14, r=8, p=1, dklen=32).hex()


def _fernet() -> MultiFernet:
    keys = [k.strip() for k in (getattr(settings, "DOUDI_REPORT_KEY", "") or "").split(",") if k.strip()]
    if not keys:
        raise ImproperlyConfigured("DOUDI_REPORT_KEY is not set: reporters' identities cannot be encrypted.")
    return MultiFernet([Fernet(k) for k in keys])


def encrypt_identity(name: str, contact: str) -> bytes:
    return _fernet().encrypt(json.dumps({"name": name, "contact": contact}, ensure_ascii=False).encode())


def decrypt_identity(token: bytes) -> dict:
    try:
        return json.loads(_fernet().decrypt(bytes(token)))
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "The report key does not decrypt this identity (was a key removed?)."
        ) from exc


def rotate_identity(token: bytes) -> bytes:
    """Re-encrypt with the first (newest) key of DOUDI_REPORT_KEY."""
    return _fernet().rotate(bytes(token))
