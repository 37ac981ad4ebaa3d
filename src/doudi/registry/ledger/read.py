"""Reading a ledger file: each cell's reader (text, codes Excel may have turned into numbers,
choices, grades, dates), the row parser (_Parser: one row → the values of the columns the file
has, the ID number and every problem, in Chinese), the header (one or two rows, a merged group
title above), the villages a file may name (the importer's area), and the reader thread
(_read_ahead). Nothing here writes to the database.
"""

from __future__ import annotations

import datetime as dt
import itertools
import queue
import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from doudi.core.models import Region
from doudi.core.scope import in_scope, scoped, user_prefix
from doudi.core.tabular import CellError, TableError, cell_date, cell_text, map_columns, normalize_header

from .. import idcard
from ..models import PersonStatus
from .columns import (
    _CHOICE_PARSERS,
    _DATE_HELP,
    _DEFAULTED,
    _GRADE_INPUT,
    _KNOWN_HEADERS,
    _SPEC,
    COLUMN_BY_KEY,
    COLUMNS,
    STATUS_LABELS,
    Column,
    _choice_key,
)

# ---- cells ------------------------------------------------------------------------------------


class _RowError(Exception):
    def __init__(self, column: str, message: str):
        self.column, self.message = column, message


def _text(value) -> str:
    """Free text as written: no NFKC here, so that “，” and “（东）” survive a round trip."""
    if value is None:
        return ""
    if type(value) is str:
        return value.strip()
    return cell_text(value)


_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
_PHONE = re.compile(r"^[0-9+\-()/、,;转 ]*$")


def _number_lost_message(label: str) -> str:
    return (
        f"{label}被 Excel 存成了数字，后几位已丢失，无法识别。请把“{label}”列设置为“文本”格式，再重新输入号码"
    )


def _long_code(value, label: str) -> str:
    """ID-like text that Excel may have turned into a float (15 significant digits)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= 1e15:
        raise CellError(_number_lost_message(label))
    text = cell_text(value).lstrip("'")
    if _SCIENTIFIC.match(text):
        raise CellError(_number_lost_message(label))
    return text


_VILLAGE_SUFFIXES = ("村民委员会", "居民委员会", "委员会", "村委会", "居委会")


def _village_key(name: str) -> str:
    """Compare village names loosely: “东山村”, “东山村委会” and “东山村村民委员会” are one."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))
    for suffix in _VILLAGE_SUFFIXES:
        if s.endswith(suffix) and len(s) > len(suffix):
            s = s[: -len(suffix)]
            break
    if s.endswith("村") and len(s) > 1:
        s = s[:-1]
    return s


@dataclass
class _Village:
    code: str
    name: str
    is_active: bool


def _text_reader(column: Column, read=_text):
    header, limit, required = column.header, column.max_length, column.required

    def reader(raw):
        text = read(raw)
        if required and not text:
            raise CellError(f"{header}不能为空")
        if limit and len(text) > limit:
            raise CellError(f"{header}不能超过{limit}个字，实际为{len(text)}个字")
        return text

    return reader


def _read_phone(raw) -> str:
    text = cell_text(raw)
    if not _PHONE.match(text):
        raise CellError(f"联系电话“{text}”含有无效字符，只能填写数字、空格、-、()，多个号码用、分隔")
    return text


def _read_date(raw):
    kind = type(raw)
    if kind is dt.date:
        return raw
    if kind is dt.datetime:
        return raw.date()
    try:
        return cell_date(raw)
    except CellError as exc:
        raise CellError(f"{exc}。{_DATE_HELP}") from None


def _choice_reader(column: Column):
    accepted = {k: str(v) for k, v in _CHOICE_PARSERS[column.key].items()}
    exact = {label: str(value) for value, label in column.values.items()}  # the common case
    blank = _KEEP if column.key in _DEFAULTED else ""
    allowed = "、".join(column.values.values())

    def reader(raw):
        if type(raw) is str:
            value = exact.get(raw)
            if value is not None:
                return value
        text = cell_text(raw)
        if not text:
            return blank
        value = accepted.get(_choice_key(text))
        if value is None:
            raise CellError(f"“{text}”不是有效的{column.header}，可填：{allowed}")
        return value

    return reader


def _read_grade(raw):
    if isinstance(raw, int | float) and not isinstance(raw, bool) and raw in (1, 2, 3, 4):
        return int(raw)
    text = cell_text(raw)
    if not text:
        return None
    value = _GRADE_INPUT.get(_choice_key(text))
    if value is None:
        raise CellError(f"“{text}”不是有效的残疾等级，可填：一级、二级、三级、四级（或1、2、3、4）")
    return value


def _read_certificate(raw) -> str:
    """The disability certificate number; a masked one (from an export without full ID numbers)
    is refused, as _Parser.id_number refuses a masked ID number, rather than stored with stars."""
    text = _long_code(raw, "残疾证号")
    if "*" in text:
        raise CellError(
            "残疾证号已做脱敏处理（含*号），无法导入。请使用完整的残疾证号（导出时勾选“完整身份证号”）"
        )
    return text


def _reader(column: Column):
    if column.key == "disability_certificate":
        return _text_reader(column, _read_certificate)
    if column.kind == "date":
        return _read_date
    if column.kind == "choice":
        return _choice_reader(column)
    if column.kind == "grade":
        return _read_grade
    if column.kind == "phone":
        return _text_reader(column, _read_phone)
    if column.kind == "code":
        return _text_reader(column, lambda raw: _long_code(raw, column.header))
    return _text_reader(column)


class _Parser:
    """Turns one row into ({attname: value} for the columns the file has, the parsed ID number,
    [(column, message)]). Each column's reader is chosen once, not per cell."""

    def __init__(self, headers, cmap, villages: dict[str, _Village], today: dt.date):
        self.index = cmap.index
        self.col = {k: headers[i] for k, i in cmap.index.items()}
        self.villages = villages
        self.today = today
        by_name: dict[str, list[_Village]] = {}
        for v in villages.values():
            by_name.setdefault(_village_key(v.name), []).append(v)
        self.by_name = by_name
        self.id_index = cmap.index["id_number"]
        self.steps = [
            (key, i, _reader(COLUMN_BY_KEY[key]), self.column(key))
            for key, i in cmap.index.items()
            if key != "id_number" and not key.startswith("village_")
        ]
        self.code_index = cmap.index.get("village_code")
        self.name_index = cmap.index.get("village_name")
        self.has_village = self.code_index is not None or self.name_index is not None

    def column(self, key: str) -> str:
        return self.col.get(key) or COLUMN_BY_KEY[key].header

    def parse(self, values: list):
        out: dict = {}
        errors: list[tuple[str, str]] = []
        width = len(values)
        ident = None
        try:
            ident = self.id_number(values[self.id_index] if self.id_index < width else None)
            out["id_number"] = ident.number
        except CellError as exc:
            errors.append((self.column("id_number"), str(exc)))
        for key, i, read, column in self.steps:
            try:
                value = read(values[i] if i < width else None)
            except CellError as exc:
                errors.append((column, str(exc)))
                continue
            if value is not _KEEP:
                out[key] = value
        if self.has_village:
            try:
                out["village_id"] = self.village(values, width)
            except _RowError as exc:
                errors.append((exc.column, exc.message))
        if not errors:
            self.consistency(out, ident, errors)
        return out, ident, errors

    def id_number(self, raw) -> idcard.IdNumber:
        text = _long_code(raw, "身份证号")
        if "*" in text:
            raise CellError(
                "身份证号已做脱敏处理（含*号），无法导入。请使用完整的身份证号（导出时勾选“完整身份证号”）"
            )
        try:
            return idcard.parse_id_number(text, today=self.today)
        except idcard.InvalidIdNumber as exc:
            raise CellError(str(exc)) from None

    def village(self, values, width) -> str:
        code = name = ""
        if self.code_index is not None and self.code_index < width:
            code = cell_text(values[self.code_index])
        if self.name_index is not None and self.name_index < width:
            name = _text(values[self.name_index])
        if code:
            village = self.villages.get(code)
            if village is None:
                if not (len(code) == 12 and code.isdigit()):
                    raise _RowError(self.column("village_code"), f"村(居)区划代码“{code}”应为12位数字")
                raise _RowError(
                    self.column("village_code"), f"村(居)区划代码 {code} 不存在，或不在您的管辖范围内"
                )
            if name and name != village.name and _village_key(name) != _village_key(village.name):
                raise _RowError(
                    self.column("village_name"),
                    f"村(居)委会“{name}”与区划代码 {code}（{village.name}）不一致，请核对",
                )
            return village.code
        if name:
            found = self.by_name.get(_village_key(name), [])
            if len(found) == 1:
                return found[0].code
            if not found:
                raise _RowError(
                    self.column("village_name"),
                    f"在您的管辖范围内找不到村(居)委会“{name}”，请填写村(居)区划代码",
                )
            raise _RowError(
                self.column("village_name"),
                f"您的管辖范围内有{len(found)}个名为“{name}”的村(居)委会，请填写村(居)区划代码",
            )
        column = self.column("village_code" if self.code_index is not None else "village_name")
        raise _RowError(
            column, "村(居)区划代码和村(居)委会不能都为空（如使用了合并单元格，请取消合并并在每一行填写）"
        )

    def consistency(self, out: dict, ident, errors: list) -> None:
        birth = ident.birth_date
        applied, since, until = out.get("applied_on"), out.get("supported_since"), out.get("terminated_on")
        for key, day in (("applied_on", applied), ("supported_since", since), ("terminated_on", until)):
            if day and day < birth:
                errors.append(
                    (self.column(key), f"{COLUMN_BY_KEY[key].header}早于出生日期（{birth.isoformat()}）")
                )
        if applied and applied > self.today:
            errors.append((self.column("applied_on"), f"申请日期“{applied.isoformat()}”晚于今天"))
        if since and until and until < since:
            errors.append((self.column("terminated_on"), "终止日期早于供养开始日期"))
        status = out.get("status")
        if until and status is not None and status != PersonStatus.TERMINATED:
            errors.append(
                (self.column("status"), f"填写了终止日期，状态应为“已终止”，实际为“{STATUS_LABELS[status]}”")
            )
        if out.get("disability_grade") and "disability_kind" in out and not out["disability_kind"]:
            errors.append((self.column("disability_kind"), "填写了残疾等级，但未填写残疾类别"))
        if out.get("disability_kind") and "disability_grade" in out and not out["disability_grade"]:
            errors.append((self.column("disability_grade"), "填写了残疾类别，但未填写残疾等级"))
        if applied and since and since < applied:
            errors.append((self.column("supported_since"), "供养开始日期早于申请日期"))


_KEEP = object()  # a blank cell that leaves the stored value alone


# ---- the header -------------------------------------------------------------------------------


def _header(table) -> tuple[list[str], object, Iterator[tuple[int, list]]]:
    """Find the header: the table's header row, continued by the next rows while the required
    columns are missing (a merged group title above the column names), and by a following
    row of column names (two-row headers where a merged cell spans a group of columns)."""
    headers, rows = list(table.headers), table.rows
    required = [c.key for c in COLUMNS if c.required]
    first_error = None
    for _attempt in range(6):
        try:
            cmap = map_columns(headers, _SPEC, required=required)
            break
        except TableError as exc:
            first_error = first_error or exc
            nxt = next(rows, None)
            if nxt is None:
                raise first_error from None
            headers = _combine(headers, nxt[1])
    else:
        raise first_error
    peek = next(rows, None)
    if peek is not None:
        known = sum(1 for v in peek[1] if isinstance(v, str) and normalize_header(v) in _KNOWN_HEADERS)
        if known >= 2:
            headers = _combine(headers, peek[1])
            cmap = map_columns(headers, _SPEC, required=required)
        else:
            rows = itertools.chain([peek], rows)
    if "village_code" not in cmap.index and "village_name" not in cmap.index:
        raise TableError("缺少必填列：“村(居)区划代码”（或“村(居)委会”）。请使用系统提供的模板。")
    return headers, cmap, rows


def _combine(top: list, below: list) -> list[str]:
    n = max(len(top), len(below))
    out = []
    for i in range(n):
        lower = cell_text(below[i]) if i < len(below) else ""
        upper = top[i] if i < len(top) else ""
        out.append(lower or upper or "")
    return out


# ---- the area a file may touch ----------------------------------------------------------------


def _scope_prefix(actor, region: Region | None) -> str:
    if region is not None:
        if actor is not None and not in_scope(actor, region.code):
            raise PermissionDenied(_("This region is outside your area."))
        return region.prefix
    if actor is None:
        return ""
    prefix = user_prefix(actor)
    if prefix is None:
        raise PermissionDenied(_("Your account is not bound to a region."))
    return prefix


def _villages(actor, prefix: str) -> dict[str, _Village]:
    """The villages a file may name: the actor's area (through scoped()), narrowed to `prefix`."""
    qs = scoped(Region, actor) if actor is not None else Region.objects.all()
    qs = qs.filter(level=Region.Level.VILLAGE, code__startswith=prefix)
    return {
        code: _Village(code, name, active)
        for code, name, active in qs.values_list("code", "name", "is_active")
    }


# ---- the reader thread ------------------------------------------------------------------------


def _read_ahead(items: Iterator, depth: int = 2) -> Iterator:
    """Iterate `items` in a thread of its own, up to `depth` items ahead of the caller.

    The import reads and checks rows (Python work) while the caller waits for the database to
    write the previous batch (the database adapters release the GIL while they wait), so the
    two overlap instead of taking turns (docs/performance.md). The thread touches no database
    connection. An exception in it is raised here; when the caller stops early, the thread is
    told to stop and is waited for."""
    queue_: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                queue_.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work():
        try:
            for item in items:
                if not put((item, None)):
                    return
            put((done, None))
        except BaseException as exc:  # handed to the caller, raised there
            put((done, exc))

    thread = threading.Thread(target=work, name="ledger-reader", daemon=True)
    thread.start()
    try:
        while True:
            item, error = queue_.get()
            if item is done:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()
        thread.join()
