"""Plan files: a plan as readable TOML (read with the standard library's tomllib, written here).

TOML rather than YAML: Python reads it without a new dependency, and the writer below covers the
little the schema needs (tables, arrays of tables, strings, numbers, booleans, lists). The shipped
plans (data/plans/*.toml, transcribed from seed documents 1–4) and an export of a plan from the
database use the same schema:

    [plan]       key, title, issuer, doc_number, level, start, end, source, near_days, escalate_days
    [[phases]]   name, start, end
    [[tasks]]    number, section, title, text, phase, lead, responsible, cooperating, regions,
                 start, deadline
    [[tasks.targets]]  metric, unit, baseline, value, by, per_region
    [[tasks.funding]]  ratio ("4:4:2"), levels, amount, basis
    [[schedules]]      frequency, day, task, note

A document's "20xx" years are a parameter chosen on import: dates are written `{Y}-04-30`,
`{Y+1}-12-31` (or a real year where the document names one) and `load()` fills in the year.
Numbers are written as strings ("30", "0.5") so they are read back as exact Decimals.
`load()` checks the schema and collects every problem with its place in the file, in Chinese;
unit names are resolved against the database by services.plan_import.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from . import rules

LEVELS = ("province", "city", "county", "township", "village")
ALL_TOWNSHIPS = "all"  # 各乡镇: every township of the county the plan is imported into

_YEAR = re.compile(r"\{Y([+-]\d+)?\}")


@dataclass
class TargetSpec:
    metric: str
    unit: str
    value: Decimal
    by: date | None
    baseline: Decimal = Decimal(0)
    per_region: bool = False


@dataclass
class FundingSpec:
    ratio: list[Decimal]
    levels: list[str]
    amount: Decimal | None = None
    basis: str = ""


@dataclass
class TaskSpec:
    number: str
    title: str
    text: str = ""
    section: str = ""
    phase: str = ""
    lead: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    cooperating: list[str] = field(default_factory=list)
    regions: list[str] | str = field(default_factory=list)
    start: date | None = None
    deadline: date | None = None
    targets: list[TargetSpec] = field(default_factory=list)
    funding: list[FundingSpec] = field(default_factory=list)
    # where the task stands in its file (a Place), for the importer's errors; not part of the plan
    place: Any = field(default=None, compare=False, repr=False)

    def where(self, key: str | None = None) -> str:
        return self.place(key) if self.place else _("task %(number)s") % {"number": self.number}


@dataclass
class PhaseSpec:
    name: str
    start: date
    end: date


@dataclass
class ScheduleSpec:
    frequency: str
    day: int = 5
    task: str = ""
    note: str = ""


@dataclass
class PlanSpec:
    key: str
    title: str
    issuer: str
    level: str
    start: date
    end: date
    doc_number: str = ""
    source: str = ""
    near_days: int | None = None
    escalate_days: int | None = None
    phases: list[PhaseSpec] = field(default_factory=list)
    tasks: list[TaskSpec] = field(default_factory=list)
    schedules: list[ScheduleSpec] = field(default_factory=list)
    place: Any = field(default=None, compare=False, repr=False)

    def where(self, key: str | None = None) -> str:
        return self.place(key) if self.place else "[plan]"

    def phase(self, name: str) -> PhaseSpec | None:
        return next((p for p in self.phases if p.name == name), None)

    def unit_names(self) -> set[str]:
        return {n for t in self.tasks for n in (*t.lead, *t.responsible, *t.cooperating)}


class PlanFileError(Exception):
    """Every problem of a file: a list of (place, message), both in Chinese."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__("; ".join(f"{p}: {m}" for p, m in errors))
        self.errors = errors


def fill_year(text: str, year: int) -> str:
    return _YEAR.sub(lambda m: str(year + int(m.group(1) or 0)), text)


class Place:
    """Where a part of a plan file stands: `place()` names it (“task 3”), `place(key)` names the
    field in it (the same in TOML; a sheet's row and column in a workbook, planxlsx.py), and
    `name(key)` is what a message calls the field (the TOML key, or the column's header)."""

    def __init__(self, label: str):
        self.label = label

    def __call__(self, key: str | None = None) -> str:
        return self.label

    def name(self, key: str) -> str:
        return key


class Places:
    """The places of a TOML plan file: its tables."""

    def plan(self) -> Place:
        return Place("[plan]")

    def phases(self) -> Place:
        return Place("[[phases]]")

    def phase(self, i: int) -> Place:
        return Place(_("phase %(n)s") % {"n": i})

    def tasks(self) -> Place:
        return Place("[[tasks]]")

    def task(self, i: int, number: str) -> Place:
        return Place(_("task %(number)s") % {"number": number or i})

    def target(self, i: int, number: str, j: int) -> Place:
        return Place(_("task %(number)s, target %(n)s") % {"number": number, "n": j})

    def funding(self, i: int, number: str, j: int) -> Place:
        return Place(_("task %(number)s, funding %(n)s") % {"number": number, "n": j})

    def schedule(self, i: int) -> Place:
        return Place(_("schedule %(n)s") % {"n": i})


class _Reader:
    def __init__(self, year: int):
        self.year = year
        self.errors: list[tuple[str, str]] = []

    def err(self, place: str, message: str) -> None:
        self.errors.append((place, message))

    def text(self, d: dict, key: str, place: Place, required: bool = False) -> str:
        value = d.get(key, "")
        if not isinstance(value, str):
            self.err(place(key), _("“%(key)s” must be text.") % {"key": place.name(key)})
            return ""
        if required and not value.strip():
            self.err(place(key), _("“%(key)s” is missing.") % {"key": place.name(key)})
        return value.strip()

    def names(self, d: dict, key: str, place: Place) -> list[str]:
        value = d.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.err(place(key), _("“%(key)s” must be a list of names.") % {"key": place.name(key)})
            return []
        return [v.strip() for v in value if v.strip()]

    def date(self, d: dict, key: str, place: Place, required: bool = False) -> date | None:
        value = d.get(key)
        if value is None or value == "":
            if required:
                self.err(place(key), _("“%(key)s” is missing.") % {"key": place.name(key)})
            return None
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(fill_year(value.strip(), self.year))
            except ValueError:
                pass
        self.err(
            place(key),
            _("“%(key)s” is not a date (YYYY-MM-DD): %(value)s") % {"key": place.name(key), "value": value},
        )
        return None

    def number(self, d: dict, key: str, place: Place, required: bool = False) -> Decimal | None:
        value = d.get(key)
        if value is None or value == "":
            if required:
                self.err(place(key), _("“%(key)s” is missing.") % {"key": place.name(key)})
            return None
        if isinstance(value, bool):
            value = "x"
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.err(
                place(key),
                _("“%(key)s” is not a number: %(value)s") % {"key": place.name(key), "value": value},
            )
            return None
        return number

    def whole(self, d: dict, key: str, place: Place, message: str) -> int | None:
        value = d.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            self.err(place(key), message % {"key": place.name(key)})
            return None
        return value


def load(text: str, *, year: int) -> PlanSpec:
    """Read and check a plan file; raise PlanFileError listing every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlanFileError(
            [(_("file"), _("Not a readable TOML file: %(reason)s") % {"reason": exc})]
        ) from exc
    if not isinstance(data.get("plan"), dict):
        raise PlanFileError([("[plan]", _("The file has no [plan] table."))])
    return check(data, year=year, places=Places())


def check(data: dict, *, year: int, places: Places) -> PlanSpec:
    """Check a plan read from a file (TOML here, a workbook in planxlsx.py) as plain data — the
    same tables, keys and values — and build its PlanSpec; raise PlanFileError listing every
    problem at its place (`places`)."""
    r = _Reader(year)
    head = data.get("plan") or {}
    place = places.plan()
    level = r.text(head, "level", place, required=True)
    if level and level not in LEVELS:
        r.err(
            place("level"),
            _("Unknown level “%(level)s” (county, township, village, city or province).") % {"level": level},
        )
    start = r.date(head, "start", place, required=True)
    end = r.date(head, "end", place, required=True)
    if start and end and end < start:
        r.err(place("end"), _("The plan ends before it starts."))
    spec = PlanSpec(
        key=r.text(head, "key", place, required=True),
        title=r.text(head, "title", place, required=True),
        issuer=r.text(head, "issuer", place),
        level=level,
        start=start or date(year, 1, 1),
        end=end or date(year, 12, 31),
        doc_number=r.text(head, "doc_number", place),
        source=r.text(head, "source", place),
        place=place,
    )
    for key in ("near_days", "escalate_days"):
        value = r.whole(head, key, place, _("“%(key)s” must be a whole number of working days."))
        if value is not None:
            setattr(spec, key, value)

    for i, p in enumerate(data.get("phases", []), start=1):
        place = places.phase(i)
        name = r.text(p, "name", place, required=True)
        ps, pe = r.date(p, "start", place, required=True), r.date(p, "end", place, required=True)
        if ps and pe:
            if pe < ps:
                r.err(place("end"), _("The phase “%(name)s” ends before it starts.") % {"name": name})
            elif start and end and (ps < start or pe > end):
                r.err(place(), _("The phase “%(name)s” lies outside the plan's period.") % {"name": name})
            spec.phases.append(PhaseSpec(name, ps, pe))
    if len({p.name for p in spec.phases}) != len(spec.phases):
        r.err(places.phases()(), _("Two phases have the same name."))

    numbers: set[str] = set()
    for i, t in enumerate(data.get("tasks", []), start=1):
        number = str(t.get("number", "")).strip()
        place = places.task(i, number)
        if not number:
            r.err(place("number"), _("“%(key)s” is missing.") % {"key": place.name("number")})
        elif number in numbers:
            r.err(place("number"), _("Two tasks have the number %(number)s.") % {"number": number})
        numbers.add(number)
        regions = t.get("regions", [])
        if regions != ALL_TOWNSHIPS:
            regions = r.names(t, "regions", place)
        task = TaskSpec(
            number=number,
            title=r.text(t, "title", place, required=True),
            text=r.text(t, "text", place),
            section=r.text(t, "section", place),
            phase=r.text(t, "phase", place),
            lead=r.names(t, "lead", place),
            responsible=r.names(t, "responsible", place),
            cooperating=r.names(t, "cooperating", place),
            regions=regions,
            start=r.date(t, "start", place),
            deadline=r.date(t, "deadline", place),
            place=place,
        )
        if not task.lead and not task.responsible and not task.regions:
            r.err(place("lead"), _("The task names no lead unit, responsible unit or township."))
        phase = spec.phase(task.phase) if task.phase else None
        if task.phase and phase is None:
            r.err(place("phase"), _("Unknown phase “%(name)s”.") % {"name": task.phase})
        if task.deadline:
            if phase and not (phase.start <= task.deadline <= phase.end):
                r.err(
                    place("deadline"),
                    _("The deadline %(date)s lies outside its phase “%(name)s” (%(start)s to %(end)s).")
                    % {"date": task.deadline, "name": phase.name, "start": phase.start, "end": phase.end},
                )
            elif start and end and not (start <= task.deadline <= end):
                r.err(
                    place("deadline"),
                    _("The deadline %(date)s lies outside the plan's period.") % {"date": task.deadline},
                )
        for j, g in enumerate(t.get("targets", []), start=1):
            gplace = places.target(i, number, j)
            metric = r.text(g, "metric", gplace, required=True)
            unit = r.text(g, "unit", gplace)
            if not unit:
                r.err(
                    gplace("unit"),
                    _("The target “%(metric)s” has no unit (%%, 个, 人 …).") % {"metric": metric},
                )
            value = r.number(g, "value", gplace, required=True)
            by = r.date(g, "by", gplace) or task.deadline
            per_region = g.get("per_region", False)
            if not isinstance(per_region, bool):
                r.err(
                    gplace("per_region"),
                    _("“%(key)s” must be true or false.") % {"key": gplace.name("per_region")},
                )
                per_region = False
            if value is not None:
                task.targets.append(
                    TargetSpec(
                        metric, unit, value, by, r.number(g, "baseline", gplace) or Decimal(0), per_region
                    )
                )
        for j, f in enumerate(t.get("funding", []), start=1):
            fplace = places.funding(i, number, j)
            try:
                ratio = rules.parse_ratio(str(f.get("ratio", "")))
            except ValueError:
                r.err(fplace("ratio"), _("The ratio must read like 4:4:2."))
                continue
            levels = r.names(f, "levels", fplace)
            if len(levels) != len(ratio):
                r.err(
                    fplace("levels"),
                    _("The ratio has %(n)s parts but %(m)s levels are named.")
                    % {"n": len(ratio), "m": len(levels)},
                )
                continue
            task.funding.append(
                FundingSpec(ratio, levels, r.number(f, "amount", fplace), r.text(f, "basis", fplace))
            )
        spec.tasks.append(task)
    if not spec.tasks:
        r.err(places.tasks()(), _("The plan has no tasks."))

    for i, s in enumerate(data.get("schedules", []), start=1):
        place = places.schedule(i)
        frequency = r.text(s, "frequency", place, required=True)
        if frequency and frequency not in rules.FREQUENCIES:
            r.err(place("frequency"), _("Unknown frequency “%(value)s”.") % {"value": frequency})
        day = s.get("day", 5)
        if not isinstance(day, int) or isinstance(day, bool) or not 1 <= day <= 31:
            r.err(
                place("day"), _("“%(key)s” must be a day of the month (1–31).") % {"key": place.name("day")}
            )
            day = 5
        task = str(s.get("task", "")).strip()
        if task and task not in numbers:
            r.err(place("task"), _("Unknown task %(number)s.") % {"number": task})
        spec.schedules.append(ScheduleSpec(frequency, day, task, r.text(s, "note", place)))
    if r.errors:
        raise PlanFileError(r.errors)
    return spec


# ---- writing ---------------------------------------------------------------------------------


def _str(value: str) -> str:
    out = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{out}"'


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (Decimal, date)):
        return _str(str(value) if isinstance(value, date) else format(value.normalize(), "f"))
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return _str(str(value))


def _table(lines: list[str], header: str, items: dict) -> None:
    lines.append(header)
    for key, value in items.items():
        if value is None or value == "" or value == []:
            continue
        lines.append(f"{key} = {_value(value)}")
    lines.append("")


def dump(spec: PlanSpec) -> str:
    """The plan as TOML; `load(dump(spec), year=…)` gives the same plan back."""
    lines: list[str] = []
    _table(
        lines,
        "[plan]",
        {
            "key": spec.key,
            "title": spec.title,
            "issuer": spec.issuer,
            "doc_number": spec.doc_number,
            "level": spec.level,
            "start": spec.start,
            "end": spec.end,
            "source": spec.source,
            "near_days": spec.near_days,
            "escalate_days": spec.escalate_days,
        },
    )
    for p in spec.phases:
        _table(lines, "[[phases]]", {"name": p.name, "start": p.start, "end": p.end})
    for t in spec.tasks:
        _table(
            lines,
            "[[tasks]]",
            {
                "number": t.number,
                "section": t.section,
                "title": t.title,
                "phase": t.phase,
                "lead": t.lead,
                "responsible": t.responsible,
                "cooperating": t.cooperating,
                "regions": t.regions,
                "start": t.start,
                "deadline": t.deadline,
                "text": t.text,
            },
        )
        for g in t.targets:
            _table(
                lines,
                "[[tasks.targets]]",
                {
                    "metric": g.metric,
                    "unit": g.unit,
                    "baseline": g.baseline,
                    "value": g.value,
                    "by": g.by,
                    "per_region": g.per_region,
                },
            )
        for f in t.funding:
            _table(
                lines,
                "[[tasks.funding]]",
                {
                    "ratio": ":".join(format(r.normalize(), "f") for r in f.ratio),
                    "levels": f.levels,
                    "amount": f.amount,
                    "basis": f.basis,
                },
            )
    for s in spec.schedules:
        _table(
            lines, "[[schedules]]", {"frequency": s.frequency, "day": s.day, "task": s.task, "note": s.note}
        )
    return "\n".join(lines)
