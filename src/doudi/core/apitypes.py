"""Bounded integers for API parameters and bodies, declared in the OpenAPI document.

An id, a filter or an offset outside what the database can compare (SQLite's integers end at
2**63 - 1) or outside what slicing accepts (negative offsets) is refused with 422 and the API's
Chinese message (`doudi.api.request_invalid`) before any query, instead of a 500.
"""

from contextlib import contextmanager
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Schema
from ninja.errors import HttpError
from pydantic import Field

DB_INT_MAX = 2**63 - 1  # BigAutoField and SQLite INTEGER
OFFSET_MAX = 2**31 - 1

Id = Annotated[int, Field(ge=1, le=DB_INT_MAX)]
Offset = Annotated[int, Field(ge=0, le=OFFSET_MAX)]
# `limit` is clamped to 1..LIMIT_MAX by page(); this bound only keeps it a number.
Limit = Annotated[int, Field(ge=-OFFSET_MAX, le=OFFSET_MAX)]
SmallInt = Annotated[int, Field(ge=-32768, le=32767)]  # levels, grades
Year = Annotated[int, Field(ge=1, le=9999)]  # a year a date can have (a `__year` lookup builds dates)
PAGE_MAX = OFFSET_MAX // 1000  # page × page size stays a sliceable offset
LIMIT_MAX = 500  # the most rows one call of a list endpoint returns


class RequestIssue(Schema):
    """One of pydantic's findings on a malformed request (`doudi.api.request_invalid`): part of
    every endpoint's declared 422 answer, beside the endpoint's own errors."""

    type: str
    loc: list[str | int]
    msg: str


@contextmanager
def service_errors():
    """Inside an endpoint, a service's refusal as the API's answer: a ValidationError is a 422 with
    its messages joined by "；", a PermissionDenied a 403 with its message."""
    try:
        yield
    except ValidationError as exc:
        raise HttpError(422, "；".join(exc.messages)) from exc
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "您的角色无权进行此操作。") from exc


def service_call(fn, **kwargs):
    """fn(**kwargs) with service_errors()."""
    with service_errors():
        return fn(**kwargs)


def page(qs, offset: int, limit: int) -> list:
    """One page of a list endpoint's rows, after its filters: `limit` clamped to 1..LIMIT_MAX (a
    number outside is no error, as it never was), from `offset` (an `Offset`, so never negative;
    a negative one given from Python counts as 0). A list, which the endpoint returns as its
    `list[...Out]` response."""
    offset = max(0, offset)
    return list(qs[offset : offset + max(1, min(limit, LIMIT_MAX))])
