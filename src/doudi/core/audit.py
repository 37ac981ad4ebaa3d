"""Hash-chained audit trail (DESIGN.md promise 2).

Services call `record()` inside their own transaction, so the entry commits or rolls back with
the change. Each entry stores the previous entry's hash and its own hash over a canonical JSON of
its fields; `verify_chain()` (the `doudi verify-audit` command) recomputes them all. Appends lock
the single AuditHead row, so concurrent writers cannot fork the chain.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from .models import AuditEntry, AuditHead

GENESIS = "0" * 64


def jsonable(value):
    """A JSON-safe, stable form of a field value for before/after records."""
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


@dataclass
class Pending:
    """An entry to append; see record_many()."""

    actor: object
    action: str
    obj: models.Model | None = None
    object_type: str = ""
    object_id: str = ""
    object_repr: str = ""
    region_code: str | None = None
    changes: dict | None = None
    extra: dict | None = None


def record_many(entries: list[Pending]) -> list[AuditEntry]:
    """Append several entries under one lock (imports write thousands at once)."""
    if not entries:
        return []
    now = timezone.now()
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        seq, prev = head.seq, head.hash
        rows = []
        for p in entries:
            object_type, object_id, object_repr, region_code = _object_fields(
                p.obj, p.object_type, p.object_id, p.object_repr, p.region_code
            )
            actor = p.actor if getattr(p.actor, "pk", None) else None
            seq += 1
            entry = AuditEntry(
                seq=seq,
                at=now,
                actor=actor,
                actor_username=getattr(actor, "username", "") or "",
                action=p.action,
                object_type=object_type,
                object_id=object_id,
                object_repr=object_repr,
                region_code=region_code,
                changes=jsonable(p.changes or {}),
                extra=jsonable(p.extra or {}),
                prev_hash=prev,
            )
            entry.hash = compute_hash(entry)
            prev = entry.hash
            rows.append(entry)
        AuditEntry.objects.bulk_create(rows, batch_size=2000)
        head.seq, head.hash = seq, prev
        head.save(update_fields=["seq", "hash"])
    return rows


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
