"""Reading uploaded tables (.xlsx via python-calamine, .csv) and writing .xlsx (xlsxwriter).

Offices fill templates in Excel or WPS, so headers arrive with stray spaces, full-width brackets
and line breaks, merged title cells, and dates as serial numbers or in several text forms.
Everything here turns those into plain values or a TableError whose message (in Chinese) says
what is wrong, so the importer can report it with the row and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter
from python_calamine import CalamineError, CalamineWorkbook


class TableError(ValueError):
    """The file as a whole cannot be read (not a spreadsheet, empty, missing columns)."""


class CellError(ValueError):
    """One cell's value is unusable; the importer adds row and column."""


def normalize_header(text) -> str:
    """Compare headers loosely: NFKC (full-width → half-width), no spaces, no line breaks,
    and any bracketed remark removed, so “身份证号（18位）” matches “身份证号”."""
    s = unicodedata.normalize("NFKC", str(text or ""))
    s = re.sub(r"\s+", "", s)
    s = re.sub(r"[\(\[【].*?[\)\]】]", "", s)
    s = s.replace("*", "")
    return s.lower()


@dataclass
class Table:
    headers: list[str]  # as written in the file
    rows: Iterator[tuple[int, list]]  # (1-based row number in the sheet, cell values)
    header_row: int = 1
    total_rows: int | None = None  # data rows, when known without reading them all


@dataclass
class ColumnMap:
    """Which file column holds each known field; unknown columns are reported, not fatal."""

    index: dict[str, int] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)  # the file's headers, as written
    labels: dict[str, str] = field(default_factory=dict)  # field → the template's header

    def get(self, values: list, key: str):
        """The cell of `key` in a row, or None when the file has no such column."""
        i = self.index.get(key)
        return values[i] if i is not None and i < len(values) else None

    def column(self, key: str) -> str:
        """The column name to show in an error: as written in the file, else the template's."""
        i = self.index.get(key)
        return self.headers[i] if i is not None else self.labels.get(key, key)


def map_columns(headers: list[str], spec: dict[str, Iterable[str]], required: Iterable[str]) -> ColumnMap:
    """spec: field → accepted header names. Raises TableError naming missing required columns."""
    lookup = {}
    for name, aliases in spec.items():
        for alias in aliases:
            lookup[normalize_header(alias)] = name
    cmap = ColumnMap(headers=list(headers), labels={k: next(iter(v)) for k, v in spec.items()})
    for i, h in enumerate(headers):
        key = normalize_header(h)
        if not key:
            continue
        name = lookup.get(key)
        if name and name not in cmap.index:
            cmap.index[name] = i
        elif not name:
            cmap.unknown.append(str(h).strip())
    missing = [f for f in required if f not in cmap.index]
    if missing:
        wanted = "、".join(f"“{next(iter(spec[f]))}”" for f in missing)
        raise TableError(f"缺少必填列：{wanted}。请使用系统提供的模板。")
    return cmap


def _is_blank(row) -> bool:
    if row:  # most rows: the first cell alone shows the row is not blank
        first = row[0]
        if first is not None and (type(first) is not str or not first.isspace() and first):
            return False
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def open_table(path: str | Path, filename: str | None = None) -> Table:
    """Open the first sheet of an .xlsx (or a .csv) and locate its header row.

    The header is the first row with at least two non-empty cells, so a merged title line
    above it (“某某乡特困人员台账”) is skipped.
    """
    path = Path(path)
    name = (filename or path.name).lower()
    if name.endswith(".csv"):
        return _open_csv(path)
    if not (name.endswith(".xlsx") or name.endswith(".xlsm")):
        raise TableError("文件格式不支持：请上传 Excel（.xlsx）文件。")
    if not path.is_file():
        raise FileNotFoundError(str(path))  # not "not a valid .xlsx", which is_zipfile() would say
    if not zipfile.is_zipfile(path):
        raise TableError("文件无法打开：不是有效的 .xlsx 文件（可能已损坏，或是改了扩展名的其他文件）。")
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise TableError("文件中没有工作表。")
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.iter_rows()
    except CalamineError as exc:
        raise TableError(f"文件无法读取：{exc}") from exc
    except (OSError, ValueError) as exc:
        if isinstance(exc, TableError):
            raise
        raise TableError(f"文件无法读取：不是有效的 .xlsx 文件（{exc}）。") from exc
    start = sheet.start[0] if sheet.start else 0  # leading empty rows are not in the range
    return _with_header(rows, sheet.height, first_row=start + 1)


def _with_header(rows: Iterator[list], total: int | None, first_row: int = 1) -> Table:
    number = first_row - 1
    for values in rows:
        number += 1
        non_empty = [v for v in values if v not in (None, "")]
        if len(non_empty) >= 2:
            headers = [str(v).strip() if v is not None else "" for v in values]

            def data(rows=rows, start=number):
                n = start
                for vals in rows:
                    n += 1
                    if _is_blank(vals):
                        continue
                    yield n, list(vals)

            return Table(
                headers=headers,
                rows=data(),
                header_row=number,
                total_rows=(total - (number - first_row + 1)) if total is not None else None,
            )
    raise TableError("工作表是空的：没有找到表头行。")


def _open_csv(path: Path) -> Table:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableError("CSV 文件编码无法识别，请保存为 UTF-8 或 GBK 编码。")
    lines = list(csv.reader(io.StringIO(text)))
    return _with_header(iter(lines), len(lines))


# ---- cell values --------------------------------------------------------------------------

EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


def cell_text(value) -> str:
    """A cell as text; whole numbers without “.0” (Excel stores 13800000000 as a float)."""
    if type(value) is str:  # the usual cell first
        return unicodedata.normalize("NFKC", value).strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def cell_date(value) -> dt.date | None:
    """Dates as Excel serial numbers, date cells, 2024-01-05, 2024/1/5 or 2024年1月5日."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise CellError(f"日期“{value}”超出范围")
    text = cell_text(value)
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError as exc:
                raise CellError(f"日期“{text}”不存在") from exc
    raise CellError(f"无法识别的日期“{text}”，请写成 2024-01-05 或 2024年1月5日")


_AMOUNT_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def cell_decimal(
    value, *, places: int = 2, what: str = "金额", negative: bool = False
) -> decimal.Decimal | None:
    """An amount (yuan): a number cell or text such as “1,234.50” or “1234.5元”; empty → None.

    At most `places` decimals. A number cell that Excel computed (1234.5600000001) is rounded
    when it is within a millionth of a cent; typed text must be exact."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError(f"{what}“{value}”不是有效的数字")
    quantum = decimal.Decimal(1).scaleb(-places)
    if isinstance(value, int | float):
        if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            raise CellError(f"{what}“{value}”不是有效的数字")
        amount = decimal.Decimal(repr(value)) if isinstance(value, float) else decimal.Decimal(value)
        rounded = amount.quantize(quantum, rounding=decimal.ROUND_HALF_UP)
        if abs(rounded - amount) > decimal.Decimal("0.000001") * quantum:
            raise CellError(f"{what}“{cell_text(value)}”最多保留{places}位小数")
        amount = rounded
    else:
        text = cell_text(value).replace(",", "").replace("，", "").replace(" ", "")
        text = text.removesuffix("元")
        if not _AMOUNT_TEXT.match(text):
            raise CellError(f"{what}“{cell_text(value)}”不是有效的数字")
        amount = decimal.Decimal(text)
        if amount.as_tuple().exponent < -places:
            raise CellError(f"{what}“{cell_text(value)}”最多保留{places}位小数")
        amount = amount.quantize(quantum)
    if amount < 0 and not negative:
        raise CellError(f"{what}不能为负数（“{cell_text(value)}”）")
    if amount.adjusted() >= 16:
        raise CellError(f"{what}“{cell_text(value)}”过大")
    return amount


def cell_int(value, *, what: str = "数量", minimum: int | None = 0, maximum: int | None = None) -> int | None:
    """A whole number: a number cell without a fraction, or digits as text; empty → None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError(f"{what}“{value}”不是整数")
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(f"{what}“{cell_text(value)}”不是整数")
        number = int(value)
    elif isinstance(value, int):
        number = value
    else:
        text = cell_text(value).replace(",", "")
        if not re.fullmatch(r"[+-]?\d+", text):
            raise CellError(f"{what}“{cell_text(value)}”不是整数")
        number = int(text)
    if minimum is not None and number < minimum:
        if minimum == 0:
            raise CellError(f"{what}不能为负数（“{cell_text(value)}”）")
        raise CellError(f"{what}“{number}”不能小于{minimum}")
    if maximum is not None and number > maximum:
        raise CellError(f"{what}“{number}”不能大于{maximum}")
    return number


# ---- writing --------------------------------------------------------------------------------


@dataclass
class Sheet:
    """One sheet of a workbook written by write_sheets(): the same options as write_xlsx()."""

    name: str
    headers: list[str]
    rows: Iterable[list]
    text_columns: Iterable[int] = ()
    widths: dict | None = None
    title: str | None = None
    choices: dict[int, list[str]] | None = None


def _write_sheet(workbook, formats, spec: Sheet) -> None:
    sheet = workbook.add_worksheet(spec.name[:31])
    bold, text = formats
    text_columns = set(spec.text_columns)
    r = 0
    if spec.title:
        sheet.write(0, 0, spec.title, workbook.add_format({"bold": True, "font_size": 14}))
        r = 1
    for c, h in enumerate(spec.headers):
        width = (spec.widths or {}).get(c, max(10, len(h) * 2 + 2))
        sheet.set_column(c, c, width, text if c in text_columns else None)
    for c, h in enumerate(spec.headers):
        sheet.write_string(r, c, h, bold)
    sheet.freeze_panes(r + 1, 0)
    for c, options in (spec.choices or {}).items():
        sheet.data_validation(
            r + 1, c, r + 5000, c, {"validate": "list", "source": list(options), "error_type": "warning"}
        )
    for values in spec.rows:
        r += 1
        for c, v in enumerate(values):
            if v is None or v == "":
                continue
            if c in text_columns or isinstance(v, str):
                sheet.write_string(r, c, str(v), text if c in text_columns else None)
            elif isinstance(v, dt.date):
                sheet.write_string(r, c, v.isoformat())
            else:
                sheet.write(r, c, v)


def _workbook(target):
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_numbers": False})
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True})
    text = workbook.add_format({"num_format": "@"})
    return workbook, (bold, text)


def write_sheets(target, sheets: Iterable[Sheet]) -> None:
    """Several sheets in one .xlsx (a work ledger with one sheet per kind of record), each written
    like write_xlsx() writes its one sheet, with constant memory."""
    workbook, formats = _workbook(target)
    for spec in sheets:
        _write_sheet(workbook, formats, spec)
    workbook.close()


def write_xlsx(
    target,
    sheet_name: str,
    headers: list[str],
    rows: Iterable[list],
    *,
    text_columns=(),
    widths=None,
    title: str | None = None,
    choices: dict[int, list[str]] | None = None,
    notes: Iterable[str] | None = None,
    notes_sheet: str = "填写说明",
) -> None:
    """Stream rows into an .xlsx with constant memory. `text_columns` (indexes) are formatted as
    text so that Excel keeps 18-digit ID numbers and leading zeros intact. `choices` offers a
    drop-down list in a column (a template's 单位类型); `notes` fill a second sheet of
    instructions, which importers never read (they read the first sheet)."""
    workbook, formats = _workbook(target)
    _write_sheet(workbook, formats, Sheet(sheet_name, headers, rows, text_columns, widths, title, choices))
    if notes is not None:
        help_sheet = workbook.add_worksheet(notes_sheet[:31])
        help_sheet.set_column(0, 0, 100)
        for i, line in enumerate(notes):
            help_sheet.write_string(i, 0, line)
    workbook.close()
