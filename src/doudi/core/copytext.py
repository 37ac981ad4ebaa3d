"""PostgreSQL's COPY text format, written by bulk writers themselves.

A writer that formats its rows here, in the thread that builds them, hands the driver one block
of text per batch (`cursor.copy(...).write(text)`): the thread that sends it then holds the GIL
only briefly, so it keeps the database busy while Python builds the next batch
(registry/ledger/write.py's _Writer; docs/performance.md). Format: fields separated by tabs, rows by
newlines, NULL as \\N, and backslash, tab, newline and carriage return escaped with a backslash
(PostgreSQL manual, COPY, "Text Format"). tests/core/test_copytext.py writes awkward values
through COPY and reads them back.
"""

from __future__ import annotations

import datetime as dt
import re

_SPECIAL = re.compile(r"[\\\t\n\r]")
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
NULL = "\\N"


def _escape(match: re.Match) -> str:
    return _ESCAPES[match.group()]


def text(value: str) -> str:
    """A string as a COPY field."""
    return _SPECIAL.sub(_escape, value) if _SPECIAL.search(value) else value


def json_text(value: str) -> str:
    """JSON text as a COPY field: JSON escapes control characters itself, so only its
    backslashes need doubling."""
    return value.replace("\\", "\\\\") if "\\" in value else value


def value(v) -> str:
    """Any plain value as a COPY field (str, None, bool, int, date, datetime; anything else by
    its str())."""
    kind = type(v)
    if kind is str:
        return _SPECIAL.sub(_escape, v) if _SPECIAL.search(v) else v
    if v is None:
        return NULL
    if kind is int:
        return int.__repr__(v)
    if kind is bool:
        return "t" if v else "f"
    if kind is dt.date or kind is dt.datetime:
        return v.isoformat()
    return text(str(v))


def line(values) -> str:
    """One row, newline included."""
    return "\t".join(map(value, values)) + "\n"
