"""Writes for the registry (特困人员台账). Each is atomic, validates, and writes its audit entry in
the same transaction (DESIGN.md "Inside an app", promise 2).

Derived values are computed here and never typed: birth date and sex from the ID number
(idcard.parse_id_number), pinyin search keys from the name (pinyin.name_keys), the reversed ID
number for "last digits" search (models.reversed_id). Code that writes persons in bulk (the
ledger import) should fill them with `derived_fields()` and then call `duplicates_detect()`.

Audit entries never hold a full ID number (the audit page shows them to roles that may not see
full numbers), nor a full disability certificate number, which begins with the ID number; the
merge entry keeps the merged-away record in `extra`, every field, those numbers masked. Older
entries that hold them whole are masked when read (apps.py registers the keys with core.audit).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from doudi.core import audit, textmask
from doudi.core import regions as rcodes
from doudi.core.models import Region
from doudi.core.roles import Cap
from doudi.core.scope import in_scope, prefix_range

from . import idcard
from .models import (
    CivilCapacity,
    DisabilityKind,
    DuplicateCandidate,
    MaritalStatus,
    Person,
    PersonStatus,
    Placement,
    reversed_id,
)
from .pinyin import name_keys

# What a clerk may set; everything else on Person is derived or bookkeeping.
PERSON_FIELDS = (
    "name",
    "id_number",
    "village",
    "phone",
    "address",
    "disability_kind",
    "disability_grade",
    "disability_certificate",
    "civil_capacity",
    "civil_capacity_basis",
    "marital_status",
    "placement",
    "status",
    "applied_on",
    "supported_since",
    "terminated_on",
    "notes",
)
# Fields an audit entry records (the derived birth date and sex included: they change with the ID).
AUDITED_FIELDS = (*PERSON_FIELDS, "birth_date", "sex")

_TEXT_FIELDS = {
    "name",
    "phone",
    "address",
    "disability_certificate",
    "civil_capacity_basis",
    "notes",
}
_CHOICE_FIELDS = {
    "disability_kind": DisabilityKind,
    "civil_capacity": CivilCapacity,
    "marital_status": MaritalStatus,
    "placement": Placement,
    "status": PersonStatus,
}
_OPTIONAL_CHOICES = {"disability_kind", "marital_status"}
_DATE_FIELDS = ("applied_on", "supported_since", "terminated_on")
_DEFAULTS = {
    "phone": "",
    "address": "",
    "disability_kind": "",
    "disability_grade": None,
    "disability_certificate": "",
    "civil_capacity": CivilCapacity.FULL,
    "civil_capacity_basis": "",
    "marital_status": "",
    "placement": Placement.DISPERSED,
    "status": PersonStatus.ACTIVE,
    "applied_on": None,
    "supported_since": None,
    "terminated_on": None,
    "notes": "",
}


class DuplicateIdNumber(ValidationError):
    """The ID number is already registered. `existing` is that person when the actor may see
    them, else None — the message then names only whom to contact, nothing about the person."""

    def __init__(self, message: str, existing: Person | None = None):
        super().__init__({"id_number": [ValidationError(message, code="duplicate_id")]})
        self.existing = existing


# ---- helpers ------------------------------------------------------------------------------


def _require(actor, cap: Cap) -> None:
    if actor is None or not actor.can(cap):
        raise PermissionDenied(_("Your role does not allow this."))


def _require_area(actor, code: str) -> None:
    if not in_scope(actor, code):
        raise PermissionDenied(_("This record is outside your area."))


def derived_fields(*, name: str, id_number: str) -> dict:
    """Birth date, sex and the search keys for a name and a (valid) ID number.

    Raises idcard.InvalidIdNumber for an invalid number.
    """
    parsed = idcard.parse_id_number(id_number)
    pinyin, initials = name_keys(name)
    return {
        "id_number": parsed.number,
        "birth_date": parsed.birth_date,
        "sex": parsed.sex,
        "name_pinyin": pinyin,
        "name_initials": initials,
        "id_reversed": reversed_id(parsed.number),
    }


def person_audit_snapshot(person: Person) -> dict:
    snap = audit.snapshot(person, AUDITED_FIELDS)
    snap["id_number"] = idcard.mask_id_number(person.id_number)
    # The birth date is the eight digits the mask hides: beside a masked number it would give the
    # number back, so an entry keeps its year only (textmask.mask_birth_date).
    snap["birth_date"] = textmask.mask_birth_date(snap["birth_date"])
    # The certificate number begins with the ID number (idcard.mask_certificate_number).
    snap["disability_certificate"] = idcard.mask_certificate_number(person.disability_certificate)
    return snap


def _contact_office(actor, person: Person) -> str:
    """Whom to contact about a person outside the actor's area: their township's office."""
    village = Region.objects.select_related("parent__parent").get(pk=person.village_id)
    township = village.parent
    if township is None:
        place = village.name
    elif actor is not None and actor.region_id and actor.region_id[:6] != village.code[:6]:
        county = township.parent
        place = f"{county.name}{township.name}" if county else township.name
    else:
        place = township.name
    return _("the civil-affairs office of %(place)s") % {"place": place}


def _duplicate_id_error(actor, existing: Person) -> DuplicateIdNumber:
    if in_scope(actor, existing.village_id):
        village = Region.objects.filter(pk=existing.village_id).values_list("name", flat=True).first()
        return DuplicateIdNumber(
            _("A person with this ID number is already registered: %(name)s, %(village)s.")
            % {"name": existing.name, "village": village or existing.village_id},
            existing=existing,
        )
    same_county = actor is not None and (actor.region_id or "")[:6] == existing.village_id[:6]
    if same_county:
        message = _(
            "This ID number is already registered elsewhere in the county. Please contact %(office)s."
        )
    else:
        message = _("This ID number is already registered in another area. Please contact %(office)s.")
    return DuplicateIdNumber(message % {"office": _contact_office(actor, existing)})


def _resolve_village(value) -> Region | None:
    if value is None or value == "":
        return None
    if isinstance(value, Region):
        return value
    return Region.objects.filter(pk=str(value).strip()).first()


def _clean(actor, data: dict, person: Person | None) -> dict:
    """Validate and normalise the given fields (all of them on create, the changed ones on
    update, merged with the person's current values). Collects every error before raising."""
    unknown = set(data) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    errors: dict[str, list[str]] = defaultdict(list)
    current = {f: getattr(person, f) for f in PERSON_FIELDS if f != "village"} if person else dict(_DEFAULTS)
    if person is not None:
        current["village"] = person.village
    values = {**current, **data}

    for f in _TEXT_FIELDS:
        values[f] = (values.get(f) or "").strip()
        limit = Person._meta.get_field(f).max_length
        if limit and len(values[f]) > limit:
            errors[f].append(_("At most %(n)d characters.") % {"n": limit})
    if not values["name"]:
        errors["name"].append(_("The name is required."))
    certificate = values["disability_certificate"]
    if "*" in certificate and certificate != current["disability_certificate"]:
        # A masked number read from a page, the API or an export, sent back: never stored.
        errors["disability_certificate"].append(
            _("This disability certificate number is masked (it contains *). Enter the full number.")
        )

    try:
        values["_derived"] = derived_fields(name=values["name"], id_number=values.get("id_number") or "")
        values["id_number"] = values["_derived"]["id_number"]
    except idcard.InvalidIdNumber as exc:
        errors["id_number"].append(str(exc))

    village = _resolve_village(values.get("village"))
    if village is None:
        errors["village"].append(_("Choose the village where the person is registered."))
    elif village.level != rcodes.VILLAGE:
        errors["village"].append(_("Choose a village or community, not a higher-level unit."))
    elif not in_scope(actor, village.code):
        errors["village"].append(_("This village is outside your area."))
    elif not village.is_active and (person is None or village.code != person.village_id):
        errors["village"].append(_("This village has been abolished or merged; choose the current one."))
    values["village"] = village

    for f, choices in _CHOICE_FIELDS.items():
        values[f] = values.get(f) or ""
        if values[f] == "" and f in _OPTIONAL_CHOICES:
            continue
        if values[f] not in choices.values:
            errors[f].append(_("“%(value)s” is not a valid choice.") % {"value": values[f]})

    grade = values.get("disability_grade")
    if grade in ("", None):
        grade = None
    else:
        try:
            grade = int(grade)
        except (TypeError, ValueError):
            grade = 0
        if not 1 <= grade <= 4:
            errors["disability_grade"].append(_("The disability grade is 1 to 4."))
    values["disability_grade"] = grade
    if values["disability_kind"] and grade is None:
        errors["disability_grade"].append(_("Give the grade on the disability certificate."))
    if grade is not None and not values["disability_kind"]:
        errors["disability_kind"].append(_("Give the kind of disability for this grade."))

    for f in _DATE_FIELDS:
        if values.get(f) in ("", None):
            values[f] = None
        elif not isinstance(values[f], dt.date):
            try:
                values[f] = dt.date.fromisoformat(str(values[f]))
            except ValueError:
                errors[f].append(_("Enter a date as YYYY-MM-DD."))
                values[f] = None
    if values["status"] == PersonStatus.TERMINATED and not values["terminated_on"]:
        errors["terminated_on"].append(_("Give the date support was terminated."))
    if (
        values["applied_on"]
        and values["supported_since"]
        and values["supported_since"] < values["applied_on"]
    ):
        errors["supported_since"].append(_("Support cannot start before the application."))
    if (
        values["supported_since"]
        and values["terminated_on"]
        and values["terminated_on"] < values["supported_since"]
    ):
        errors["terminated_on"].append(_("Support cannot end before it started."))

    if errors:
        raise ValidationError(dict(errors))

    existing = Person.objects.filter(id_number=values["id_number"])
    if person is not None:
        existing = existing.exclude(pk=person.pk)
    other = existing.first()
    if other is not None:
        raise _duplicate_id_error(actor, other)
    return values


def _apply(person: Person, values: dict) -> None:
    for f in PERSON_FIELDS:
        setattr(person, f, values[f])
    for f, v in values["_derived"].items():
        setattr(person, f, v)


# ---- persons ------------------------------------------------------------------------------


def person_create(*, actor, **fields) -> Person:
    """Register a supported person. Fields: see PERSON_FIELDS (`village` a Region or its code).

    Raises PermissionDenied, ValidationError (by field), or DuplicateIdNumber. Probable
    duplicates found are put in the review queue; the person is saved regardless.
    """
    _require(actor, Cap.EDIT_PERSONS)
    values = _clean(actor, fields, None)
    person = Person(created_by=actor if getattr(actor, "pk", None) else None)
    _apply(person, values)
    try:
        with transaction.atomic():
            person.save()
            duplicates_detect([person])
            audit.record(actor, "create", person, changes=audit.diff({}, person_audit_snapshot(person)))
    except IntegrityError:  # registered by someone else between the check and the save
        other = Person.objects.filter(id_number=person.id_number).first()
        if other is None:
            raise
        raise _duplicate_id_error(actor, other) from None
    return person


def person_update(*, actor, person: Person, **fields) -> Person:
    """Change a person's record; only the given fields change. Records the before/after of every
    changed field, and looks for probable duplicates again when name, birth date or village change."""
    _require(actor, Cap.EDIT_PERSONS)
    _require_area(actor, person.village_id)
    values = _clean(actor, fields, person)
    before = person_audit_snapshot(person)
    certificate, birth = person.disability_certificate, person.birth_date
    _apply(person, values)
    after = person_audit_snapshot(person)
    changes = audit.diff(before, after)
    if certificate != person.disability_certificate and "disability_certificate" not in changes:
        # Corrected inside its masked part: recorded (and saved), though both sides read the same.
        changes["disability_certificate"] = [
            before["disability_certificate"],
            after["disability_certificate"],
        ]
    if birth != person.birth_date and "birth_date" not in changes:
        changes["birth_date"] = [before["birth_date"], after["birth_date"]]  # same year, masked alike
    if not changes:
        return person
    try:
        with transaction.atomic():
            person.save()
            if {"name", "birth_date", "village"} & set(changes):
                duplicates_detect([person])
            audit.record(actor, "update", person, changes=changes)
    except IntegrityError:
        other = Person.objects.filter(id_number=person.id_number).exclude(pk=person.pk).first()
        if other is None:
            raise
        raise _duplicate_id_error(actor, other) from None
    return person


def person_reveal_id(*, actor, person: Person) -> str:
    """The full ID number, for a role that may see it; the viewing is audited (promise 4)."""
    _require(actor, Cap.VIEW_FULL_ID)
    _require_area(actor, person.village_id)
    audit.record(actor, "view", person, extra={"field": "id_number"})
    return person.id_number


def persons_reveal_ids(*, actor, persons: Iterable[Person]) -> None:
    """Audit the viewing of several full ID numbers at once (an API page with ?full_ids=true)."""
    _require(actor, Cap.VIEW_FULL_ID)
    persons = list(persons)
    for person in persons:
        _require_area(actor, person.village_id)
    audit.record_many([audit.Pending(actor, "view", p, extra={"field": "id_number"}) for p in persons])


# ---- probable duplicates ------------------------------------------------------------------


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


# Above this many persons duplicates_detect() lets the database group the county (a ledger import);
# up to it, it reads only the rows that could match (a clerk's save). Both give the same pairs.
DUPLICATES_IN_SQL_ABOVE = 100

# The order of the reasons in DuplicateCandidate.reason.
_REASONS = (DuplicateCandidate.Reason.SAME_PINYIN_AND_BIRTH, DuplicateCandidate.Reason.SAME_NAME_AND_VILLAGE)


def _county_ranges(persons: list[Person]) -> list[tuple[str, str]]:
    return [prefix_range(county) for county in sorted({p.village_id[:6] for p in persons})]


def duplicates_detect(persons: Iterable[Person]) -> list[DuplicateCandidate]:
    """Queue probable duplicates of the given (saved) persons within their county: the same name
    in pinyin and the same birth date (homophones and variant characters: 张三 / 章三), or the same
    name in the same village. A pair already queued — open or decided — is not queued again.

    Returns the new candidates, sorted by pair. `persons` may be Person instances or anything with
    their pk, name, name_pinyin, birth_date and village_id (the ledger import's keys)."""
    persons = [p for p in persons if p.pk]
    if not persons:
        return []
    connection = connections[router.db_for_write(DuplicateCandidate)]
    if len(persons) > DUPLICATES_IN_SQL_ABOVE and connection.vendor in ("sqlite", "postgresql"):
        found = _duplicates_grouped(connection, persons)
    else:
        found = _duplicates_matched(persons)
    if not found:
        return []
    known = _queued_pairs({pk for pair in found for pk in pair})
    new = [
        DuplicateCandidate(
            person_id=a, other_id=b, reason=",".join(r for r in _REASONS if r in found[(a, b)])
        )
        for a, b in sorted(found)
        if (a, b) not in known
    ]
    DuplicateCandidate.objects.bulk_create(new, ignore_conflicts=True)
    return new


def _duplicates_matched(persons: list[Person]) -> dict[tuple[int, int], set[str]]:
    """The pairs (lower id first) and their reasons, matched in Python against the county's rows
    that share a name or a pinyin with one of the persons (all its rows when there are many)."""
    where = Q()
    for low, high in _county_ranges(persons):
        where |= Q(village_id__gte=low, village_id__lte=high)
    if len(persons) <= DUPLICATES_IN_SQL_ABOVE:  # interactive case: only rows that could match
        # Each side of the OR has its index (pinyin; village) — with the county range around both,
        # SQLite would read every row of the county instead.
        where = (where & Q(name_pinyin__in={p.name_pinyin for p in persons if p.name_pinyin})) | Q(
            village_id__in={p.village_id for p in persons}, name__in={p.name for p in persons}
        )
    by_birth: dict[tuple, list[int]] = defaultdict(list)
    by_village: dict[tuple, list[int]] = defaultdict(list)
    rows = Person.objects.filter(where).values_list("pk", "name", "name_pinyin", "birth_date", "village_id")
    for pk, name, pinyin, birth, village in rows:
        if pinyin:
            by_birth[(village[:6], pinyin, birth)].append(pk)
        by_village[(name, village)].append(pk)

    found: dict[tuple[int, int], set[str]] = defaultdict(set)
    for p in persons:
        if p.name_pinyin:
            for other in by_birth.get((p.village_id[:6], p.name_pinyin, p.birth_date), ()):
                if other != p.pk:
                    found[_pair(p.pk, other)].add(DuplicateCandidate.Reason.SAME_PINYIN_AND_BIRTH)
        for other in by_village.get((p.name, p.village_id), ()):
            if other != p.pk:
                found[_pair(p.pk, other)].add(DuplicateCandidate.Reason.SAME_NAME_AND_VILLAGE)
    return found


def _duplicates_grouped(connection, persons: list[Person]) -> dict[tuple[int, int], set[str]]:
    """The same pairs as _duplicates_matched(), for many persons (a ledger import).

    The database groups the rows of the persons' counties by each reason's key — one scan and one
    sort each — and returns only the groups of two or more, as lists of ids; the pairs in them
    that involve one of the persons are formed here. Only rows with a probable duplicate reach
    Python. Grouping rather than joining keeps the plan safe when the row estimates are wrong, as
    they are inside a first import's transaction (a join planned on them is a nested loop).
    """
    postgres = connection.vendor == "postgresql"
    # PostgreSQL: byte order sorts several times faster than a linguistic collation, and groups
    # the same strings. SQLite: the unary + (a no-op) keeps a column off its index, so that the
    # rows are read from the table and sorted — following the (village, status) index to each
    # row of the county, or the birth-date index to have them in that order, is several times
    # slower. Each key starts with its most selective column, so comparisons seldom go further.
    c, plus = (' COLLATE "C"', "") if postgres else ("", "+")
    ids = "string_agg(CAST(id AS text), ',')" if postgres else "group_concat(id, ',')"
    ranges = _county_ranges(persons)
    scope = " OR ".join([f"({plus}village_id >= %s AND {plus}village_id <= %s)"] * len(ranges))
    table = connection.ops.quote_name(Person._meta.db_table)
    sql = (
        f"SELECT 0, {ids} FROM {table} WHERE ({scope}) AND name_pinyin <> '' "
        f"GROUP BY {plus}birth_date, name_pinyin{c}, substr(village_id, 1, 6){c} HAVING COUNT(*) > 1 "
        f"UNION ALL "
        f"SELECT 1, {ids} FROM {table} WHERE ({scope}) "
        f"GROUP BY name{c}, village_id{c} HAVING COUNT(*) > 1"
    )
    params = [code for r in ranges for code in r] * 2
    touched = {p.pk for p in persons}
    found: dict[tuple[int, int], set[str]] = defaultdict(set)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for reason, group in cursor.fetchall():
            members = sorted(int(pk) for pk in group.split(","))
            if touched.isdisjoint(members):
                continue
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    if a in touched or b in touched:
                        found[(a, b)].add(_REASONS[reason])
    return found


def _queued_pairs(ids: set[int]) -> set[tuple[int, int]]:
    """The pairs among `ids` already in the queue (any status), the ids passed as one parameter."""
    rows = DuplicateCandidate.objects.filter(person_id__any_of=sorted(ids)).values_list(
        "person_id", "other_id"
    )
    return {(a, b) for a, b in rows if b in ids}


def _decide_check(actor, candidate: DuplicateCandidate) -> DuplicateCandidate:
    _require(actor, Cap.MERGE_PERSONS)
    candidate = (
        DuplicateCandidate.objects.select_for_update(of=("self",))
        .select_related("person", "other")
        .get(pk=candidate.pk)
    )
    for p in (candidate.person, candidate.other):
        if p is not None:
            _require_area(actor, p.village_id)
    if candidate.status != DuplicateCandidate.Status.OPEN or candidate.other is None:
        raise ValidationError(_("This pair has already been decided."))
    return candidate


def duplicate_dismiss(*, actor, candidate: DuplicateCandidate) -> DuplicateCandidate:
    """Record that the pair are two different people; the pair is not queued again."""
    with transaction.atomic():
        candidate = _decide_check(actor, candidate)
        candidate.status = DuplicateCandidate.Status.DISMISSED
        candidate.decided_by = actor
        candidate.decided_at = timezone.now()
        candidate.save(update_fields=["status", "decided_by", "decided_at"])
        audit.record(
            actor,
            "update",
            candidate,
            changes={"status": [DuplicateCandidate.Status.OPEN, DuplicateCandidate.Status.DISMISSED]},
            extra={"person": candidate.person_id, "other": candidate.other_id},
        )
    return candidate


# Rows pointing at a person move to the kept person on a merge. By default a foreign key is
# simply repointed; a model whose constraints need more (e.g. "one current guardian per person")
# registers a handler: handler(keep, drop, actor) -> number of rows moved.
MERGE_HANDLERS: dict[str, Callable[[Person, Person, object], int]] = {}


def register_merge_handler(model_label: str):
    def decorator(fn):
        MERGE_HANDLERS[model_label.lower()] = fn
        return fn

    return decorator


@register_merge_handler("registry.duplicatecandidate")
def _move_duplicate_pairs(keep: Person, drop: Person, actor) -> int:
    """Pairs of the merged-away person become pairs of the kept one, unless that pair exists."""
    moved = 0
    pairs = DuplicateCandidate.objects.filter(Q(person=drop) | Q(other=drop)).select_for_update()
    for c in pairs:
        other_id = c.other_id if c.person_id == drop.pk else c.person_id
        if other_id is None or other_id == keep.pk:
            c.delete()
            continue
        a, b = _pair(keep.pk, other_id)
        if DuplicateCandidate.objects.filter(person_id=a, other_id=b).exists():
            c.delete()
            continue
        c.person_id, c.other_id = a, b
        c.save(update_fields=["person", "other"])
        moved += 1
    return moved


def _move_related(keep: Person, drop: Person, actor) -> dict[str, int]:
    moved: dict[str, int] = {}
    done = set()
    for rel in Person._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        model = rel.related_model
        label = model._meta.label_lower
        if label in MERGE_HANDLERS:
            if label not in done:
                moved[label] = MERGE_HANDLERS[label](keep, drop, actor)
                done.add(label)
            continue
        try:
            with transaction.atomic():
                n = model._base_manager.filter(**{rel.field.name: drop}).update(**{rel.field.name: keep})
        except IntegrityError as exc:
            # e.g. both records have an active guardianship or a current placement: only one
            # may remain, and which one is a decision for the clerk, not for the merge.
            raise ValidationError(
                _(
                    "Both records have a “%(kind)s” of which a person may have only one. End or "
                    "remove one of them first, then merge."
                )
                % {"kind": model._meta.verbose_name}
            ) from exc
        moved[label] = moved.get(label, 0) + n
    return {k: v for k, v in moved.items() if v}


# Fields the kept record takes from the merged-away one when it has no value of its own.
_FILL_FROM_MERGED = (
    "phone",
    "address",
    "disability_certificate",
    "civil_capacity_basis",
    "marital_status",
    "applied_on",
    "supported_since",
    "notes",
)


def _merged_record(person: Person) -> dict:
    """The merged-away record for the merge entry: every field, the personal numbers masked as in
    every other entry (the audit page shows entries to roles that may not see full numbers).
    Nothing reads it back; to undo a wrong merge by hand, register the person again from their
    file — the masked number, the year of birth and the name here identify them."""
    record = audit.snapshot(person)
    record["id_number"] = idcard.mask_id_number(person.id_number)
    record["id_reversed"] = idcard.mask_reversed_id(person.id_reversed)
    record["birth_date"] = textmask.mask_birth_date(record["birth_date"])
    record["disability_certificate"] = idcard.mask_certificate_number(person.disability_certificate)
    return record


def duplicate_merge(*, actor, candidate: DuplicateCandidate, keep: Person | int) -> Person:
    """Merge the pair into `keep` (one of the two). The kept record takes the other's values where
    it has none; every row pointing at the other person moves to it (MERGE_HANDLERS); the other
    record is deleted. Both persons' audit entries stay: the merge entry on the kept person names
    the merged-away one, so its history shows on the kept person's page."""
    keep_pk = keep.pk if isinstance(keep, Person) else int(keep)
    with transaction.atomic():
        candidate = _decide_check(actor, candidate)
        if keep_pk not in (candidate.person_id, candidate.other_id):
            raise ValidationError(_("Choose one of the two records to keep."))
        keep = Person.objects.select_for_update().get(pk=keep_pk)
        drop_pk = candidate.other_id if keep_pk == candidate.person_id else candidate.person_id
        drop = Person.objects.select_for_update().get(pk=drop_pk)

        before = person_audit_snapshot(keep)
        for f in _FILL_FROM_MERGED:
            if getattr(keep, f) in ("", None) and getattr(drop, f) not in ("", None):
                setattr(keep, f, getattr(drop, f))
        if not keep.disability_kind and drop.disability_kind:
            keep.disability_kind, keep.disability_grade = drop.disability_kind, drop.disability_grade
        keep.save()
        # The decided pair stays on record as (kept person, —) before the other rows move.
        candidate.person, candidate.other = keep, None
        candidate.status = DuplicateCandidate.Status.MERGED
        candidate.decided_by = actor
        candidate.decided_at = timezone.now()
        candidate.save(update_fields=["person", "other", "status", "decided_by", "decided_at"])
        moved = _move_related(keep, drop, actor)
        merged_record = _merged_record(drop)
        drop_id, drop_name, drop_village = drop.pk, drop.name, drop.village_id
        drop.delete()
        audit.record_many(
            [
                audit.Pending(
                    actor,
                    "merge",
                    keep,
                    changes=audit.diff(before, person_audit_snapshot(keep)),
                    extra={
                        "merged_person": drop_id,
                        "merged_name": drop_name,
                        "candidate": candidate.pk,
                        "reason": candidate.reason,
                        "moved": moved,
                        "merged_record": merged_record,
                    },
                ),
                audit.Pending(
                    actor,
                    "merge",
                    object_type=Person._meta.label_lower,
                    object_id=str(drop_id),
                    object_repr=drop_name,
                    region_code=drop_village,
                    extra={"merged_into": keep.pk, "kept_name": keep.name, "candidate": candidate.pk},
                ),
            ]
        )
    return keep


def persons_fill_search_keys(qs=None) -> int:
    """Recompute the derived search keys of persons written without the services (e.g. bulk
    loads). Returns the number of rows updated."""
    qs = Person.objects.all() if qs is None else qs
    batch = []
    for p in qs.only("pk", "name", "id_number", "name_pinyin", "name_initials", "id_reversed").iterator(
        chunk_size=2000
    ):
        pinyin, initials = name_keys(p.name)
        rev = reversed_id(p.id_number)
        if (p.name_pinyin, p.name_initials, p.id_reversed) != (pinyin, initials, rev):
            p.name_pinyin, p.name_initials, p.id_reversed = pinyin, initials, rev
            batch.append(p)
    Person.objects.bulk_update(batch, ["name_pinyin", "name_initials", "id_reversed"], batch_size=1000)
    return len(batch)
