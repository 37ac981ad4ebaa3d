"""Reads for the registry. Every query starts from scope.scoped() / get_scoped_or_404().

Search (person_list `q`) picks its field from what was typed, so that each kind of search is a
prefix range on an indexed column — `col >= 'zs' AND col < 'zt'` — which a plain B-tree index
serves on SQLite and PostgreSQL alike (LIKE 'zs%' would need a pattern index on PostgreSQL and
case-sensitive LIKE on SQLite):

* digits (optionally ending in X): the last digits of the ID number, through the reversed
  number `id_reversed`; all 18 characters: the exact number;
* latin letters: pinyin, full ("zhangsan", "zhang") or initials ("zs");
* anything else (Chinese): part of the name, or of the village's name. Part-of-name search
  cannot use an index; within one county's ledger it scans a few thousand rows.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Q, QuerySet

from doudi.core import regions as rcodes
from doudi.core.models import AuditEntry, Region
from doudi.core.scope import get_scoped_or_404, scoped

from . import idcard
from .models import ADULT_AGE, ELDERLY_AGE, Category, DuplicateCandidate, Person

PERSON_TYPE = Person._meta.label_lower

_ID_TAIL = re.compile(r"\d{0,17}[\dX]")
_LETTERS = re.compile(r"[a-z]+")


def _prefix_range(field: str, prefix: str) -> Q:
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": upper})


def search_filter(q: str) -> Q | None:
    """The filter for a search text, or None for an empty one (see the module docstring)."""
    text = idcard.normalize(q)
    if not text:
        return None
    if text == "X":  # a lone x is both an ID ending and the initial of 徐、许、谢…
        return (
            _prefix_range("id_reversed", "X")
            | _prefix_range("name_pinyin", "x")
            | _prefix_range("name_initials", "x")
        )
    if _ID_TAIL.fullmatch(text):
        if len(text) == 18:
            return Q(id_number=text)
        return _prefix_range("id_reversed", text[::-1])
    lower = text.lower()
    if _LETTERS.fullmatch(lower):
        return _prefix_range("name_pinyin", lower) | _prefix_range("name_initials", lower)
    raw = " ".join(q.split())
    return Q(name__contains=raw) | Q(village__name__contains=raw)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def category_filter(category: str, today: dt.date | None = None) -> Q | None:
    today = today or dt.date.today()
    if category == Category.ELDERLY:
        return Q(birth_date__lte=_years_before(today, ELDERLY_AGE))
    if category == Category.MINOR:
        return Q(birth_date__gt=_years_before(today, ADULT_AGE))
    if category == Category.DISABLED:
        return ~Q(disability_kind="")
    return None


def region_filter(code: str) -> Q | None:
    """Persons registered in the region with that code (a village, township or larger)."""
    try:
        rc = rcodes.parse_region_code(code)
    except rcodes.InvalidRegionCode:
        return Q(pk__in=[])
    if rc.level == rcodes.VILLAGE:
        return Q(village_id=rc.code)
    return _prefix_range("village_id", rc.prefix)


def person_list(
    user,
    *,
    q: str = "",
    region: str = "",
    status: str = "",
    placement: str = "",
    category: str = "",
    today: dt.date | None = None,
) -> QuerySet[Person]:
    qs = scoped(Person, user).select_related("village", "village__parent")
    for condition in (
        search_filter(q or ""),
        region_filter(region) if region else None,
        category_filter(category, today) if category else None,
    ):
        if condition is not None:
            qs = qs.filter(condition)
    if status:
        qs = qs.filter(status=status)
    if placement:
        qs = qs.filter(placement=placement)
    return qs.order_by("village_id", "name_pinyin", "pk")


def person_get(user, pk) -> Person:
    return get_scoped_or_404(Person.objects.select_related("village", "village__parent"), user, pk=pk)


def person_regions(user) -> QuerySet[Region]:
    """Townships and villages in the user's area, for the list's region filter."""
    return scoped(Region, user).filter(level__in=[rcodes.TOWNSHIP, rcodes.VILLAGE]).order_by("code")


def villages_for_entry(user, current: Region | None = None) -> list[Region]:
    """Villages a person may be registered in: active ones in the user's area (and the person's
    current village even if it has since been abolished)."""
    qs = scoped(Region, user).filter(level=rcodes.VILLAGE).select_related("parent").order_by("code")
    qs = qs.filter(Q(is_active=True) | Q(code=current.code)) if current else qs.filter(is_active=True)
    return list(qs)


# ---- history ---------------------------------------------------------------------------------


def person_record_ids(person: Person) -> list[str]:
    """The person's id and those of every record merged into it (at any depth)."""
    ids = [str(person.pk)]
    frontier = list(ids)
    while frontier:
        merged = []
        rows = AuditEntry.objects.filter(
            object_type=PERSON_TYPE, object_id__in=frontier, action=AuditEntry.Action.MERGE
        ).values_list("extra", flat=True)
        for extra in rows:
            pk = (extra or {}).get("merged_person")
            if pk is not None and str(pk) not in ids:
                ids.append(str(pk))
                merged.append(str(pk))
        frontier = merged
    return ids


def person_history(user, person: Person) -> QuerySet[AuditEntry]:
    """Audit entries of the person and of the records merged into it, oldest first.

    The person has been checked to be in the user's area; their entries are shown whole, even
    those written while the person was registered elsewhere or under a merged-away record —
    a history with holes would mislead.
    """
    person = person_get(user, person.pk)
    return (
        AuditEntry.objects.filter(object_type=PERSON_TYPE, object_id__in=person_record_ids(person))
        .select_related("actor")
        .order_by("seq")
    )


def person_merged_into(user, pk, _depth: int = 0) -> Person | None:
    """The person a merged-away record went into, if the user may see them (for old links);
    follows merges of merges."""
    entry = (
        AuditEntry.objects.filter(object_type=PERSON_TYPE, object_id=str(pk), action=AuditEntry.Action.MERGE)
        .order_by("-seq")
        .first()
    )
    target = (entry.extra or {}).get("merged_into") if entry else None
    if target is None or _depth > 20:
        return None
    person = scoped(Person, user).filter(pk=target).first()
    if person is not None:
        return person
    return person_merged_into(user, target, _depth + 1)


# ---- probable duplicates -----------------------------------------------------------------------


def _duplicates(user) -> QuerySet[DuplicateCandidate]:
    """Pairs whose both persons are in the user's area (a pair across a boundary is visible only
    to whoever sees both sides)."""
    return (
        scoped(DuplicateCandidate, user)
        .filter(Q(other__isnull=True) | Q(other__in=scoped(Person, user)))
        .select_related("person__village__parent", "other__village__parent", "decided_by")
    )


def duplicate_list(user, *, status: str = DuplicateCandidate.Status.OPEN) -> QuerySet[DuplicateCandidate]:
    qs = _duplicates(user)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def duplicate_get(user, pk) -> DuplicateCandidate:
    return get_scoped_or_404(_duplicates(user), user, pk=pk)


def person_duplicates(user, person: Person) -> list[DuplicateCandidate]:
    """Open pairs the person is in, with the other person visible to the user."""
    return list(
        _duplicates(user)
        .filter(status=DuplicateCandidate.Status.OPEN)
        .filter(Q(person=person) | Q(other=person))
        .order_by("pk")
    )


def duplicate_open_count(user) -> int:
    return _duplicates(user).filter(status=DuplicateCandidate.Status.OPEN).count()
