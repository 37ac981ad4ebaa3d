"""Comparing a file with the registry: _Apply looks up each batch's registered persons (one query
per batch), sorts the rows into new, changed and unchanged persons (and refuses those registered
outside the importer's area or moving into an abolished village), updates the changed ones, and
builds the batch's writes — the new persons' rows and every audit entry, with before/after — as
a job for write._Writer. At the end it queues the probable duplicates (services.duplicates_detect).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter

from django.db import connections, router
from django.utils import timezone

from doudi.core import audit
from doudi.core.models import Region
from doudi.core.textmask import mask_birth_date

from .. import idcard
from ..models import Person, reversed_id
from ..pinyin import name_keys
from ..services import AUDITED_FIELDS, duplicates_detect
from .columns import _AUDIT_NAME, DERIVED_FIELDS, LEDGER_FIELDS
from .write import _PersonInserter


def _changes(row: tuple, at: dict[str, int], out: dict, keys: tuple[str, str] | None = None) -> dict:
    """{attname: [before, after]} for the ledger fields that differ, plus the pinyin keys when
    the name changes (the ID number is the key, so it and what derives from it never change).
    `row` is the registered person's values, `at` the position of each attname in it."""
    changes = {}
    for key, value in out.items():
        before = row[at[key]]
        if before != value:
            changes[key] = [before, value]
    if "name" in changes:
        full, initials = keys or name_keys(out["name"])
        changes["name_pinyin"] = [row[at["name_pinyin"]], full]
        changes["name_initials"] = [row[at["name_initials"]], initials]
    return changes


def _audit_changes(changes: dict) -> dict:
    """The audit entry's before/after: the fields services.AUDITED_FIELDS names, values made
    JSON-safe, and never a full ID number, nor a full disability certificate number, which begins
    with it (see registry/services.py)."""
    out = {}
    for key, (before, after) in changes.items():
        name = _AUDIT_NAME.get(key, key)
        if name not in _AUDITED:
            continue
        if name == "id_number":
            before, after = idcard.mask_id_number(before or "") or None, idcard.mask_id_number(after or "")
        elif name == "disability_certificate":
            before, after = idcard.mask_certificate_number(before), idcard.mask_certificate_number(after)
        elif name == "birth_date":  # the digits the ID mask hides (services.person_audit_snapshot)
            before, after = mask_birth_date(before) if before else None, mask_birth_date(after)
        out[name] = [audit.jsonable(before), audit.jsonable(after)]
    return out


@dataclass(slots=True)
class _Key:
    """What services.duplicates_detect() reads of a person, without a model instance each."""

    pk: int
    name: str
    name_pinyin: str
    birth_date: dt.date
    village_id: str


class _Apply:
    """Compares batches of valid rows with the database — one query per batch — and, when
    writing, writes them: new persons in one bulk insert, changed ones with bulk_update, then
    the batch's audit entries through audit.record_many."""

    def __init__(self, *, actor, prefix, report, parser, source, write):
        self.actor = actor if getattr(actor, "pk", None) else None
        self.prefix = prefix
        self.report = report
        self.parser = parser
        self.source = source
        self.write = write
        self.inserter = _PersonInserter(self.actor) if write else None
        self.chain: audit.Chain | None = None  # set by ledger_import while it writes
        self.using = router.db_for_write(Person)
        self.connection = connection = connections[self.using]
        self.postgres = connection.vendor == "postgresql"
        # Registered persons are looked up as rows of values in this order (a model instance is
        # made only for the few that change: a re-import of an unchanged ledger compares values)
        fields = Person._meta.concrete_fields
        self.attnames = [f.attname for f in fields]
        self.at = {name: i for i, name in enumerate(self.attnames)}
        if self.postgres:
            connection.ensure_connection()
            self.raw = connection.connection  # the driver's connection, for the writer thread
            qn = connection.ops.quote_name
            self.select_sql = (
                f"SELECT {', '.join(qn(f.column) for f in fields)} FROM {qn(Person._meta.db_table)} "
                f"WHERE {qn(Person._meta.get_field('id_number').column)} "
                "IN (SELECT unnest(string_to_array(%s, ',')))"
            )  # the numbers as one text (valid numbers hold no comma), no array to adapt; as a
            # semi-join, 2,000 numbers take 4 ms where `= ANY(array)` takes 20 ms
            with connection.cursor() as cursor:  # the sequence named once, not once per id
                cursor.execute(
                    "SELECT pg_get_serial_sequence(%s, %s)::regclass::oid",
                    [Person._meta.db_table, Person._meta.pk.column],
                )
                sequence = int(cursor.fetchone()[0])
            self.reserve_sql = f"SELECT nextval({sequence}::oid) FROM generate_series(1, %s)"
        self.touched: list[_Key] = []  # new, renamed or moved persons, for the duplicate check

    def lookup(self, batch) -> tuple[dict[str, tuple], list[int] | None]:
        """The registered persons among the batch's ID numbers — {number: their values in
        `attnames` order} — and (PostgreSQL, when writing) ids from the sequence for the others,
        the batch's new persons. A _Writer task: on PostgreSQL it may run in the writer's
        thread, so it uses the driver's connection; one query for the persons, one for the ids."""
        numbers = [row[2].number for row in batch]
        at = self.at["id_number"]
        if not self.postgres:
            rows = Person.objects.filter(id_number__any_of=numbers).values_list(*self.attnames)
            return {r[at]: r for r in rows}, None
        with self.raw.cursor() as cursor:
            cursor.execute(self.select_sql, [",".join(numbers)])
            rows = cursor.fetchall()
            pks = []
            if self.write and len(rows) < len(numbers):
                cursor.execute(self.reserve_sql, [len(numbers) - len(rows)])
                pks = [r[0] for r in cursor.fetchall()]
        return {r[at]: r for r in rows}, pks

    def __call__(self, batch, registered, keep: bool):
        """Compare the batch with the registered persons; when writing, update the changed ones
        and return the plan for build()."""
        report = self.report
        existing, pks = registered
        creates, updates, outside, abolished = [], [], [], []
        villages = self.parser.villages
        at, at_village, prefix = self.at, self.at["village_id"], self.prefix
        for number, out, ident, keys in batch:
            row = existing.get(ident.number)
            code = out.get("village_id")
            # As in services.person_create: nobody is newly registered in, or moved into, an
            # abolished or merged village; a person already there may stay.
            if code and not villages[code].is_active and (row is None or row[at_village] != code):
                abolished.append((number, code))
            elif row is None:
                creates.append((number, out, ident, keys))
            elif not row[at_village].startswith(prefix):
                outside.append((number, row[at_village]))
            else:
                changes = _changes(row, at, out, keys)
                if changes:
                    person = Person.from_db(self.using, self.attnames, row)
                    updates.append((number, person, changes))
                else:
                    report.unchanged += 1
        if outside:
            self.refuse(outside)
        for number, code in abolished:
            report.error(
                number,
                self.parser.column("village_code" if self.parser.code_index is not None else "village_name"),
                f"村(居)委会 {villages[code].name}（{code}）已撤销或合并，请填写现在的村(居)委会",
            )
        report.created += len(creates)
        report.updated += len(updates)
        if not self.write or not keep:
            return None  # a check, or an all-or-nothing import that already failed: only count
        pending = self.update(updates) if updates else []
        # ids reserved for every unregistered number; rows refused after all leave a gap
        return creates, (pks[: len(creates)] if pks is not None else None), pending

    def build(self, plan) -> Callable[[], None]:
        """The batch's writes as a job for the _Writer: the rows of the new persons and every
        audit entry of the batch, numbered and hashed here (the chain's head stays locked for
        the whole import, so the entries can be prepared before they are written)."""
        creates, pks, pending = plan
        inserter = self.inserter
        persons = ""
        if creates:
            rows, created = self.create(creates, pks)
            if pks is None:  # SQLite: the ids come from the insert itself
                pks = inserter.insert(rows)
            else:
                persons = inserter.copy_text(pks, rows)
            pending = created(pks) + pending
        audit_rows = self.chain.prepare(pending)
        if not inserter.postgres:
            return lambda: audit.write_rows(inserter.connection, audit_rows)
        # encoded here too: the writer thread only sends bytes
        persons, entries = persons.encode(), audit.copy_text(audit_rows).encode()
        return lambda: inserter.write(persons, entries)

    def refuse(self, outside):
        """Rows whose person is registered outside the importer's area: an error naming the
        office to contact, as services.person_create does — nothing more about the person."""
        villages = Region.objects.filter(code__in={code for _, code in outside}).select_related(
            "parent__parent"
        )
        places = {}
        for v in villages:
            town = v.parent
            county = town.parent if town else None
            same_county = self.prefix and self.prefix[:6] == v.code[:6]
            place = (
                (town.name if same_county else f"{county.name if county else ''}{town.name}")
                if town
                else v.name
            )
            places[v.code] = place
        for number, code in outside:
            place = places.get(code, "")
            self.report.error(
                number,
                self.parser.column("id_number"),
                f"此身份证号的人员已在{place}登记，不在您的管辖范围内，不能在此导入；如需迁入，请联系{place}民政办",
            )

    def create(self, creates, pks):
        """The new persons' rows (one list of values each, in the inserter's column order, from
        its template of defaults) and a function giving their audit entries once the ids are
        known."""
        inserter = self.inserter
        template, at = inserter.template, inserter.index
        i_name, i_pinyin, i_initials = at["name"], at["name_pinyin"], at["name_initials"]
        i_birth, i_sex, i_reversed, i_village = (
            at["birth_date"],
            at["sex"],
            at["id_reversed"],
            at["village_id"],
        )
        audited_names = [name for _key, name in _CREATE_AUDIT_KEYS]
        audited_values = itemgetter(*[at[key] for key, _name in _CREATE_AUDIT_KEYS])
        actor, source, touched = self.actor, self.source, self.touched
        rows, changes_of = [], []
        for _number, out, ident, keys in creates:
            values = template.copy()
            for key, value in out.items():
                values[at[key]] = value
            values[i_pinyin], values[i_initials] = keys or name_keys(out["name"])
            values[i_birth], values[i_sex] = ident.birth_date, ident.sex
            values[i_reversed] = reversed_id(ident.number)
            rows.append(values)
            # before/after of a new person: the values it was created with (empty ones left out;
            # JSON-safe as they are — str, int and dates — see audit.Pending)
            changes = {
                name: [None, v] for name, v in zip(audited_names, audited_values(values), strict=True) if v
            }
            changes["id_number"] = [None, ident.masked]
            if "birth_date" in changes:
                changes["birth_date"][1] = mask_birth_date(changes["birth_date"][1])
            certificate = changes.get("disability_certificate")  # begins with the ID number
            if certificate:
                certificate[1] = idcard.mask_certificate_number(certificate[1])
            changes_of.append(changes)

        def created(pks) -> list[audit.Pending]:
            pending = []
            for (number, _out, _ident, _keys), values, changes, pk in zip(
                creates, rows, changes_of, pks, strict=True
            ):
                touched.append(_Key(pk, values[i_name], values[i_pinyin], values[i_birth], values[i_village]))
                pending.append(
                    audit.Pending(
                        actor,
                        "import",
                        object_type=_PERSON_TYPE,
                        object_id=str(pk),
                        object_repr=values[i_name],
                        region_code=values[i_village],
                        changes=changes,
                        extra={**source, "row": number, "created": True},
                        jsonsafe=True,
                    )
                )
            return pending

        return rows, created

    def update(self, updates) -> list[audit.Pending]:
        now = timezone.now()
        for _number, person, changes in updates:
            for key, (_before, after) in changes.items():
                setattr(person, key, after)
            person.updated_at = now
            if "name" in changes or "village_id" in changes:
                self.touched.append(
                    _Key(person.pk, person.name, person.name_pinyin, person.birth_date, person.village_id)
                )
        fields = sorted({k for _, _, changes in updates for k in changes} | {"updated_at"})
        Person.objects.bulk_update([p for _, p, _ in updates], fields, batch_size=500)
        return [
            audit.Pending(
                self.actor,
                "import",
                person,
                changes=_audit_changes(changes),
                extra={**self.source, "row": number, "created": False},
            )
            for number, person, changes in updates
        ]

    def finish(self) -> int:
        """Queue probable duplicates among and against the persons this file created or
        renamed (services.duplicates_detect), in the import's transaction."""
        if not self.touched:
            return 0
        return len(duplicates_detect(self.touched))


_PERSON_TYPE = Person._meta.label_lower
_AUDITED = set(AUDITED_FIELDS)
_CREATE_AUDIT_KEYS = [
    (k, _AUDIT_NAME.get(k, k))
    for k in LEDGER_FIELDS + DERIVED_FIELDS
    if _AUDIT_NAME.get(k, k) in _AUDITED and k != "id_number"
]
