"""Hash-chained audit trail (DESIGN.md promise 2).

Services call `record()` inside their own transaction, so the entry commits or rolls back with
the change. Each entry stores the previous entry's hash and its own hash over a canonical JSON of
its fields; `verify_chain()` (the `doudi verify-audit` command) recomputes them all. Appends lock
the single AuditHead row, so concurrent writers cannot fork the chain.

Pages read entries through `shown()`, which masks the personal numbers apps declared with
`register_sensitive()` (the registry: ID and disability certificate numbers), wherever they sit in
`changes` or `extra` — stored entries cannot be rewritten, and older ones hold some whole.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from django.db import connections, models, router, transaction
from django.db.models.base import ModelState
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from orjson import OPT_SORT_KEYS as _SORT_KEYS
from orjson import dumps as _orjson_dumps

from . import copytext, textmask
from .models import AuditEntry, AuditHead, model_of_audit_type

GENESIS = "0" * 64


_PLAIN = frozenset({str, int, bool, type(None)})  # exact types that are JSON-safe as they are


def jsonable(value):
    """A JSON-safe, stable form of a field value for before/after records."""
    kind = type(value)
    if kind in _PLAIN:  # the common cases first: imports pass thousands of {field: [before, after]}
        return value
    if kind is dict:
        out = {}
        for k, v in value.items():
            kind = type(v)
            if kind is list and len(v) == 2:
                a, b = v
                v = [a if type(a) in _PLAIN else jsonable(a), b if type(b) in _PLAIN else jsonable(b)]
            elif kind not in _PLAIN:
                v = jsonable(v)
            out[k if type(k) is str else str(k)] = v
        return out
    if kind is list:
        return [v if type(v) in _PLAIN else jsonable(v) for v in value]
    if kind is dt.date:
        return value.isoformat()
    return _jsonable_other(value)


def _jsonable_other(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict:
    """The current values of a model's concrete fields (foreign keys by their id)."""
    out = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        out[field.name] = jsonable(getattr(obj, field.attname))
    return out


def diff(before: dict, after: dict) -> dict:
    """{field: [before, after]} for the fields whose value changed."""
    keys = list(before) + [k for k in after if k not in before]
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def _payload(e: AuditEntry) -> bytes:
    data = {
        "seq": e.seq,
        "at": e.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": e.actor_id,
        "actor_username": e.actor_username,
        "action": e.action,
        "object_type": e.object_type,
        "object_id": e.object_id,
        "object_repr": e.object_repr,
        "region_code": e.region_code,
        "changes": e.changes,
        "extra": e.extra,
        "prev_hash": e.prev_hash,
    }
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(e: AuditEntry) -> str:
    return hashlib.sha256(_payload(e)).hexdigest()


def _object_fields(obj, object_type, object_id, object_repr, region_code):
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
        if region_code is None:
            region_code = region_code_of(obj)
    return object_type or "", object_id or "", object_repr or "", region_code or ""


def region_code_of(obj) -> str:
    """Follow the model's scope_path to the code of the region the object belongs to."""
    path = getattr(type(obj), "scope_path", None)
    if path is None:
        return ""
    if path == "":
        return str(obj.pk)
    value = obj
    parts = path.split("__")
    for i, part in enumerate(parts):
        if value is None:
            return ""
        if i == len(parts) - 1:
            field = value._meta.get_field(part)
            return str(getattr(value, field.attname) or "")
        value = getattr(value, part)
    return ""


@dataclass(slots=True)
class Pending:
    """An entry to append; see record_many(). `jsonsafe` says `changes` and `extra` already hold
    only what jsonable() returns (str keys; str, int, bool, None, lists, dicts — no floats, no
    dates): a bulk writer that built them so saves the conversion."""

    actor: object
    action: str
    obj: models.Model | None = None
    object_type: str = ""
    object_id: str = ""
    object_repr: str = ""
    region_code: str | None = None
    changes: dict | None = None
    extra: dict | None = None
    jsonsafe: bool = False


_std_canonical = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode
# Stored JSON keeps the keys in the order they were given (the history lists changes in that
# order); PostgreSQL's jsonb orders keys itself, so there the canonical text is stored as it is.
_std_ordered = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_text = json.encoder.encode_basestring  # a JSON string literal, as _canonical writes one


def _canonical(value) -> str:
    """The canonical JSON text of a jsonable() value — orjson's, which is the standard library's
    text for such values (tests/core/test_audit.py compares them character by character) at a
    fraction of the cost; the standard library for what orjson refuses (integers beyond 64 bits,
    lone surrogates, very deep nesting)."""
    try:
        return _orjson_dumps(value, option=_SORT_KEYS).decode()
    except TypeError:
        return _std_canonical(value)


def _ordered(value) -> str:
    try:
        return _orjson_dumps(value).decode()
    except TypeError:
        return _std_ordered(value)


def _scalar(value) -> str:
    if value is None:
        return "null"
    return int.__repr__(value) if type(value) is int else _canonical(value)


def _payload_text(
    seq,
    at,
    actor_id,
    actor_username,
    action,
    object_type,
    object_id,
    object_repr,
    region_code,
    changes_json,
    extra_json,
    prev_hash,
) -> str:
    """_payload() built from the parts, with `changes` and `extra` already in canonical JSON:
    the same text, so that each entry's JSON is serialised once, for its hash and for storing it.
    tests/core/test_audit.py checks the two against each other."""
    return (
        f'{{"action":{_text(action)},"actor":{_scalar(actor_id)},'
        f'"actor_username":{_text(actor_username)},"at":"{at}","changes":{changes_json},'
        f'"extra":{extra_json},"object_id":{_text(object_id)},"object_repr":{_text(object_repr)},'
        f'"object_type":{_text(object_type)},"prev_hash":{_text(prev_hash)},'
        f'"region_code":{_text(region_code)},"seq":{_scalar(seq)}}}'
    )


_COLUMNS = (
    "seq", "at", "actor_id", "actor_username", "action", "object_type", "object_id", "object_repr",
    "region_code", "changes", "extra", "prev_hash", "hash",
)  # fmt: skip


class Chain:
    """The end of the chain while one transaction appends to it (see appending()): prepare()
    numbers and hashes entries in memory and returns their rows; the caller writes them
    (write_rows), possibly later or from another thread, before the transaction ends."""

    def __init__(self, using: str, seq: int, prev: str, jsonb: bool):
        self.using, self.seq, self.prev, self.jsonb = using, seq, prev, jsonb

    def prepare(self, entries: list[Pending], keep: bool = False) -> list[tuple]:
        """Rows in _COLUMNS order; with keep, (row, actor, changes, extra) for _entry()."""
        now = timezone.now()
        at_text = now.astimezone(dt.UTC).isoformat(timespec="microseconds")
        seq, prev, jsonb = self.seq, self.prev, self.jsonb
        out = []
        sha256 = hashlib.sha256
        for p in entries:
            object_type, object_id, object_repr, region_code = _object_fields(
                p.obj, p.object_type, p.object_id, p.object_repr, p.region_code
            )
            actor = p.actor
            if actor is None:  # system imports: thousands of entries without an actor
                actor_id, username = None, ""
            elif getattr(actor, "pk", None):
                actor_id, username = actor.pk, getattr(actor, "username", "") or ""
            else:
                actor, actor_id, username = None, None, ""
            if p.jsonsafe:
                changes, extra = p.changes or {}, p.extra or {}
            else:
                changes, extra = jsonable(p.changes or {}), jsonable(p.extra or {})
            changes_json, extra_json = _canonical(changes), _canonical(extra)
            seq += 1
            payload = _payload_text(
                seq, at_text, actor_id, username, p.action, object_type, object_id, object_repr,
                region_code, changes_json, extra_json, prev,
            )  # fmt: skip
            digest = sha256(payload.encode()).hexdigest()
            if not jsonb:
                changes_json, extra_json = _ordered(changes), _ordered(extra)
            row = (seq, now, actor_id, username, p.action, object_type, object_id, object_repr,
                   region_code, changes_json, extra_json, prev, digest)  # fmt: skip
            out.append((row, actor, changes, extra) if keep else row)
            prev = digest
        self.seq, self.prev = seq, prev
        return out


@contextmanager
def appending(using: str | None = None):
    """Lock the chain's head for the rest of the transaction and yield a Chain; the head is
    moved to the last prepared entry when the block ends. Every prepared row must be written
    inside the block (record_many does it at once; an import may hand them to a writer thread
    and wait for it before the block ends)."""
    using = using or router.db_for_write(AuditEntry)
    jsonb = connections[using].vendor == "postgresql"
    with transaction.atomic(using=using):
        head, _ = AuditHead.objects.using(using).select_for_update().get_or_create(pk=1)
        chain = Chain(using, head.seq, head.hash, jsonb)
        yield chain
        # A block marked for rollback (an all-or-nothing import that found a bad row after writing
        # its first batches) leaves the head where it was: its entries go with the rollback.
        if chain.seq != head.seq and not transaction.get_rollback(using=using):
            head.seq, head.hash = chain.seq, chain.prev
            head.save(update_fields=["seq", "hash"])


def record_many(entries: list[Pending]) -> list[AuditEntry]:
    """Append several entries under one lock (imports write thousands at once).

    Each entry's `changes` and `extra` are serialised once to canonical JSON, which is both hashed
    (inside the payload) and, on PostgreSQL, stored (elsewhere the stored text keeps the keys'
    order, which reads back as the same dict, so as the same canonical JSON); the rows are written
    with COPY on PostgreSQL and one executemany elsewhere, not through the ORM's bulk_create
    (docs/performance.md)."""
    if not entries:
        return []
    with appending() as chain:
        first = chain.seq + 1
        prepared = chain.prepare(entries, keep=True)
        connection = connections[chain.using]
        pks = _insert(connection, [row for row, *_ in prepared], first, chain.seq)
    return [
        _entry(chain.using, pk, row, actor, changes, extra)
        for pk, (row, actor, changes, extra) in zip(pks, prepared, strict=True)
    ]


def copy_text(rows: list[tuple]) -> str:
    """Prepared rows as COPY text (core.copytext), in the order copy_write() names the columns:
    formatted by the thread that prepared them, so that a writer thread only sends them."""
    esc, js = copytext.text, copytext.json_text
    out = []
    moment = at = None
    for seq, now, actor_id, username, action, otype, oid, orepr, region, changes, extra, prev, digest in rows:
        if now is not moment:
            moment, at = now, now.isoformat()
        actor = copytext.NULL if actor_id is None else actor_id
        out.append(
            f"{seq}\t{at}\t{actor}\t{esc(username)}\t{esc(action)}\t{esc(otype)}\t{esc(oid)}\t"
            f"{esc(orepr)}\t{esc(region)}\t{js(changes)}\t{js(extra)}\t{prev}\t{digest}\n"
        )
    return "".join(out)


def copy_write(cursor, text: str | bytes) -> None:
    """Write copy_text() output (or its UTF-8 bytes) with COPY through a psycopg 3 cursor (the
    ids from the table's default); safe to call from a thread other than the one that prepared
    the rows, on the transaction's connection (psycopg connections serialise their users)."""
    if not text:
        return
    from psycopg import sql  # PostgreSQL only; names quoted by the driver, not by Django's
    # per-thread connection wrapper

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(AuditEntry._meta.db_table),
        sql.SQL(", ").join(sql.Identifier(AuditEntry._meta.get_field(c).column) for c in _COLUMNS),
    )
    with cursor.copy(statement) as copy:
        copy.write(text)


def write_rows(connection, rows: list[tuple]) -> None:
    """Write prepared rows on a Django connection, in its thread (COPY or executemany)."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            copy_write(cursor.cursor, copy_text(rows))
    else:
        _insert(connection, rows, rows[0][0], rows[-1][0])


def _insert(connection, values: list[tuple], first: int, last: int) -> list[int]:
    """Write the rows (in _COLUMNS order); return their primary keys in order."""
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(AuditEntry._meta.get_field(c).column) for c in _COLUMNS)
    pk_column = connection.ops.quote_name(AuditEntry._meta.pk.column)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if connection.vendor == "postgresql" and hasattr(raw, "copy"):  # psycopg 3
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [AuditEntry._meta.db_table, AuditEntry._meta.pk.column, len(values)],
            )
            pks = [r[0] for r in cursor.fetchall()]
            with raw.copy(f"COPY {table} ({pk_column}, {columns}) FROM STDIN") as copy:
                for pk, row in zip(pks, values, strict=True):
                    copy.write_row((pk, *row))
            return pks
        adapt = connection.ops.adapt_datetimefield_value
        at = adapt(values[0][1])
        marks = ", ".join(["%s"] * len(_COLUMNS))
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", [(r[0], at, *r[2:]) for r in values]
        )
        if connection.vendor == "sqlite":
            # Inside the transaction SQLite lets no one else write, so the rows got consecutive
            # rowids (the primary key) ending with the last one inserted.
            cursor.execute("SELECT last_insert_rowid()")
            end = cursor.fetchone()[0]
            return list(range(end - len(values) + 1, end + 1))
        seq_column = connection.ops.quote_name(AuditEntry._meta.get_field("seq").column)
        cursor.execute(
            f"SELECT {pk_column} FROM {table} WHERE {seq_column} BETWEEN %s AND %s ORDER BY {seq_column}",
            [first, last],
        )
        return [r[0] for r in cursor.fetchall()]


def _entry(using, pk, row, actor, changes, extra) -> AuditEntry:
    """The written entry as a model instance, without the cost of Model.__init__ per entry."""
    entry = AuditEntry.__new__(AuditEntry)
    entry._state = ModelState()
    entry._state.adding, entry._state.db = False, using
    entry.__dict__.update(zip(_COLUMNS, row, strict=True))
    entry.__dict__[AuditEntry._meta.pk.attname] = pk
    entry.changes, entry.extra = changes, extra
    if actor is not None:
        entry._state.fields_cache["actor"] = actor
    return entry


def record(actor, action: str, obj: models.Model | None = None, **kwargs) -> AuditEntry:
    """Append one entry; call it inside the transaction that makes the change."""
    return record_many([Pending(actor=actor, action=action, obj=obj, **kwargs)])[0]


@dataclass
class ChainReport:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def verify_chain() -> ChainReport:
    """Recompute every hash and link in order; report the first entry that does not match."""
    prev = GENESIS
    expected_seq = 1
    checked = 0
    for e in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if e.seq != expected_seq:
            return ChainReport(False, checked, expected_seq, f"entry #{expected_seq} is missing")
        if e.prev_hash != prev:
            return ChainReport(False, checked, e.seq, "link to the previous entry does not match")
        if compute_hash(e) != e.hash:
            return ChainReport(False, checked, e.seq, "content does not match its hash")
        prev = e.hash
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head and (head.seq != checked or head.hash != prev):
        return ChainReport(False, checked, checked + 1, "entries after the last one were removed")
    return ChainReport(True, checked)


# ---- what the audit log shows (DESIGN.md promise 4) ----------------------------------------------

MaskFunction = Callable[[str], str]
_SENSITIVE: dict[str, MaskFunction] = {}


def register_sensitive(key: str, mask: MaskFunction) -> None:
    """Declare that values stored under `key` — at any depth of an entry's `changes` or `extra` —
    are personal numbers, shown through `mask` (which must be idempotent: entries written after
    masking already hold masked values). Apps call it from AppConfig.ready(); core knows no app.

    Entries are never rewritten (the chain's hashes cover them), so entries written before a
    number was masked, or records kept whole inside `extra` (a merge's `merged_record`), are
    masked when they are read, by every page that shows them."""
    _SENSITIVE[key] = mask


def sensitive_keys() -> frozenset[str]:
    return frozenset(_SENSITIVE)


def mask(data):
    """A copy of an entry's `changes` or `extra` with every registered key's value masked,
    however deep it sits: a [before, after] pair masks both sides, a plain value itself, a nested
    record (a dict) key by key. Every other text is scanned for ID and phone numbers typed into
    it (a visit note, a reason: core.textmask). The stored entry is not touched."""
    return _mask(data, None)


def _mask(value, fn: MaskFunction | None):
    kind = type(value)
    if kind is dict:
        return {k: _mask(v, _SENSITIVE.get(k, fn)) for k, v in value.items()}
    if kind is list:
        return [_mask(v, fn) for v in value]
    if value is None or value == "" or kind is bool:
        return value
    if fn is None:
        return textmask.mask_numbers(value) if kind is str else value
    return fn(str(value))


@dataclass(frozen=True, slots=True)
class Item:
    """One line of an entry as the audit page shows it: `key: before → after` (a pair in
    `changes`) or `key: value`, or a nested record's lines under its key."""

    key: str
    value: object = None
    before: object = None
    after: object = None
    pair: bool = False
    children: tuple = ()
    label: str = dataclasses.field(
        default="", compare=False
    )  # the field's verbose name ("出生日期"), else the key


@dataclass(frozen=True, slots=True)
class Shown:
    """An audit entry as a page shows it: `changes` and `extra` masked unless `full`; `masked`
    says whether masking hid anything (only then may a user with the right reveal the entry)."""

    entry: AuditEntry
    changes: tuple[Item, ...]
    extra: tuple[Item, ...]
    masked: bool
    full: bool


def _display(value) -> object:
    if isinstance(value, list):
        return ", ".join("—" if v is None else str(v) for v in value)
    return value


_LABELS: dict[str, object] = {
    "ip": _("IP address"),
    "field": _("field"),
    "audit_entry": _("audit entry"),
}
_model_of = lru_cache(maxsize=256)(model_of_audit_type)


def register_label(key: str, label) -> None:
    """A label for a key of entries' `extra` (or of `changes` that is no model field), e.g.
    "merged_into" → 并入; apps call it from AppConfig.ready(). Field keys need none: the page
    shows the verbose name of the entry's model's field."""
    _LABELS[key] = label


def label_of(model, key: str) -> str:
    """What the audit page calls `key` of an entry about `model` (None: no model)."""
    if model is not None:
        try:
            field = model._meta.get_field(key)
        except Exception:  # FieldDoesNotExist, or a relation without a verbose name
            field = None
        name = getattr(field, "verbose_name", None)
        if name:
            return str(name)
    if key in _LABELS:
        return str(_LABELS[key])
    return key


def _items(data: dict, pairs: bool, model=None) -> tuple[Item, ...]:
    out = []
    for key, value in (data or {}).items():
        key, label = str(key), label_of(model, str(key))
        if pairs and isinstance(value, list) and len(value) == 2:
            out.append(Item(key, before=_display(value[0]), after=_display(value[1]), pair=True, label=label))
        elif isinstance(value, dict):
            out.append(Item(key, children=_items(value, False, model), label=label))
        else:
            out.append(Item(key, value=_display(value), label=label))
    return tuple(out)


def shown(entry: AuditEntry, *, full: bool = False) -> Shown:
    """The entry for a page. `full` shows the stored values: only for a user who may see full
    ID numbers, and only after the viewing was recorded (core.services.audit_entry_reveal)."""
    changes, extra = entry.changes or {}, entry.extra or {}
    masked_changes, masked_extra = mask(changes), mask(extra)
    hid = masked_changes != changes or masked_extra != extra
    if not full:
        changes, extra = masked_changes, masked_extra
    model = _model_of(entry.object_type) if entry.object_type else None
    return Shown(entry, _items(changes, True, model), _items(extra, False, model), hid, full)
