"""Writes for organisation units (单位): create, edit and move, yearly figures, Excel import.

Each write is atomic and audited in the same transaction (core.audit), like the other core
services. Only these functions set Unit.tree_path: a unit's path is its parent's path followed
by its own id in UNIT_PATH_WIDTH digits, so creating a unit needs its id first (insert, then set
the path) and moving one rewrites the paths of its whole subtree in one UPDATE.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils import translation
from django.utils.translation import gettext as _

from . import audit
from .models import Region, Unit, UnitFigures, unit_path_segment
from .roles import Cap
from .scope import in_scope, scoped, unit_in_scope, user_unit_path
from .services import ImportReport
from .tabular import CellError, cell_decimal, cell_int, cell_text, map_columns, normalize_header, open_table

UNIT_FIELDS = ["name", "kind", "parent", "region", "credit_code", "is_active"]
FIGURE_FIELDS = ["year", "total_assets", "main_revenue", "branches"]
YEAR_MIN, YEAR_MAX = 1900, 2100
AMOUNT_MAX_DIGITS = 16  # before the decimal point: max_digits=18 with 2 decimals

# ---- checks -----------------------------------------------------------------------------------

# GB 32100-2015: 18 characters from this alphabet (no I, O, S, V, Z); the last is a check
# character, 31 minus the weighted sum (weights 3^i mod 31) modulo 31.
_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = [pow(3, i, 31) for i in range(17)]


def credit_code_problem(code: str) -> str | None:
    """Why a unified social credit code (统一社会信用代码) is invalid, in Chinese, or None."""
    if len(code) != 18 or any(c not in _CREDIT_ALPHABET for c in code):
        return f"统一社会信用代码“{code}”应为18位数字或大写字母（不含 I、O、S、V、Z）"
    total = sum(_CREDIT_ALPHABET.index(c) * w for c, w in zip(code[:17], _CREDIT_WEIGHTS, strict=True))
    check = (31 - total % 31) % 31
    if _CREDIT_ALPHABET[check] != code[17]:
        return f"统一社会信用代码“{code}”的校验码不正确，请核对"
    return None


def credit_code_check_char(first17: str) -> str:
    """The check character completing 17 characters (for tests and the demo)."""
    total = sum(_CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_ALPHABET[(31 - total % 31) % 31]


def _require_manager(actor) -> None:
    if actor is None or not actor.can(Cap.MANAGE_UNITS):
        raise PermissionDenied(_("Your role does not allow this."))


def _require_region(actor, region: Region) -> None:
    if not in_scope(actor, region.code):
        raise PermissionDenied(_("This region is not in your area."))


def _require_unit(actor, unit: Unit) -> None:
    if not unit_in_scope(actor, unit):
        raise PermissionDenied(_("This unit is not in your area."))


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Enter the unit's name."))
    if len(name) > 100:
        raise ValidationError(_("A unit's name has at most 100 characters."))
    return name


def _clean_kind(kind: str) -> str:
    if kind not in Unit.Kind.values:
        raise ValidationError(_("Unknown kind of unit: %(kind)s") % {"kind": kind})
    return kind


def _clean_credit_code(code: str) -> str:
    code = (code or "").strip().upper()
    if code and (problem := credit_code_problem(code)):
        raise ValidationError(problem)
    return code


def _check_name_free(name: str, parent: Unit | None, region: Region, exclude: int | None = None) -> None:
    """Names are unique under one parent, and among the top-level units of a region. Checked
    against every unit, not only those the actor sees: the database would refuse it anyway."""
    if parent is not None:
        clash = Unit.objects.filter(parent=parent, name=name)
    else:
        clash = Unit.objects.filter(parent__isnull=True, region=region, name=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        if parent is not None:
            raise ValidationError(
                _("“%(parent)s” already has a unit named “%(name)s”.") % {"parent": parent.name, "name": name}
            )
        raise ValidationError(
            _("%(region)s already has a top-level unit named “%(name)s”.")
            % {"region": region.name, "name": name}
        )


def _check_actor_subtree(actor, parent: Unit | None, unit: Unit | None = None) -> None:
    """Staff bound to a unit act inside its subtree only: a new or moved unit must end up there."""
    own = user_unit_path(actor)
    if own is None:
        return
    new_path = (parent.tree_path if parent else "") + (unit_path_segment(unit.pk) if unit else "")
    if not new_path.startswith(own):
        raise PermissionDenied(_("Staff of a unit may only place units under their own unit."))


# ---- create, edit, move --------------------------------------------------------------------------


def _insert(*, name, kind, region, parent, credit_code="", is_active=True) -> Unit:
    """Insert a unit and set its path (inside the caller's transaction; no checks, no audit)."""
    unit = Unit.objects.create(
        name=name, kind=kind, region=region, parent=parent, credit_code=credit_code, is_active=is_active
    )
    unit.tree_path = (parent.tree_path if parent else "") + unit_path_segment(unit.pk)
    Unit.objects.filter(pk=unit.pk).update(tree_path=unit.tree_path)
    return unit


def unit_create(
    *,
    actor,
    name: str,
    kind: str,
    region: Region,
    parent: Unit | None = None,
    credit_code: str = "",
    is_active: bool = True,
) -> Unit:
    _require_manager(actor)
    _require_region(actor, region)
    if parent is not None:
        _require_unit(actor, parent)
    _check_actor_subtree(actor, parent)
    name, kind, credit_code = _clean_name(name), _clean_kind(kind), _clean_credit_code(credit_code)
    if not region.is_active:
        raise ValidationError(_("The region %(region)s is no longer in use.") % {"region": region.name})
    with transaction.atomic():
        if parent is not None:  # its path must not change under us (a concurrent move)
            parent = Unit.objects.select_for_update().get(pk=parent.pk)
        _check_name_free(name, parent, region)
        unit = _insert(
            name=name, kind=kind, region=region, parent=parent, credit_code=credit_code, is_active=is_active
        )
        audit.record(actor, "create", unit, changes=audit.diff({}, audit.snapshot(unit, UNIT_FIELDS)))
    return unit


def unit_update(
    *,
    actor,
    unit: Unit,
    name: str,
    kind: str,
    region: Region,
    parent: Unit | None,
    credit_code: str = "",
    is_active: bool = True,
) -> Unit:
    """Change a unit; a new parent moves it with its whole subtree (no cycles: a unit cannot be
    placed under itself or under one of its subordinate units)."""
    _require_manager(actor)
    _require_unit(actor, unit)
    _require_region(actor, region)
    if parent is not None:
        _require_unit(actor, parent)
    name, kind, credit_code = _clean_name(name), _clean_kind(kind), _clean_credit_code(credit_code)
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        if parent is not None:
            parent = Unit.objects.select_for_update().get(pk=parent.pk)
            if parent.tree_path.startswith(unit.tree_path):
                raise ValidationError(
                    _("A unit cannot be placed under itself or under one of its subordinate units.")
                )
        moving = (parent.pk if parent else None) != unit.parent_id
        if moving:
            _check_actor_subtree(actor, parent, unit)
        if region.code != unit.region_id:
            if not region.is_active:
                raise ValidationError(
                    _("The region %(region)s is no longer in use.") % {"region": region.name}
                )
            outside = _accounts_outside(unit.pk, region.code)
            if outside:
                raise ValidationError(
                    _(
                        "Accounts bound to this unit belong to another region: %(users)s. Change their accounts first."
                    )
                    % {"users": "、".join(sorted(outside))}
                )
        _check_name_free(name, parent, region, exclude=unit.pk)
        before = audit.snapshot(unit, UNIT_FIELDS)
        unit.name, unit.kind, unit.region, unit.parent = name, kind, region, parent
        unit.credit_code, unit.is_active = credit_code, is_active
        extra = {}
        if moving:
            old = unit.tree_path
            new = (parent.tree_path if parent else "") + unit_path_segment(unit.pk)
            extra["moved_units"] = Unit.objects.filter(tree_path__startswith=old).update(
                tree_path=Concat(Value(new), Substr("tree_path", len(old) + 1))
            )
            unit.tree_path = new
        unit.save(update_fields=UNIT_FIELDS)
        changes = audit.diff(before, audit.snapshot(unit, UNIT_FIELDS))
        if changes:
            audit.record(actor, "update", unit, changes=changes, extra=extra or None)
    return unit


def _accounts_outside(unit_id: int, region_code: str) -> list[str]:
    """Accounts bound to the unit whose region would not contain the unit in `region_code`."""
    from .models import User

    return sorted(
        u.username
        for u in User.objects.filter(unit_id=unit_id).select_related("region")
        if u.region is None or not u.region.contains(region_code)
    )


# ---- figures by year ---------------------------------------------------------------------------


def _clean_amount(value) -> Decimal | None:
    if value is None or value == "":
        return None
    amount = Decimal(str(value))
    if not amount.is_finite():
        raise ValidationError(_("Enter a number."))
    if amount < 0:
        raise ValidationError(_("Amounts cannot be negative."))
    if amount.as_tuple().exponent < -2:
        raise ValidationError(_("Amounts have at most two decimal places (fen)."))
    if amount.adjusted() >= AMOUNT_MAX_DIGITS:
        raise ValidationError(_("The amount is too large."))
    return amount.quantize(Decimal("0.01"))


def _clean_year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            _("Enter a year between %(a)d and %(b)d.") % {"a": YEAR_MIN, "b": YEAR_MAX}
        ) from exc
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise ValidationError(_("Enter a year between %(a)d and %(b)d.") % {"a": YEAR_MIN, "b": YEAR_MAX})
    return year


def _apply_figures(unit: Unit, year: int, values: dict) -> tuple[UnitFigures, str, dict]:
    """Create or update a year's row (in the caller's transaction); the action and the changes."""
    row = UnitFigures.objects.select_for_update().filter(unit=unit, year=year).first()
    if row is None:
        row = UnitFigures.objects.create(unit=unit, year=year, **values)
        return row, "create", audit.diff({}, audit.snapshot(row, FIGURE_FIELDS))
    before = audit.snapshot(row, FIGURE_FIELDS)
    for k, v in values.items():
        setattr(row, k, v)
    changes = audit.diff(before, audit.snapshot(row, FIGURE_FIELDS))
    if changes:
        row.save()
    return row, "update", changes


def unit_figures_set(
    *, actor, unit: Unit, year, total_assets=None, main_revenue=None, branches=0
) -> UnitFigures:
    """A unit's figures for one year (one row per unit and year; a second call changes it)."""
    _require_manager(actor)
    _require_unit(actor, unit)
    year = _clean_year(year)
    values = {
        "total_assets": _clean_amount(total_assets),
        "main_revenue": _clean_amount(main_revenue),
        "branches": int(branches or 0),
    }
    if values["branches"] < 0:
        raise ValidationError(_("The number of branches cannot be negative."))
    with transaction.atomic():
        row, action, changes = _apply_figures(unit, year, values)
        if changes:
            audit.record(actor, action, row, object_repr=f"{unit.name} {year}", changes=changes)
    return row


# ---- import from Excel -----------------------------------------------------------------------------

UNIT_COLUMNS = {
    "name": ["单位名称", "名称", "name"],
    "kind": ["单位类型", "类型", "kind"],
    "parent": ["上级单位", "主管部门", "上级机构", "parent"],
    "region": ["所在区划", "区划", "区划代码", "region"],
    "credit_code": ["统一社会信用代码", "信用代码", "credit_code"],
    "year": ["年度", "年份", "year"],
    "total_assets": ["资产总额", "总资产", "total_assets"],
    "main_revenue": ["主营业务收入", "主营收入", "main_revenue"],
    "branches": ["分支机构数", "分支机构和营业网点数", "网点数", "branches"],
}
TEMPLATE_HEADERS = [
    "单位名称",
    "单位类型",
    "上级单位",
    "所在区划",
    "统一社会信用代码",
    "年度",
    "资产总额（元）",
    "主营业务收入（元）",
    "分支机构数",
]
# Words offices write for a kind besides its label (both languages are accepted too).
KIND_SYNONYMS = {
    Unit.Kind.DEPARTMENT: ["党政机关", "党政机关部门", "机关", "部门", "行政机关", "县直部门"],
    Unit.Kind.TOWNSHIP: ["乡镇", "乡镇政府", "乡镇人民政府", "乡镇党委政府", "街道", "街道办事处"],
    Unit.Kind.TOWNSHIP_OFFICE: ["站所", "乡镇站所", "乡镇办公室"],
    Unit.Kind.PUBLIC_INSTITUTION: ["事业单位"],
    Unit.Kind.PEOPLES_ORGANISATION: ["人民团体", "群团组织", "群团"],
    Unit.Kind.SCHOOL: ["学校"],
    Unit.Kind.STATE_COMPANY: ["国有企业", "国企", "国有公司", "国有控股企业"],
    Unit.Kind.BRANCH: ["分支机构", "分公司", "支公司", "营业网点"],
    Unit.Kind.OTHER: ["其他", "其它"],
}
_PARENT_SEPARATORS = re.compile(r"\s*[/／>›]\s*")
ERROR = object()  # a row whose parent cannot be resolved


def kind_labels_zh() -> list[str]:
    with translation.override("zh-hans"):
        return [str(label) for label in Unit.Kind.labels]


def _kind_lookup() -> dict[str, str]:
    out = {}
    for value, words in KIND_SYNONYMS.items():
        for word in words:
            out[normalize_header(word)] = str(value)
    for value, label in Unit.Kind.choices:
        out[normalize_header(value)] = value
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                out.setdefault(normalize_header(str(label)), value)
    return out


@dataclass
class _Row:
    row: int
    name: str
    kind: str | None
    parent_ref: list[str]
    region_text: str
    credit_code: str | None  # None: the cell was empty
    figures: dict | None  # {"year": …, "total_assets": …, …}
    region: str | None = None  # the code, once resolved
    bad: bool = False
    identity: object = None  # ("unit", id) for an existing unit, ("row", n) for a new one
    parent: object = None  # None, ("unit", id), ("row", n) or ERROR
    extra: dict = field(default_factory=dict)


def unit_import(*, actor, path, filename=None, commit: bool = True, progress=None) -> ImportReport:
    """Import units (and one year of figures each) from .xlsx or .csv. All or nothing.

    Columns: 单位名称, 单位类型 (a label of Unit.Kind or a usual word: 分公司, 事业单位...),
    上级单位 (a unit in the file or already in the system; “安和县民政局/办公室” when the name
    alone is ambiguous), 所在区划 (12-digit code or a name; empty: the parent's region, else
    the importer's), 统一社会信用代码, and optional 年度, 资产总额, 主营业务收入, 分支机构数.
    A row is the same unit as an existing one with the same name under the same parent (or,
    at the top, in the same region): it is updated with the cells that are filled, never moved —
    moving a unit is done on its page. Re-importing the same file changes nothing.
    """
    _require_manager(actor)
    report = ImportReport(
        preview_columns=["行", "单位名称", "上级单位", "单位类型", "所在区划", "处理", "年度数据"]
    )
    table = open_table(path, filename)
    cmap = map_columns(table.headers, UNIT_COLUMNS, required=["name", "kind"])
    report.ignored_columns = cmap.unknown
    get, col = cmap.get, cmap.column
    kinds = _kind_lookup()
    kind_list = "、".join(kind_labels_zh())
    rows: dict[int, _Row] = {}

    for number, values in table.rows:
        report.rows += 1
        bad = False
        name = " ".join(cell_text(get(values, "name")).split())
        if not name:
            report.error(number, col("name"), "单位名称不能为空")
            continue
        if len(name) > 100:
            report.error(number, col("name"), "单位名称不能超过100个字")
            bad = True
        kind_text = cell_text(get(values, "kind"))
        kind = kinds.get(normalize_header(kind_text))
        if kind is None:
            message = f"单位类型“{kind_text}”无法识别" if kind_text else "单位类型不能为空"
            report.error(number, col("kind"), f"{message}，可填：{kind_list}")
            bad = True
        code = cell_text(get(values, "credit_code")).upper() or None
        if code and (problem := credit_code_problem(code)):
            report.error(number, col("credit_code"), problem)
            bad = True
        figures, fig_bad = _parse_figures(report, number, values, cmap)
        parent_text = cell_text(get(values, "parent"))
        rows[number] = _Row(
            row=number,
            name=name,
            kind=kind,
            parent_ref=[s for s in _PARENT_SEPARATORS.split(parent_text) if s],
            region_text=cell_text(get(values, "region")),
            credit_code=code,
            figures=figures,
            bad=bad or fig_bad,
        )
        if progress:
            progress(report.rows, table.total_rows or report.rows, _("Checking rows"))

    plan = _Plan(actor, rows, report, col)
    plan.resolve()
    report.errors.sort(key=lambda e: (e["row"], e["column"]))
    if report.errors or not commit:
        return report
    with transaction.atomic():
        plan.commit()
    return report


def _parse_figures(report, number, values, cmap) -> tuple[dict | None, bool]:
    get, col = cmap.get, cmap.column
    bad = False
    parsed = {}
    for key, what in (("total_assets", "资产总额"), ("main_revenue", "主营业务收入")):
        try:
            parsed[key] = cell_decimal(get(values, key), what=what)
        except CellError as exc:
            report.error(number, col(key), str(exc))
            bad = True
            parsed[key] = None
    try:
        parsed["branches"] = cell_int(get(values, "branches"), what="分支机构数")
    except CellError as exc:
        report.error(number, col("branches"), str(exc))
        bad = True
        parsed["branches"] = None
    try:
        year = cell_int(get(values, "year"), what="年度", minimum=YEAR_MIN, maximum=YEAR_MAX)
    except CellError as exc:
        report.error(number, col("year"), str(exc))
        return None, True
    given = any(v is not None for v in parsed.values())
    if year is None:
        if given and not bad:
            report.error(number, col("year"), "填写了资产、收入或分支机构数时，必须填写年度")
            return None, True
        return None, bad
    if not given:
        return None, bad
    parsed["branches"] = parsed["branches"] or 0
    return {"year": year, **parsed}, bad


class _Plan:
    """Resolves the rows of a unit file against the units the importer can see, then writes."""

    def __init__(self, actor, rows: dict[int, _Row], report: ImportReport, col):
        self.actor, self.rows, self.report, self.col = actor, rows, report, col
        visible = list(
            scoped(Unit, actor).values(
                "id", "name", "kind", "credit_code", "parent_id", "region_id", "tree_path"
            )
        )
        self.units = {u["id"]: u for u in visible}
        self.by_name: dict[str, list[int]] = {}
        for u in visible:
            self.by_name.setdefault(u["name"], []).append(u["id"])
        self.children = {(u["parent_id"], u["name"]): u["id"] for u in visible if u["parent_id"]}
        self.tops = {(u["region_id"], u["name"]): u["id"] for u in visible if not u["parent_id"]}
        self.file_by_name: dict[str, list[int]] = {}
        for n, r in rows.items():
            self.file_by_name.setdefault(r.name, []).append(n)
        self.regions = {
            r["code"]: r for r in scoped(Region, actor).values("code", "name", "level", "is_active")
        }
        self.regions_by_name: dict[str, list[str]] = {}
        for r in self.regions.values():
            self.regions_by_name.setdefault(r["name"], []).append(r["code"])
        self._resolving: set[int] = set()
        self.actor_unit_path = user_unit_path(actor)

    # -- names and chains

    def unit_chain(self, uid: int) -> list[str]:
        """Names from the top (of what the importer sees) down to the unit."""
        unit = self.units[uid]
        chain, w = [unit["name"]], len(unit_path_segment(0))
        path = unit["tree_path"]
        for i in range(len(path) - 2 * w, -1, -w):
            ancestor = self.units.get(int(path[i : i + w]))
            if ancestor is None:
                break
            chain.append(ancestor["name"])
        return chain[::-1]

    def chain(self, node) -> list[str] | None:
        kind, key = node
        if kind == "unit":
            return self.unit_chain(key)
        parent = self.parent_of(key)
        if parent is ERROR:
            return None
        above = self.chain(parent) if parent else []
        return None if above is None else [*above, self.rows[key].name]

    def parent_of(self, n: int):
        row = self.rows[n]
        if row.parent is not None or not row.parent_ref:
            return row.parent
        if n in self._resolving:
            self.report.error(n, self.col("parent"), "上级单位形成循环：一个单位不能是自己的上级")
            row.parent = ERROR
            return ERROR
        self._resolving.add(n)
        segs = row.parent_ref
        text = "/".join(segs)
        found, broken = [], []
        for uid in self.by_name.get(segs[-1], []):
            if self.unit_chain(uid)[-len(segs) :] == segs:
                found.append(("unit", uid))
        for m in self.file_by_name.get(segs[-1], []):
            if m == n:
                continue
            ident = self.identity(m)
            if ident is ERROR:
                broken.append(m)
                continue
            if ident[0] == "unit":
                continue  # the file row is an existing unit, found above
            c = self.chain(("row", m))
            if c is not None and c[-len(segs) :] == segs:
                found.append(("row", m))
        self._resolving.discard(n)
        if row.parent is ERROR:  # a cycle was found through this row
            return ERROR
        if len(found) == 1:
            row.parent = found[0]
        elif found:
            rows = "、".join(f"第{k}行" for kind, k in found if kind == "row")
            where = f"（文件中：{rows}）" if rows else ""
            self.report.error(
                n,
                self.col("parent"),
                f"上级单位“{text}”有{len(found)}个同名单位{where}，请写出上级路径，如“上级单位名称/{segs[-1]}”",
            )
            row.parent = ERROR
        elif broken:
            self.report.error(
                n, self.col("parent"), f"上级单位“{text}”所在的第{broken[0]}行有错误，请先改正该行"
            )
            row.parent = ERROR
        else:
            self.report.error(
                n, self.col("parent"), f"上级单位“{text}”不存在：既不在文件中，也不在您可管理的单位中"
            )
            row.parent = ERROR
        return row.parent

    def identity(self, n: int):
        row = self.rows[n]
        if row.identity is not None:
            return row.identity
        parent = self.parent_of(n)
        if parent is ERROR:
            row.identity = ERROR
            return ERROR
        region = self.region_of(n)
        if parent is None:
            match = self.tops.get((region, row.name)) if region else None
        elif parent[0] == "unit":
            match = self.children.get((parent[1], row.name))
        else:
            match = None  # under a new unit, everything is new
        row.identity = ("unit", match) if match else ("row", n)
        return row.identity

    # -- regions

    def region_of(self, n: int) -> str | None:
        row = self.rows[n]
        if row.region is not None:
            return row.region or None
        row.region = ""
        text = row.region_text
        if not text:
            parent = self.parent_of(n)
            if parent and parent is not ERROR:
                row.region = (
                    self.units[parent[1]]["region_id"]
                    if parent[0] == "unit"
                    else self.region_of(parent[1]) or ""
                )
            elif parent is None:
                row.region = self.actor.region_id
            return row.region or None
        first = text.split()[0]
        if re.fullmatch(r"\d+", first):
            if len(first) != 12:
                return self._region_error(n, f"区划代码“{first}”应为12位数字")
            if first not in self.regions:
                if Region.objects.filter(code=first).exists():
                    return self._region_error(n, f"所在区划 {first} 不在您的管辖范围内")
                return self._region_error(n, f"区划代码 {first} 不存在")
            code = first
        else:
            codes = self.regions_by_name.get(text, [])
            if not codes:
                return self._region_error(n, f"所在区划“{text}”不存在或不在您的管辖范围内")
            if len(codes) > 1:
                return self._region_error(n, f"区划名称“{text}”不唯一，请填写12位区划代码")
            code = codes[0]
        if not self.regions[code]["is_active"]:
            return self._region_error(n, f"所在区划“{self.regions[code]['name']}”已撤销")
        row.region = code
        return code

    def _region_error(self, n, message):
        self.report.error(n, self.col("region"), message)
        self.rows[n].bad = True
        return None

    # -- the whole file

    def resolve(self) -> None:
        seen: dict[tuple, int] = {}
        kind_label = dict(Unit.Kind.choices)
        for n, row in self.rows.items():
            ident = self.identity(n)
            region = self.region_of(n)
            if ident is ERROR or row.bad:
                continue
            parent = row.parent
            key = (parent, row.name) if parent else (None, region, row.name)
            if key in seen:
                self.report.error(
                    n, self.col("name"), f"与第{seen[key]}行重复：同一上级单位下不能有同名的单位“{row.name}”"
                )
                row.bad = True
                continue
            seen[key] = n
            if ident[0] == "row":
                if parent is None and self.actor_unit_path is not None:
                    self.report.error(
                        n, self.col("parent"), "您只能在本单位及其下属单位中新增单位，请填写上级单位"
                    )
                    row.bad = True
                    continue
                if self._taken_elsewhere(row):
                    continue
                action = "新增"
                self.report.created += 1
            elif self._changes(row):
                action = "更新"
                self.report.updated += 1
            else:
                action = "不变"
                self.report.unchanged += 1
            parent_chain = self.chain(parent) if parent else []
            region_name = self.regions[region]["name"] if region else ""
            self.report.show(
                [
                    n,
                    row.name,
                    " / ".join(parent_chain or []),
                    str(kind_label[row.kind]),
                    region_name,
                    action,
                    _figures_text(row.figures),
                ]
            )

    def _taken_elsewhere(self, row: _Row) -> bool:
        """A unit the importer cannot see may hold the name (under a visible parent, in another
        region): say so rather than let the database refuse the whole commit."""
        parent = row.parent
        if parent and parent[0] == "row":
            return False
        if parent:
            taken = Unit.objects.filter(parent_id=parent[1], name=row.name).exists()
        else:
            taken = Unit.objects.filter(parent__isnull=True, region_id=row.region, name=row.name).exists()
        if taken:
            self.report.error(row.row, self.col("name"), f"已有名为“{row.name}”的单位（不在您的管辖范围内）")
            row.bad = True
        return taken

    def _changes(self, row: _Row) -> dict:
        """What the row changes on its existing unit: the filled cells only."""
        uid = row.identity[1]
        unit = self.units[uid]
        out = {}
        if row.kind != unit["kind"]:
            out["kind"] = row.kind
        if row.region_text and row.region != unit["region_id"]:
            out["region"] = row.region
            outside = _accounts_outside(uid, row.region)
            if outside:
                self.report.error(
                    row.row,
                    self.col("region"),
                    f"绑定在本单位的账号（{'、'.join(outside)}）不在新的所在区划内，请先修改这些账号",
                )
                row.bad = True
        if row.credit_code is not None and row.credit_code != unit["credit_code"]:
            out["credit_code"] = row.credit_code
        if row.figures:
            existing = UnitFigures.objects.filter(unit_id=uid, year=row.figures["year"]).first()
            if existing is None or any(
                getattr(existing, k) != row.figures[k] for k in ("total_assets", "main_revenue", "branches")
            ):
                out["figures"] = True
        row.extra["changes"] = out
        return out

    def commit(self) -> None:
        actor, pending = self.actor, []
        made: dict[int, Unit] = {}
        regions = {
            r.code: r
            for r in Region.objects.filter(code__in={r.region for r in self.rows.values() if r.region})
        }

        def depth(n):
            c = self.chain(("row", n))
            return len(c) if c else 0

        new = sorted((n for n, r in self.rows.items() if r.identity[0] == "row"), key=depth)
        for n in new:
            row = self.rows[n]
            parent = row.parent
            if parent is None:
                parent_unit = None
            elif parent[0] == "row":
                parent_unit = made[parent[1]]
            else:
                parent_unit = Unit.objects.select_for_update().get(pk=parent[1])
            unit = _insert(
                name=row.name,
                kind=row.kind,
                region=regions[row.region],
                parent=parent_unit,
                credit_code=row.credit_code or "",
            )
            made[n] = unit
            pending.append(
                audit.Pending(
                    actor, "create", unit, changes=audit.diff({}, audit.snapshot(unit, UNIT_FIELDS))
                )
            )
        for n, row in self.rows.items():
            if row.identity[0] == "unit":
                unit = Unit.objects.select_for_update().get(pk=row.identity[1])
                changes = row.extra.get("changes", {})
                before = audit.snapshot(unit, UNIT_FIELDS)
                if "kind" in changes:
                    unit.kind = changes["kind"]
                if "region" in changes:
                    unit.region = regions[changes["region"]]
                if "credit_code" in changes:
                    unit.credit_code = changes["credit_code"]
                diff = audit.diff(before, audit.snapshot(unit, UNIT_FIELDS))
                if diff:
                    unit.save(update_fields=["kind", "region", "credit_code"])
                    pending.append(audit.Pending(actor, "update", unit, changes=diff))
            else:
                unit = made[n]
            if row.figures:
                values = {k: row.figures[k] for k in ("total_assets", "main_revenue", "branches")}
                figures, action, diff = _apply_figures(unit, row.figures["year"], values)
                if diff:
                    pending.append(
                        audit.Pending(
                            actor, action, figures, object_repr=f"{unit.name} {figures.year}", changes=diff
                        )
                    )
        audit.record_many(pending)


def _figures_text(figures: dict | None) -> str:
    if not figures:
        return ""
    parts = [f"{figures['year']}年"]
    if figures["total_assets"] is not None:
        parts.append(f"资产 {figures['total_assets']:,} 元")
    if figures["main_revenue"] is not None:
        parts.append(f"收入 {figures['main_revenue']:,} 元")
    parts.append(f"分支机构 {figures['branches']} 个")
    return "，".join(parts)


__all__ = [
    "credit_code_problem",
    "unit_create",
    "unit_figures_set",
    "unit_import",
    "unit_update",
]
