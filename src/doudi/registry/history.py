"""A person's audit entries as plain sentences: "2026-11-03 张明 将供养方式由 集中 改为 分散".

Every sentence is one translatable template with named placeholders, so a translation can
order the words as its language needs (DESIGN.md promise 5); field names are the model's
verbose names and values their choice labels. Entries of other kinds (added by later issues)
fall back to a sentence naming the action.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from doudi.core import audit
from doudi.core.models import AuditEntry, Region

from .models import Person, field_label


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    text: str
    action: str


def _actor(entry: AuditEntry) -> str:
    if entry.actor is not None:
        return str(entry.actor)
    return entry.actor_username or _("the system")


def _field(name: str):
    try:
        return Person._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _label(name: str) -> str:
    return field_label(name) if _field(name) is not None else name


class _Values:
    """Turns stored values into what a person reads: choice labels, region names, dates."""

    def __init__(self, entries):
        codes = set()
        for e in entries:
            pair = (e.changes or {}).get("village")
            if isinstance(pair, list):
                codes.update(str(c) for c in pair if c)
        self.regions = (
            dict(Region.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
        )

    def show(self, name: str, value) -> str:
        if value in (None, ""):
            return ""
        field = _field(name)
        if isinstance(field, models.ForeignKey) and field.related_model is Region:
            return self.regions.get(str(value), str(value))
        if field is not None and field.choices:
            labels = {str(k): v for k, v in field.flatchoices}
            return str(labels.get(str(value), value))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        return str(value)


def _change_sentence(base: dict, name: str, old: str, new: str) -> str:
    if name == "id_number":
        # Never a full number in the audit log; a masked one says nothing useful here.
        return _("%(date)s %(actor)s corrected the ID number") % base
    if name == "disability_certificate":
        # Masked by _changes() (it begins with the ID number): a correction inside the masked
        # part reads alike on both sides.
        if old and old == new:
            return _("%(date)s %(actor)s corrected the disability certificate number") % base
    params = {**base, "field": _label(name), "old": old, "new": new}
    if not old:
        return _("%(date)s %(actor)s set %(field)s to %(new)s") % params
    if not new:
        return _("%(date)s %(actor)s cleared %(field)s (was %(old)s)") % params
    return _("%(date)s %(actor)s changed %(field)s from %(old)s to %(new)s") % params


def _changes(entry, base, values) -> list[str]:
    out = []
    # Masked as the audit page masks them (core.audit.mask): entries written before certificate
    # numbers were masked hold them whole, and stored entries are never rewritten.
    for name, pair in audit.mask(entry.changes or {}).items():
        old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        out.append(_change_sentence(base, name, values.show(name, old), values.show(name, new)))
    return out


def describe(entry: AuditEntry, values: _Values | None = None) -> list[str]:
    """The sentences for one audit entry of a person."""
    values = values or _Values([entry])
    base = {
        "date": timezone.localtime(entry.at).date().isoformat(),
        "actor": _actor(entry),
        "name": entry.object_repr,
    }
    extra = entry.extra or {}
    action = entry.action
    if action == AuditEntry.Action.CREATE:
        return [_("%(date)s %(actor)s registered %(name)s") % base]
    if action == AuditEntry.Action.UPDATE:
        return _changes(entry, base, values) or [_("%(date)s %(actor)s saved the record unchanged") % base]
    if action == AuditEntry.Action.VIEW:
        if extra.get("field") == "id_number":
            return [_("%(date)s %(actor)s viewed the full ID number") % base]
        return [_("%(date)s %(actor)s viewed the record") % base]
    if action == AuditEntry.Action.MERGE:
        if "merged_into" in extra:
            params = {**base, "id": entry.object_id, "other": extra.get("kept_name", "")}
            return [_("%(date)s %(actor)s merged record no. %(id)s of %(name)s into %(other)s") % params]
        params = {**base, "other": extra.get("merged_name", ""), "id": extra.get("merged_person", "")}
        line = (
            _("%(date)s %(actor)s merged the duplicate record no. %(id)s of %(other)s into this one") % params
        )
        return [line, *_changes(entry, base, values)]
    if action == AuditEntry.Action.IMPORT:
        changes = entry.changes or {}
        if changes and all((pair or [None])[0] in (None, "") for pair in changes.values()):
            return [_("%(date)s %(actor)s registered %(name)s by importing a ledger") % base]
        return [_("%(date)s %(actor)s imported changes from a ledger") % base] + _changes(entry, base, values)
    if action == AuditEntry.Action.EXPORT:
        return [_("%(date)s %(actor)s exported the record") % base]
    if action == AuditEntry.Action.DELETE:
        return [_("%(date)s %(actor)s deleted the record") % base]
    return [_("%(date)s %(actor)s: %(action)s") % {**base, "action": entry.get_action_display()}]


def history_lines(entries) -> list[HistoryLine]:
    entries = list(entries)
    values = _Values(entries)
    return [HistoryLine(e.at, text, e.action) for e in entries for text in describe(e, values)]
